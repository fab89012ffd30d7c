import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../../../test/support/cli';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';

/**
 * `tidemark profiles delete NAME [--keep-history]` as a script sees it: the real process and its exit
 * codes (0 done, 1 refused with the reason, 2 a wrong command line), against a real server sampled first.
 */

let db: TestDatabase;
const dataDir = mkdtempSync(join(tmpdir(), 'tidemark-cli-delete-'));
const tidemark = (...args: string[]) => spawnCli(args, { dataDir });
const csvRows = async (name: string) => {
  const run = await tidemark('history', name, '--since', '30d', '--csv');
  expect(run).toMatchObject({ code: 0, stderr: '' });
  return run.stdout.trim().split('\n').length - 1;
};

beforeAll(async () => {
  db = await createTestDatabase('cli profiles delete');
  const { host, port, database, user } = db.fields;
  const url = `postgresql://${user}:${encodeURIComponent(db.password)}@${host}:${port}/${database}?sslmode=disable`;
  for (const name of ['kept', 'gone']) {
    expect((await tidemark('profiles', 'add', '--url', url, '--name', name)).code).toBe(0);
    expect((await tidemark('sample', name)).code).toBe(0);
    expect((await tidemark('sample', name)).code).toBe(0);
  }
}, 300_000);
afterAll(async () => {
  await db?.cleanup();
});

// Each run starts a real process that compiles the CLI: slow on a busy machine.
const SPAWNS = { timeout: 300_000 };

describe('tidemark profiles delete', () => {
  it(
    '--keep-history archives: out of the list, not sampled, its history still exported',
    SPAWNS,
    async () => {
      expect(await csvRows('kept')).toBe(2);
      const archived = await tidemark('profiles', 'delete', 'kept', '--keep-history');
      expect(archived).toMatchObject({
        code: 0,
        stdout: expect.stringMatching(/^Archived "kept"/),
        stderr: '',
      });

      expect((await tidemark('profiles', 'list')).stdout).not.toMatch(/^kept /m);
      expect((await tidemark('profiles', 'archived')).stdout).toMatch(/^kept /m);
      expect(await csvRows('kept')).toBe(2);
      const sample = await tidemark('sample', 'kept');
      expect(sample).toMatchObject({ code: 1, stderr: expect.stringMatching(/archived/) });

      // Already archived: keeping its history again is refused; restoring it works once.
      expect(await tidemark('profiles', 'delete', 'kept', '--keep-history')).toMatchObject({ code: 1 });
      expect(await tidemark('profiles', 'restore', 'kept')).toMatchObject({ code: 0 });
      expect(await tidemark('profiles', 'restore', 'kept')).toMatchObject({
        code: 1,
        stderr: 'No archived server named "kept".\n',
      });
      // Watched again, but its stored password was dropped when it was archived: it must be given again.
      expect(await tidemark('sample', 'kept')).toMatchObject({
        code: 1,
        stderr: expect.stringMatching(/password/),
      });
      expect(await csvRows('kept')).toBe(2);
    },
  );

  it(
    'without --keep-history deletes the history too; an archived one is deleted for good',
    SPAWNS,
    async () => {
      expect(await tidemark('profiles', 'delete', 'gone')).toMatchObject({
        code: 0,
        stdout: expect.stringMatching(/^Deleted "gone" with its history/),
      });
      expect(await tidemark('history', 'gone')).toMatchObject({
        code: 1,
        stderr: expect.stringMatching(/No profile named "gone"/),
      });

      expect((await tidemark('profiles', 'delete', 'kept', '--keep-history')).code).toBe(0);
      expect((await tidemark('profiles', 'delete', 'kept')).code).toBe(0);
      expect((await tidemark('profiles', 'archived')).stdout).toBe('No archived servers.\n');
      expect(await tidemark('history', 'kept')).toMatchObject({ code: 1 });
    },
  );

  it(
    'prints the restore command with the name as one shell word, whatever the name holds',
    SPAWNS,
    async () => {
      const bin = mkdtempSync(join(tmpdir(), 'tidemark-fake-bin-'));
      const pwned = join(bin, 'pwned');
      // A name from a profiles file or pg_service.conf: the DBA pastes the printed command into a shell.
      const name = `it's "$(touch ${pwned})" \`touch ${pwned}\``;
      const { host, port, database, user } = db.fields;
      const url = `postgresql://${user}@${host}:${port}/${database}?sslmode=disable`;
      expect((await tidemark('profiles', 'add', '--url', url, '--name', name)).code).toBe(0);
      const archived = await tidemark('profiles', 'delete', name, '--keep-history');
      expect(archived.code, archived.stderr).toBe(0);
      const command = /\((tidemark profiles restore .*) watches it again\)/.exec(archived.stdout)?.[1];
      expect(command, archived.stdout).toBeDefined();
      // The command as a shell runs it, with a `tidemark` that only writes down its arguments.
      const args = join(bin, 'args');
      writeFileSync(join(bin, 'tidemark'), `#!/bin/sh\nprintf '%s\\n' "$@" > '${args}'\n`, { mode: 0o755 });
      execFileSync('/bin/sh', ['-c', command!], {
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
      });
      expect(existsSync(pwned), 'the name ran a command').toBe(false);
      expect(readFileSync(args, 'utf8')).toBe(`profiles\nrestore\n${name}\n`);
    },
  );

  it('says what is wrong with the command line (exit 2) or the name (exit 1)', SPAWNS, async () => {
    expect(await tidemark('profiles', 'delete')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^profiles delete needs a profile name/),
    });
    expect(await tidemark('profiles', 'delete', 'nope')).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^No profile named "nope"/),
    });
  });
});
