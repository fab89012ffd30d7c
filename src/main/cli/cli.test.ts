import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, cliWith } from '../../../test/support/cli';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('cli');
});
afterAll(async () => {
  await db?.cleanup();
});

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

  it('takes the password from stdin or a prompt, never needing it in argv', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tidemark-cli-'));
    const { host, port, database, user } = db.fields;
    const url = `postgresql://${user}@${host}:${port}/${database}?sslmode=disable`;

    const piped = await cliWith(
      { stdin: `${db.password}\n` },
      ...['--data-dir', dataDir, 'profiles', 'add', '--url', url, '--name', 'piped', '--password-stdin'],
    );
    expect(piped).toMatchObject({ code: 0, err: '' });
    expect((await cli('--data-dir', dataDir, 'profiles', 'list')).out).toMatch(/piped .* stored/);
    expect((await cli('--data-dir', dataDir, 'profiles', 'test', 'piped')).code).toBe(0);

    const typed = await cliWith(
      { typed: db.password },
      ...['--data-dir', dataDir, 'profiles', 'add', '--url', url, '--name', 'typed', '--ask-password'],
    );
    expect(typed).toMatchObject({ code: 0, prompts: [`Password for ${user}@${host}: `] });
    expect((await cli('--data-dir', dataDir, 'profiles', 'test', 'typed')).code).toBe(0);

    const empty = await cliWith(
      { stdin: '' },
      '--data-dir',
      dataDir,
      'profiles',
      'add',
      '--url',
      url,
      '--password-stdin',
    );
    expect(empty).toMatchObject({ code: 1, err: 'The password is empty: nothing was read.' });
    const both = await cliWith(
      { stdin: 'x' },
      ...['--data-dir', dataDir, 'profiles', 'add', '--url', `postgresql://${user}:pw@${host}/${database}`],
      '--password-stdin',
    );
    // Two passwords on one command line: the command line is wrong (2).
    expect(both).toMatchObject({
      code: 2,
      err: 'The URL already holds a password: leave it out of the URL, or leave out --password-stdin.',
    });
    expect((await cli('--help')).out).toContain('--password-stdin');
  });

  it('explains bad input and exits non-zero without storing anything', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tidemark-cli-'));
    const bad = await cli('--data-dir', dataDir, 'profiles', 'add', '--url', 'postgresql://u@h:99999/d');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/port/i);
    const unknown = await cli('--data-dir', dataDir, 'profiles', 'test', 'nope');
    expect(unknown).toMatchObject({ code: 1, err: 'No profile named "nope". Known profiles: none yet.' });
    expect((await cli('--data-dir', dataDir, 'profiles', 'list')).out).toContain('No profiles yet');
    expect((await cli('--data-dir', dataDir, 'frobnicate')).code).toBe(2);
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

describe('tidemark sample and history', () => {
  it('samples a server and prints the stored history, as a table and as CSV', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tidemark-cli-'));
    const admin = await db.admin();
    await admin.query('CREATE TABLE "Orders" (id bigserial PRIMARY KEY, note text)');
    await admin.query('INSERT INTO "Orders" (note) SELECT repeat(\'x\', 100) FROM generate_series(1, 1000)');
    const { host, port, database, user } = db.fields;
    const url = `postgresql://${user}:${encodeURIComponent(db.password)}@${host}:${port}/${database}?sslmode=disable`;
    await cli('--data-dir', dataDir, 'profiles', 'add', '--url', url, '--name', 'pg');

    const first = await cli('--data-dir', dataDir, 'sample', 'pg');
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/Sampled "pg" at .*: \d+ relations/);
    await admin.query('INSERT INTO "Orders" (note) SELECT repeat(\'y\', 100) FROM generate_series(1, 20000)');
    expect((await cli('--data-dir', dataDir, 'sample', 'pg')).code).toBe(0);

    const csv = await cli('--data-dir', dataDir, 'history', 'pg', '--relation', 'public.Orders', '--csv');
    const lines = csv.out.split('\n');
    expect(lines[0]).toBe('taken_at,total_bytes,heap_bytes,toast_bytes,index_bytes,not_measured');
    expect(lines).toHaveLength(3);
    const totals = lines.slice(1).map((l) => Number(l.split(',')[1]));
    expect(totals[1]).toBeGreaterThan(totals[0]!);
    // The same figure the server gives.
    const direct = await admin.query<{ n: string }>(`SELECT pg_total_relation_size('"Orders"') AS n`);
    expect(totals[1]).toBe(Number(direct.rows[0]!.n));

    const text = await cli('--data-dir', dataDir, 'history', 'pg', '--since', '1d');
    expect(text.out).toMatch(/History of the database of "pg"/);
    expect(text.out.split('\n').filter((l) => /^\d{4}-\d{2}-\d{2}T/.test(l))).toHaveLength(2);
  });

  it('explains a relation or a --since it does not understand', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tidemark-cli-'));
    const { host, port, database, user } = db.fields;
    await cli(
      '--data-dir',
      dataDir,
      'profiles',
      'add',
      '--url',
      `postgresql://${user}@${host}:${port}/${database}`,
      '--name',
      'pg',
    );
    // A flag value it cannot take is a usage error (2); a relation it does not know, a failure (1).
    expect(await cli('--data-dir', dataDir, 'history', 'pg', '--since', 'last tuesday')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--since "last tuesday" is not understood/),
    });
    expect(await cli('--data-dir', dataDir, 'history', 'pg', '--relation', 'nope')).toMatchObject({
      code: 1,
      err: expect.stringMatching(/No relation "nope"/),
    });
    expect((await cli('--data-dir', dataDir, 'sample', 'unknown')).err).toMatch(/No profile named "unknown"/);
  });
});
