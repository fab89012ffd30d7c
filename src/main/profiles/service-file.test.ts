import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discoverProfiles, discoverWithPasswords, parseServiceFile } from './service-file';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tidemark-discover-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A home and a sysconf dir inside the temp folder, so the machine's own files never leak in. */
async function layout(files: {
  userService?: string;
  systemService?: string;
  pgpass?: string;
  pgpassMode?: number;
}) {
  const home = join(dir, 'home');
  const sysconf = join(dir, 'etc');
  await mkdir(home, { recursive: true });
  await mkdir(sysconf, { recursive: true });
  if (files.userService !== undefined) await writeFile(join(home, '.pg_service.conf'), files.userService);
  if (files.systemService !== undefined)
    await writeFile(join(sysconf, 'pg_service.conf'), files.systemService);
  if (files.pgpass !== undefined) {
    await writeFile(join(home, '.pgpass'), files.pgpass);
    await chmod(join(home, '.pgpass'), files.pgpassMode ?? 0o600);
  }
  return { home, env: { PGSYSCONFDIR: sysconf }, osUser: 'dba' };
}

describe('pg_service.conf', () => {
  it('turns each service into a candidate named after it', async () => {
    const options = await layout({
      userService: [
        '# production',
        '[prod]',
        'host=db1.example.com',
        'port=6432',
        'dbname=sales',
        'user=monitor',
        'sslmode=verify-full',
        'sslrootcert=/etc/ssl/corp-root.crt',
        'connect_timeout=5',
        '',
        '[staging]',
        'host = db2',
        'user = app',
      ].join('\n'),
    });
    const { candidates } = await discoverProfiles(options);
    expect(candidates).toEqual([
      {
        source: 'pg_service',
        label: 'prod',
        input: {
          name: 'prod',
          host: 'db1.example.com',
          port: 6432,
          database: 'sales',
          user: 'monitor',
          sslmode: 'verify-full',
          sslRootCert: '/etc/ssl/corp-root.crt',
          connectTimeoutSec: 5,
        },
        hasPassword: false,
      },
      {
        source: 'pg_service',
        label: 'staging',
        // libpq defaults: port 5432, database named after the user.
        input: { name: 'staging', host: 'db2', user: 'app', port: 5432, database: 'app' },
        hasPassword: false,
      },
    ]);
  });

  it('keeps ";" and "#" inside values (an ini parser would cut them off)', async () => {
    const options = await layout({
      userService: '[svc]\nhost=db1\nuser=u\npassword=ab;cd#ef\nsslrootcert=/certs/#1;root.crt\n',
    });
    const [found] = (await discoverWithPasswords(options)).found;
    expect(found?.password).toBe('ab;cd#ef');
    expect(found?.candidate.input).toMatchObject({
      sslRootCert: '/certs/#1;root.crt',
      passwordMode: 'store',
    });
  });

  it('keeps a service password out of what the renderer receives, saying only that there is one', async () => {
    const options = await layout({ userService: '[svc]\nhost=db1\nuser=u\npassword=top-secret\n' });
    const { candidates } = await discoverProfiles(options);
    expect(candidates[0]?.hasPassword).toBe(true);
    expect(JSON.stringify(candidates)).not.toContain('top-secret');
  });

  it('fills in what libpq would: the local host and the OS user', async () => {
    const options = await layout({ userService: '[local]\ndbname=app\n' });
    const [candidate] = (await discoverProfiles(options)).candidates;
    expect(candidate?.input).toMatchObject({ host: 'localhost', user: 'dba', database: 'app', port: 5432 });
    expect(candidate?.problem).toBeUndefined();
  });

  it('reads the system file too, the user file winning for a service in both', async () => {
    const options = await layout({
      userService: '[shared]\nhost=mine\n',
      systemService: '[shared]\nhost=theirs\n[central]\nhost=central-db\n',
    });
    const { candidates, searched } = await discoverProfiles(options);
    expect(candidates.map((c) => [c.label, c.input.host])).toEqual([
      ['shared', 'mine'],
      ['central', 'central-db'],
    ]);
    expect(searched).toEqual([
      `${join(options.home, '.pg_service.conf')} — 1 service`,
      `${join(options.env.PGSYSCONFDIR, 'pg_service.conf')} — 1 service`,
      `${join(options.home, '.pgpass')} — not found`,
    ]);
  });

  it('follows PGSERVICEFILE, and an explicit file replaces the search', async () => {
    const custom = join(dir, 'custom.conf');
    await writeFile(custom, '[only]\nhost=x\n');
    const options = await layout({ userService: '[ignored]\nhost=y\n' });
    const viaEnv = await discoverProfiles({ ...options, env: { ...options.env, PGSERVICEFILE: custom } });
    expect(viaEnv.candidates.map((c) => c.label)).toEqual(['only']);
    const explicit = await discoverProfiles({ ...options, serviceFile: custom });
    expect(explicit.candidates.map((c) => c.label)).toEqual(['only']);
    expect(explicit.searched[0]).toBe(`${custom} — 1 service`);
  });

  it('reports what cannot be imported on the candidate instead of dropping the service', async () => {
    const options = await layout({
      userService: '[multi]\nhost=h1,h2\nuser=u\n[odd]\nhost=db\nthis line is broken\napplication_name=x\n',
    });
    const [multi, odd] = (await discoverProfiles(options)).candidates;
    expect(multi?.problem).toMatch(/Several hosts/);
    expect(odd?.problem).toMatch(/Line 6 .* is not key=value/);
    expect(odd?.problem).toMatch(/Not imported from .*: application_name/);
  });

  it('parses sections and ignores comments and lines before the first section', () => {
    expect(parseServiceFile('host=outside\n# c\n[a]\n  # indented comment\nk=v=w\n')).toEqual([
      { name: 'a', params: [['k', 'v=w']], errors: [] },
    ]);
  });
});

