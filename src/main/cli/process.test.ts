import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, spawnCli } from '../../../test/support/cli';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { createTransactions } from '../../../test/support/migration-engine';

/**
 * The `tidemark` command as a script sees it: the real process, its exit code,
 * stdout and stderr. Exit codes: 0 done, 1 a failure it explains, 2 a command
 * line it cannot run.
 */

let db: TestDatabase;
const dataDir = mkdtempSync(join(tmpdir(), 'tidemark-cli-process-'));
const tidemark = (...args: string[]) => spawnCli(args, { dataDir });
/** The check that stops on the primary key without the time column. */
const blockedCheck = ['migrate', 'check', 'pg', 'cli_tx', '--time', 'executed_at', '--target', 'partitions'];
const accepted = ['--accept-composite-key', '--free', '10GB'];

const url = () => {
  const { host, port, database, user } = db.fields;
  return `postgresql://${user}:${encodeURIComponent(db.password)}@${host}:${port}/${database}?sslmode=disable`;
};

beforeAll(async () => {
  db = await createTestDatabase('cli process');
  const admin = await db.admin();
  await createTransactions(admin, 'public.cli_tx', 500);
  await createTransactions(admin, 'public.cli_big', 20_000);
  expect((await tidemark('profiles', 'add', '--url', url(), '--name', 'pg')).code).toBe(0);
});
afterAll(async () => {
  await db?.cleanup();
});

function json(run: CliRun): unknown {
  expect(run.stderr, 'stderr').toBe('');
  expect(run.code, 'exit code').toBe(0);
  return JSON.parse(run.stdout);
}

function jsonError(run: CliRun): { code: string; message: string; fields?: Record<string, string> } {
  return (JSON.parse(run.stderr) as { error: { code: string; message: string } }).error;
}

