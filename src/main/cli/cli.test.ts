import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { runCli } from './cli';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('cli');
});
afterAll(async () => {
  await db?.cleanup();
});

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('tidemark command', () => {
  it('adds a profile from a URI, lists it without its password, and tests it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tidemark-cli-'));
    const { host, port, database, user } = db.fields;
    const url = `postgresql://${user}:${encodeURIComponent(db.password)}@${host}:${port}/${database}?sslmode=disable`;

    const added = await cli('--data-dir', dataDir, 'profiles', 'add', '--url', url, '--name', 'test-pg');
    expect(added).toMatchObject({ code: 0, err: '' });
    expect(added.out).toContain('Added profile "test-pg"');

    const listed = await cli('--data-dir', dataDir, 'profiles', 'list');
    expect(listed.out).toMatch(/test-pg\s+\S+\s+\d+\s+\S+\s+\S+\s+disable\s+stored/);
    expect(listed.out).not.toContain(db.password);

    const tested = await cli('--data-dir', dataDir, 'profiles', 'test', 'TEST-PG');
    expect(tested.code).toBe(0);
    expect(tested.out).toMatch(/^OK {2}PostgreSQL 18/);
    expect(tested.out).toContain(`user         ${user}`);
  });

  it('explains bad input and exits non-zero without storing anything', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tidemark-cli-'));
    const bad = await cli('--data-dir', dataDir, 'profiles', 'add', '--url', 'postgresql://u@h:99999/d');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/port/i);
    const unknown = await cli('--data-dir', dataDir, 'profiles', 'test', 'nope');
    expect(unknown).toMatchObject({ code: 1, err: 'No profile named "nope". Known profiles: none yet.' });
    expect((await cli('--data-dir', dataDir, 'profiles', 'list')).out).toContain('No profiles yet');
    expect((await cli('--data-dir', dataDir, 'frobnicate')).code).toBe(1);
  });

  it('reports a failed connection test with its reason and exit code 1', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tidemark-cli-'));
    const { host, port, user } = db.fields;
    await cli(
      '--data-dir',
      dataDir,
      'profiles',
      'add',
      '--url',
      `postgresql://${user}:wrong@${host}:${port}/postgres`,
      '--name',
      'bad',
    );
    const tested = await cli('--data-dir', dataDir, 'profiles', 'test', 'bad');
    expect(tested.code).toBe(1);
    expect(tested.out).toMatch(/FAILED \(auth_failed\)/);
  });
});
