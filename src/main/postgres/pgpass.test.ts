import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findPgpassEntry, lookupPgpassPassword, parsePgpass } from './pgpass';

const target = { host: 'db1', port: 5432, database: 'sales', user: 'monitor' };

describe('parsePgpass', () => {
  it('reads five fields, keeps colons inside the password and skips comments and short lines', () => {
    const entries = parsePgpass('# c\n\ndb1:5432:sales:monitor:pa:ss\nbroken:line\n');
    expect(entries).toEqual([
      { host: 'db1', port: '5432', database: 'sales', user: 'monitor', password: 'pa:ss', line: 3 },
    ]);
  });
});

describe('findPgpassEntry', () => {
  it('takes the first matching line, with * matching anything', () => {
    const entries = parsePgpass(
      'other:5432:*:*:no\n*:5432:sales:monitor:first\ndb1:5432:sales:monitor:second\n',
    );
    expect(findPgpassEntry(entries, target)?.password).toBe('first');
  });

  it('matches nothing when a field differs', () => {
    const entries = parsePgpass('db1:5433:sales:monitor:x\ndb1:5432:sales:app:y\n');
    expect(findPgpassEntry(entries, target)).toBeUndefined();
  });

  it('lets "localhost" lines match a connection through the default socket directory, as libpq does', () => {
    const entries = parsePgpass('localhost:5432:sales:monitor:sock\n');
    expect(findPgpassEntry(entries, { ...target, host: '/var/run/postgresql' })?.password).toBe('sock');
    expect(findPgpassEntry(entries, { ...target, host: '/srv/pg' })).toBeUndefined();
  });
});

describe('lookupPgpassPassword', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tidemark-pgpass-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finds the password in ~/.pgpass', async () => {
    await writeFile(join(dir, '.pgpass'), 'db1:5432:sales:monitor:from-file\n', { mode: 0o600 });
    expect(await lookupPgpassPassword(target, { home: dir, env: {} })).toEqual({
      password: 'from-file',
      path: join(dir, '.pgpass'),
    });
  });

  it('says why there is no password: missing file, no matching line, a file others can read', async () => {
    const missing = await lookupPgpassPassword(target, { home: dir, env: {} });
    expect(missing).toMatchObject({ password: undefined, why: `${join(dir, '.pgpass')} does not exist` });

    const file = join(dir, 'pass');
    await writeFile(file, 'db2:5432:sales:monitor:x\n');
    await chmod(file, 0o600);
    const noLine = await lookupPgpassPassword(target, { env: { PGPASSFILE: file } });
    expect(noLine).toMatchObject({ why: `no line in ${file} matches db1:5432:sales:monitor` });

    await writeFile(file, 'db1:5432:sales:monitor:x\n');
    await chmod(file, 0o640);
    const open = await lookupPgpassPassword(target, { file });
    expect(open.password).toBeUndefined();
    expect(open).toMatchObject({ why: expect.stringMatching(/mode 0640.*chmod 0600/) });
  });
});