describe('.pgpass', () => {
  it('offers each line as a candidate that takes its password from .pgpass, never carrying it', async () => {
    const options = await layout({ pgpass: '# comment\ndb1.example.com:5432:sales:monitor:s3cret\n' });
    const { candidates, searched } = await discoverProfiles(options);
    expect(candidates).toEqual([
      {
        source: 'pgpass',
        label: 'monitor@db1.example.com:5432/sales',
        input: {
          name: 'monitor@db1.example.com:5432/sales',
          host: 'db1.example.com',
          port: 5432,
          database: 'sales',
          user: 'monitor',
          passwordMode: 'pgpass',
        },
        hasPassword: false,
      },
    ]);
    expect(JSON.stringify(candidates)).not.toContain('s3cret');
    expect(searched).toContain(`${join(options.home, '.pgpass')} — 1 entry`);
  });

  it('unescapes \\: and \\\\ in fields', async () => {
    const options = await layout({ pgpass: String.raw`fe80\:\:1:5432:we\\ird:u:pw` });
    const [candidate] = (await discoverProfiles(options)).candidates;
    expect(candidate?.input).toMatchObject({ host: 'fe80::1', database: 'we\\ird' });
  });

  it('marks wildcard lines with a problem that says which fields to fill in', async () => {
    const options = await layout({ pgpass: '*:*:*:monitor:pw\ndb1:5432:*:app:pw\n' });
    const [all, anyDb] = (await discoverProfiles(options)).candidates;
    expect(all?.problem).toMatch(/uses \* for host, port, database/);
    expect(all?.input).toEqual({ name: 'monitor@*:*/*', user: 'monitor', passwordMode: 'pgpass' });
    expect(anyDb?.problem).toMatch(/uses \* for database/);
    expect(anyDb?.input).toMatchObject({ host: 'db1', port: 5432, user: 'app' });
  });

  it('warns that a file others can read is ignored, as libpq ignores it', async () => {
    const options = await layout({ pgpass: 'db1:5432:app:u:pw\n', pgpassMode: 0o644 });
    const { candidates, searched } = await discoverProfiles(options);
    expect(candidates[0]?.problem).toMatch(/can be read by other users .*chmod 0600/);
    expect(searched.at(-1)).toMatch(/ignored by libpq until it is chmod 0600/);
  });

  it('keeps labels unique: a repeated line or a service of the same name gets the line number', async () => {
    const options = await layout({
      userService: '[u@h:1/d]\nhost=h\n',
      pgpass: 'h:1:d:u:p\nh:1:d:u:q\n',
    });
    const labels = (await discoverProfiles(options)).candidates.map((c) => c.label);
    expect(labels).toEqual(['u@h:1/d', 'u@h:1/d (.pgpass line 1)', 'u@h:1/d (.pgpass line 2)']);
  });

  it('follows PGPASSFILE and an explicit file', async () => {
    const file = join(dir, 'mypass');
    await writeFile(file, 'h:1:d:u:p\n');
    await chmod(file, 0o600);
    const options = await layout({});
    const viaEnv = await discoverProfiles({ ...options, env: { ...options.env, PGPASSFILE: file } });
    expect(viaEnv.candidates.map((c) => c.label)).toEqual(['u@h:1/d']);
    expect((await discoverProfiles({ ...options, pgpassFile: file })).candidates).toHaveLength(1);
  });
});
