import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, spawnCli } from '../../../test/support/cli';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';

/**
 * Names a server's users can create, printed by every command that shows
 * them, in the real `tidemark` process: nothing reaches the terminal raw,
 * stdout or stderr.
 */

let db: TestDatabase;
const dataDir = mkdtempSync(join(tmpdir(), 'tidemark-cli-terminal-'));
const tidemark = (...args: string[]) => spawnCli(args, { dataDir });

/** Clears the screen, sets the window title, rings the bell. */
const screen = 'evil\x1b[2J\x1b]0;owned\x07';
/** Reads "orders_old" backwards from the override on. */
const bidi = 'orders\u202edlo_';
/** Looks exactly like "orders". */
const invisible = 'orders\u200b';

/** No escape sequence, bidi override or invisible character reached the terminal. */
function inert(run: CliRun): void {
  for (const text of [run.stdout, run.stderr]) {
    for (const raw of ['\x1b', '\x07', '\u202e', '\u200b']) expect(text).not.toContain(raw);
  }
}

beforeAll(async () => {
  db = await createTestDatabase('cli terminal');
  const admin = await db.admin();
  const q = (name: string) => admin.escapeIdentifier(name);
  await admin.query(`
    CREATE TABLE orders (id int, at timestamptz NOT NULL);
    CREATE TABLE ${q(screen)} (id int, at timestamptz NOT NULL);
    CREATE TABLE ${q(bidi)} (id int);
    CREATE TABLE ${q(invisible)} (id int);
    CREATE SCHEMA ${q(screen)};
    CREATE TABLE public.dup (id int);
    CREATE TABLE ${q(screen)}.dup (id int);
  `);
  const { host, port, database, user } = db.fields;
  const url = `postgresql://${user}:${encodeURIComponent(db.password)}@${host}:${port}/${database}?sslmode=disable`;
  expect((await tidemark('profiles', 'add', '--url', url, '--name', 'pg')).code).toBe(0);
  expect((await tidemark('sample', 'pg')).code).toBe(0);
});
afterAll(async () => {
  await db?.cleanup();
});

describe('names from the server on the terminal', () => {
  it('storage writes invisible and bidi characters as escapes too', async () => {
    const run = await tidemark('storage', 'pg', '--top', '50');
    expect(run.code).toBe(0);
    inert(run);
    expect(run.stdout).toContain('public."orders\\u200b"');
    expect(run.stdout).toContain('public."orders\\u202edlo_"');
  });

  it('--json writes them as JSON escapes: the same names, nothing raw on the terminal', async () => {
    const run = await tidemark('storage', 'pg', '--top', '50', '--json');
    expect(run.code).toBe(0);
    inert(run);
    expect(run.stdout).toContain('"orders\\u202edlo_"');
    // Parsed, the names are the server's own.
    const parsed = JSON.stringify(JSON.parse(run.stdout));
    expect(parsed).toContain(bidi);
    expect(parsed).toContain(invisible);
    const failed = await tidemark('history', 'pg', '--relation', 'dup', '--json');
    expect(failed.code).toBe(1);
    inert(failed);
    expect(JSON.parse(failed.stderr).error.message).toContain(`"${screen}".dup`);
  });

  it('growth of a relation names it escaped', async () => {
    const run = await tidemark('growth', 'pg', '--relation', `public.${screen}`);
    expect(run.code).toBe(0);
    inert(run);
    expect(run.stdout).toContain('relation public."evil\\x1b[2J\\x1b]0;owned\\x07"');
  });

  it('an error that lists names from the server is escaped on stderr', async () => {
    const run = await tidemark('history', 'pg', '--relation', 'dup');
    expect(run.code).toBe(1);
    inert(run);
    expect(run.stderr).toContain('"evil\\x1b[2J\\x1b]0;owned\\x07".dup');
  });

  it('the pre-flight report names the table escaped', async () => {
    const table = `public."${screen}"`;
    const run = await tidemark('migrate', 'check', 'pg', table, '--time', 'at', '--target', 'partitions');
    expect(run.code).not.toBe(2);
    inert(run);
    expect(run.stdout).toContain('public."evil\\x1b[2J');
  });
});

describe('a psql script on the terminal', () => {
  it('is exact through a pipe, and inert when stdout is a terminal', async () => {
    const table = `public."${screen}"`;
    const planned = await tidemark('migrate', 'plan', 'pg', table, '--time', 'at', '--target', 'partitions');
    expect(planned.code, planned.stdout + planned.stderr).toBe(0);
    const id = /Planned ([0-9a-f]{12})\./.exec(planned.stdout)?.[1] as string;
    const piped = await tidemark('migrate', 'export', id);
    expect(piped.code).toBe(0);
    expect(piped.stdout).toContain(`"${screen}"`);
    // `script` runs the command on a pseudo-terminal, as a DBA's shell would.
    const command = [process.execPath, 'bin/tidemark.cjs', '--data-dir', dataDir, 'migrate', 'export', id]
      .map((a) => `'${a}'`)
      .join(' ');
    const shown = execFileSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8' });
    expect(shown).toContain('\\x1b[2J');
    for (const raw of ['\x1b', '\x07']) expect(shown).not.toContain(raw);
  });
});

describe('tidemark rules --relation', () => {
  it('is refused (exit 2) rather than setting the whole profile’s rule', async () => {
    const run = await tidemark('rules', 'pg', '--relation', 'public.orders', '--set', 'growthWarningPct=5');
    expect(run).toMatchObject({ code: 2, stdout: '', stderr: expect.stringMatching(/takes no --relation/) });
    const rules = JSON.parse((await tidemark('rules', 'pg', '--json')).stdout) as Array<{
      isDefault: boolean;
    }>;
    expect(rules[0]?.isDefault).toBe(true);
  });
});
