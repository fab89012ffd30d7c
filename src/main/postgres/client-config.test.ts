import { describe, expect, it } from 'vitest';
import { profileInputSchema } from '../../shared/profile';
import { buildClientConfig, buildConnectAttempts, sessionSetupSql } from './client-config';

const fields = profileInputSchema.parse({
  name: 'p',
  host: 'db1',
  port: 5433,
  database: 'sales',
  user: 'monitor',
  sslmode: 'require',
  connectTimeoutSec: 4,
  statementTimeoutMs: 20_000,
});

describe('buildClientConfig', () => {
  it('builds an explicit config (never a connection string pg would misread)', () => {
    const config = buildClientConfig(fields, 'pw', 'monitor', { home: '/nonexistent', env: {} });
    expect(config).toMatchObject({
      host: 'db1',
      port: 5433,
      database: 'sales',
      user: 'monitor',
      password: 'pw',
      application_name: 'tidemark',
      connectionTimeoutMillis: 4_000,
      keepAlive: true,
      ssl: { rejectUnauthorized: false },
    });
    expect(config.connectionString).toBeUndefined();
    // The client gives up a little after the server would have cancelled the statement.
    expect(config.query_timeout).toBeGreaterThan(20_000);
    expect(config.keepAliveInitialDelayMillis).toBeGreaterThan(0);
  });

  it('leaves the password to .pgpass (through a callback) when none is given', () => {
    expect(
      typeof buildClientConfig(fields, undefined, 'monitor', { home: '/nonexistent', env: {} }).password,
    ).toBe('function');
  });

  it('gives prefer two attempts, TLS first', () => {
    const attempts = buildConnectAttempts({ ...fields, sslmode: 'prefer' }, 'pw', 'monitor', {
      home: '/nonexistent',
    });
    expect(attempts.map((a) => a.encrypted)).toEqual([true, false]);
  });
});

describe('sessionSetupSql', () => {
  it('makes monitor sessions read-only with a short lock timeout', () => {
    expect(sessionSetupSql('monitor', fields)).toBe(
      'SET statement_timeout = 20000; SET lock_timeout = 3000; SET idle_in_transaction_session_timeout = 60000; SET default_transaction_read_only = on; SET search_path = pg_catalog, pg_temp',
    );
  });

  it('lets admin sessions write', () => {
    expect(sessionSetupSql('admin', fields)).toMatch(/default_transaction_read_only = off/);
    expect(sessionSetupSql('admin', fields)).toMatch(/SET search_path = pg_catalog, pg_temp$/);
  });
});

describe('through an SSH tunnel', () => {
  const via = { host: '127.0.0.1', port: 40123, ready: async () => {} };
  const cert = (name: string) => ({ subject: { CN: name }, subjectaltname: `DNS:${name}` });

  it('connects to the tunnel, but verify-full still checks the profile host name (and sends it as SNI)', () => {
    const full = profileInputSchema.parse({ ...fields, sslmode: 'verify-full', sslRootCert: 'system' });
    const config = buildClientConfig(full, 'pw', 'monitor', { home: '/nonexistent', env: {}, via });
    expect(config).toMatchObject({ host: '127.0.0.1', port: 40123, ssl: { servername: 'db1' } });
    const ssl = config.ssl as import('node:tls').ConnectionOptions;
    const check = ssl.checkServerIdentity as (host: string, c: unknown) => Error | undefined;
    expect(check('127.0.0.1', cert('db1'))).toBeUndefined();
    expect(check('127.0.0.1', cert('127.0.0.1'))).toBeInstanceOf(Error);
  });

  it('leaves sslmode require and verify-ca as they were (no host name check)', () => {
    const config = buildClientConfig(fields, 'pw', 'monitor', { home: '/nonexistent', env: {}, via });
    expect(config).toMatchObject({ host: '127.0.0.1', port: 40123, ssl: { rejectUnauthorized: false } });
  });
});