describe('the tidemark process', () => {
  it('exits 0 when it did what was asked', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'tidemark-cli-process-'));
    const added = await spawnCli(['profiles', 'add', '--url', url(), '--name', 'pg'], { dataDir: elsewhere });
    expect(added).toEqual({ code: 0, stdout: expect.stringContaining('Added profile "pg"'), stderr: '' });
    expect(await tidemark('profiles', 'test', 'pg')).toMatchObject({ code: 0, stderr: '' });
  });

  it('exits 1 on a failure it explains, with the reason on stderr', async () => {
    const badPort = await tidemark('profiles', 'add', '--url', 'postgresql://u@h:99999/d');
    expect(badPort).toEqual({ code: 1, stdout: '', stderr: expect.stringMatching(/port "99999"/) });
    expect(await tidemark('profiles', 'add', '--url', 'not a uri')).toEqual({
      code: 1,
      stdout: '',
      stderr: expect.stringMatching(/neither a postgresql:\/\/ URI nor key=value pairs/),
    });

    expect(await tidemark('history', 'nope')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'No profile named "nope". Known profiles: pg.\n',
    });
    // An error envelope from the router.
    expect(await tidemark('migrate', 'status', 'nope')).toEqual({
      code: 1,
      stdout: '',
      stderr: expect.stringMatching(/There is no migration nope/),
    });

    const check = await tidemark(...blockedCheck);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/^STOP {2}Primary key "cli_tx_pkey"/m);
    expect(check.stdout).toMatch(/fix: Accept the composite key \(--accept-composite-key\)/);
    // Sizes in binary units, through the one formatter.
    expect(check.stdout).toMatch(/Size and rows: [\d.]+ KiB in all \([\d.]+ KiB of rows/);
    expect(check.stdout).not.toMatch(/\d kB/);
    expect(check.stderr).toBe('The pre-flight found blocking items: Primary key "cli_tx_pkey".\n');

    const plan = await tidemark('migrate', 'plan', ...blockedCheck.slice(2));
    expect(plan.code).toBe(1);
    expect(plan.stdout).not.toMatch(/Planned/);
    expect(plan.stderr).toMatch(
      /^Not planned: the pre-flight found blocking items \(Primary key "cli_tx_pkey"\)/,
    );
  });

  it('exits 2 on a command line it cannot run, saying what to fix', async () => {
    const unknown = await tidemark('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toMatch(/^Unknown command "frobnicate"\.\n\nUsage: tidemark/);

    const flag = await tidemark('profiles', 'list', '--frobnicate');
    expect(flag).toMatchObject({ code: 2, stdout: '', stderr: expect.stringMatching(/--frobnicate/) });
    expect(await tidemark()).toMatchObject({ code: 2, stderr: expect.stringMatching(/^Name a command/) });
    expect(await tidemark('profiles', 'test')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'profiles test needs a profile name: tidemark profiles test NAME\n',
    });
    expect(await tidemark('profiles', 'frobnicate')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^Unknown profiles command "frobnicate"\.\n\nUsage:\n {2}profiles list/),
    });
    expect(await tidemark('history', 'pg', '--since', 'last tuesday')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--since "last tuesday" is not understood/),
    });
    expect(await tidemark('migrate', 'plan', 'pg', 'cli_tx')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/needs: PROFILE \[SCHEMA\.\]TABLE --time COLUMN --target/),
    });
  });

  it('refuses --keep-days 0 and other settings by flag name, saying what each takes', async () => {
    const zero = await tidemark(...blockedCheck, ...accepted, '--keep-days', '0');
    expect(zero.code).toBe(2);
    expect(zero.stdout).toBe('');
    expect(zero.stderr).toMatch(/^--keep-days takes a whole number of days from 1 to 365, not "0"\./);
    expect(zero.stderr).toMatch(/tidemark migrate cleanup ID --confirm OLD_TABLE/);
    expect(zero.stderr).not.toMatch(/Too small|expected/);

    const several = await tidemark(...blockedCheck, '--batch-rows', '1.5', '--free', 'lots');
    expect(several.code).toBe(2);
    expect(several.stderr).toMatch(
      /^--batch-rows takes a whole number of rows from 1 to 10,000,000, not "1\.5"\.$/m,
    );
    expect(several.stderr).toMatch(/^--free takes a size such as 500GB or 1\.5TiB, not "lots"\.$/m);

    const seconds =
      /^--batch-seconds takes seconds from 0 to 10, e\.g\. 0\.5 \(0: every batch --batch-rows rows\), not "[^"]*"\.$/;
    for (const wrong of ['abc', '11', '10.5', '0,5']) {
      const refused = await tidemark(...blockedCheck, ...accepted, '--batch-seconds', wrong);
      expect(refused, wrong).toMatchObject({ code: 2, stdout: '' });
      expect(refused.stderr.trimEnd(), wrong).toMatch(seconds);
      expect(refused.stderr, wrong).toContain(`not "${wrong}"`);
    }
  });

  it('writes an error after the output that came before it, on a shared pipe (2>&1)', async () => {
    const merged = await spawnCli(blockedCheck, { dataDir, mergeOutput: true });
    expect(merged.code).toBe(1);
    const lines = merged.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('public.cli_tx → native partitions on executed_at');
    expect(lines.at(-2)).toMatch(/^Settings: interval/);
    expect(lines.at(-1)).toBe('The pre-flight found blocking items: Primary key "cli_tx_pkey".');
  });

  it('prints one JSON document on stdout for every read command with --json', async () => {
    const profiles = json(await tidemark('profiles', 'list', '--json'));
    expect(profiles).toEqual([expect.objectContaining({ name: 'pg', database: db.name })]);
    expect(JSON.stringify(profiles)).not.toContain(db.password);

    expect(json(await tidemark('profiles', 'test', 'pg', '--json'))).toMatchObject({
      ok: true,
      report: { database: db.name },
    });
    const sampled = json(await tidemark('sample', 'pg', '--json')) as { relationCount: number };
    expect(sampled).toMatchObject({ profile: 'pg', database: { name: db.name, bytes: expect.any(Number) } });
    expect(sampled.relationCount).toBeGreaterThan(0);

    expect(json(await tidemark('history', 'pg', '--json'))).toMatchObject({
      profile: 'pg',
      relation: null,
      samples: [{ takenAt: expect.any(String), databaseBytes: expect.any(Number) }],
    });
    expect(json(await tidemark('history', 'pg', '--relation', 'cli_tx', '--json'))).toMatchObject({
      relation: 'public.cli_tx',
      samples: [{ totalBytes: expect.any(Number), heapBytes: expect.any(Number) }],
    });
    expect(json(await tidemark('alerts', 'pg', '--json'))).toEqual([]);
    expect(json(await tidemark('rules', 'pg', '--json'))).toEqual([
      expect.objectContaining({ profile: 'pg', isDefault: true }),
    ]);

    const check = json(await tidemark(...blockedCheck, ...accepted, '--json'));
    expect(check).toMatchObject({ blocked: false, target: 'partitions', timeColumn: 'executed_at' });
    const plan = json(await tidemark('migrate', 'plan', ...blockedCheck.slice(2), ...accepted, '--json')) as {
      migration: { id: string };
    };
    expect(plan).toMatchObject({ preflight: { blocked: false }, migration: { state: 'planned' } });
    const id = plan.migration.id;
    expect(json(await tidemark('migrate', 'status', '--json'))).toContainEqual(
      expect.objectContaining({ id, state: 'planned' }),
    );
    expect(json(await tidemark('migrate', 'status', id, '--json'))).toMatchObject({
      id,
      steps: expect.any(Array),
    });
    expect(json(await tidemark('migrate', 'export', id, '--json'))).toMatchObject({
      fileName: expect.stringMatching(/\.sql$/),
      script: expect.stringMatching(/\\set ON_ERROR_STOP on/),
    });
  });

  it('reports errors as JSON on stderr with --json, with the same exit codes', async () => {
    const unknown = await tidemark('history', 'nope', '--json');
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(jsonError(unknown)).toEqual({
      code: 'not_found',
      message: 'No profile named "nope". Known profiles: pg.',
    });

    // The report is still the one document on stdout; why it stops is on stderr.
    const blocked = await tidemark(...blockedCheck, '--json');
    expect(blocked.code).toBe(1);
    expect(JSON.parse(blocked.stdout)).toMatchObject({ blocked: true });
    expect(jsonError(blocked)).toMatchObject({ code: 'preflight_blocked' });

    const usage = await tidemark('--json', 'frobnicate');
    expect(usage).toMatchObject({ code: 2, stdout: '' });
    expect(jsonError(usage)).toEqual({ code: 'usage', message: 'Unknown command "frobnicate".' });

    const zero = await tidemark(...blockedCheck, ...accepted, '--keep-days', '0', '--json');
    expect(zero.code).toBe(2);
    expect(jsonError(zero).message).toMatch(/^--keep-days takes a whole number of days from 1 to 365/);

    const badUri = await tidemark('profiles', 'add', '--url', 'postgresql://u@h:99999/d', '--json');
    expect(badUri.code).toBe(1);
    expect(jsonError(badUri)).toMatchObject({
      code: 'invalid_input',
      fields: { '--url': expect.stringMatching(/port/) },
    });
  });

  it('refuses, with exit 1, what main says cannot be done to a migration now', async () => {
    const admin = await db.admin();
    await createTransactions(admin, 'public.cli_refused', 100);
    const table = ['pg', 'cli_refused', '--time', 'executed_at', '--target', 'partitions', ...accepted];
    const plan = json(await tidemark('migrate', 'plan', ...table, '--json')) as {
      migration: { id: string };
    };
    expect(plan.migration).toMatchObject({ state: 'planned', allowedActions: ['run', 'cancel', 'discard'] });
    const id = plan.migration.id;
    // A rollback of a plan that never ran is refused (it used to cancel it and exit 0).
    expect(await tidemark('migrate', 'rollback', id)).toEqual({
      code: 1,
      stdout: '',
      stderr: `Migration ${id} is planned: it cannot be rolled back now. Possible now: run, cancel, discard.\n`,
    });
    const swap = await tidemark('migrate', 'swap', id, '--json');
    expect(swap).toMatchObject({ code: 1, stdout: '' });
    expect(jsonError(swap)).toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/is planned: it cannot be swapped now/),
    });
    expect(json(await tidemark('migrate', 'status', id, '--json'))).toMatchObject({ state: 'planned' });
  }, 180_000);

  it('pauses a run at a safe point on Ctrl-C, exits 1, and resumes where it stopped', async () => {
    const big = ['pg', 'cli_big', '--time', 'executed_at', '--target', 'partitions', ...accepted];
    // Fixed batches of 100 rows (--batch-seconds 0), so the copy is still going when Ctrl-C comes.
    const fixed = ['--batch-rows', '100', '--batch-seconds', '0'];
    const planned = json(await tidemark('migrate', 'plan', ...big, ...fixed, '--json')) as {
      preflight: { settings: { batchRows: number; batchSeconds: number } };
      migration: { id: string };
    };
    expect(planned.preflight.settings).toMatchObject({ batchRows: 100, batchSeconds: 0 });
    const id = planned.migration.id;

    // Ctrl-C once the copy has started (hundreds of batches to go).
    const run = await spawnCli(['migrate', 'run', id], { dataDir, interrupt: { when: /\d+ \/ ~\d+ rows/ } });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `Stopping at the next safe point…\nInterrupted: migration ${id} is paused. Continue with: tidemark migrate run ${id}\n`,
    );
    expect(json(await tidemark('migrate', 'status', id, '--json'))).toMatchObject({ state: 'paused' });

    const resumed = await tidemark('migrate', 'run', id);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/Validation passed/);
  });
});
