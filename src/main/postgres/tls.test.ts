import { readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SslMode } from '../../shared/profile';
import { AppError } from '../errors';
import { planTls, shouldTryNextAttempt, type TlsFields } from './tls';

const fixtures = resolve('test/fixtures/tls');
let home: string;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'tidemark-tls-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

const fields = (sslmode: SslMode, extra: Partial<TlsFields> = {}): TlsFields => ({
  host: 'db1',
  sslmode,
  ...extra,
});
const options = (setting: false | ConnectionOptions | undefined) => setting as ConnectionOptions;

function fieldError(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected a field error');
}

describe('planTls: libpq sslmode meanings', () => {
  it('disable: plain text only', () => {
    expect(planTls(fields('disable'), { home }).attempts).toEqual([false]);
  });

  it('allow: plain text first, then unverified TLS', () => {
    const { attempts } = planTls(fields('allow'), { home });
    expect(attempts[0]).toBe(false);
    expect(options(attempts[1]).rejectUnauthorized).toBe(false);
  });

  it('prefer: unverified TLS first, then plain text', () => {
    const { attempts, verification } = planTls(fields('prefer'), { home });
    expect(options(attempts[0]).rejectUnauthorized).toBe(false);
    expect(attempts[1]).toBe(false);
    expect(verification).toBe('none');
  });

  it('require: encrypts without verifying when there is no root certificate', () => {
    const { attempts, verification } = planTls(fields('require'), { home });
    expect(attempts).toHaveLength(1);
    expect(options(attempts[0]).rejectUnauthorized).toBe(false);
    expect(verification).toBe('none');
  });

  it('require: verifies the chain like verify-ca when a root certificate is given (libpq compatibility)', () => {
    const { attempts, verification } = planTls(fields('require', { sslRootCert: join(fixtures, 'ca.crt') }), {
      home,
    });
    expect(verification).toBe('chain');
    expect(options(attempts[0]).rejectUnauthorized).toBe(true);
    expect(options(attempts[0]).ca).toContain('BEGIN CERTIFICATE');
  });

  it('require: ~/.postgresql/root.crt counts as a root certificate, as in libpq', async () => {
    await mkdir(join(home, '.postgresql'));
    await copyFile(join(fixtures, 'ca.crt'), join(home, '.postgresql', 'root.crt'));
    expect(planTls(fields('require'), { home }).verification).toBe('chain');
  });

  it('verify-ca: checks the chain but not the host name', () => {
    const plan = planTls(fields('verify-ca', { sslRootCert: join(fixtures, 'ca.crt') }), { home });
    const tls = options(plan.attempts[0]);
    expect(tls.rejectUnauthorized).toBe(true);
    expect(tls.ca).toContain('BEGIN CERTIFICATE');
    expect(tls.checkServerIdentity?.('other-name', {} as never)).toBeUndefined();
  });

  it('verify-full: chain and host name (Node default identity check)', () => {
    const plan = planTls(fields('verify-full', { sslRootCert: join(fixtures, 'ca.crt') }), { home });
    const tls = options(plan.attempts[0]);
    expect(plan.verification).toBe('chain and host name');
    expect(tls.rejectUnauthorized).toBe(true);
    expect(tls.checkServerIdentity).toBeUndefined();
  });

  it('verify-ca and verify-full without any root certificate are refused, naming the missing root.crt', () => {
    const missing = join(home, '.postgresql', 'root.crt');
    for (const mode of ['verify-ca', 'verify-full'] as const) {
      const error = fieldError(() => planTls(fields(mode), { home }));
      expect(error.code).toBe('invalid_input');
      expect(error.fields?.sslRootCert).toMatch(
        new RegExp(`^root certificate file "${missing}" does not exist: sslmode ${mode} needs the CA`),
      );
    }
    expect(fieldError(() => planTls(fields('verify-full'), { home })).fields?.sslRootCert).toContain(
      'sslrootcert "system"',
    );
    // verify-ca must not be offered "system": libpq refuses that pairing.
    expect(fieldError(() => planTls(fields('verify-ca'), { home })).fields?.sslRootCert).not.toContain(
      'system',
    );
  });

  it('uses ~/.postgresql/root.crt under $HOME for verify-ca and verify-full when present', async () => {
    const saved = process.env.HOME;
    process.env.HOME = home;
    try {
      expect(() => planTls(fields('verify-ca'))).toThrow(/root certificate file/);
      await mkdir(join(home, '.postgresql'));
      await copyFile(join(fixtures, 'ca.crt'), join(home, '.postgresql', 'root.crt'));
      for (const mode of ['verify-ca', 'verify-full'] as const) {
        const tls = options(planTls(fields(mode)).attempts[0]);
        expect(tls.ca).toContain('BEGIN CERTIFICATE');
        expect(tls.rejectUnauthorized).toBe(true);
      }
    } finally {
      process.env.HOME = saved;
    }
  });

  it('verify-full with sslrootcert=system checks against the system store, chain and host name', () => {
    const plan = planTls(fields('verify-full', { sslRootCert: 'system' }), { home });
    const tls = options(plan.attempts[0]);
    expect(plan.verification).toBe('chain and host name');
    expect(tls.rejectUnauthorized).toBe(true);
    expect(tls.checkServerIdentity).toBeUndefined();
    expect(String(tls.ca ?? '')).not.toContain(readFileSync(join(fixtures, 'ca.crt'), 'utf8').trim());
  });

  it('never uses TLS on a Unix socket, whatever the sslmode', () => {
    expect(planTls({ host: '/var/run/postgresql', sslmode: 'verify-full' }, { home }).attempts).toEqual([
      false,
    ]);
  });

  it('loads the client certificate and key', () => {
    const tls = options(
      planTls(
        fields('require', { sslCert: join(fixtures, 'client.crt'), sslKey: join(fixtures, 'client.key') }),
        { home },
      ).attempts[0],
    );
    expect(String(tls.cert)).toContain('BEGIN CERTIFICATE');
    expect(String(tls.key)).toContain('PRIVATE KEY');
  });
});

describe('planTls: files that cannot be used', () => {
  it('names the CA file and the OS reason on the sslRootCert field', () => {
    const missing = join(home, 'nope.crt');
    const error = fieldError(() => planTls(fields('verify-full', { sslRootCert: missing }), { home }));
    expect(error.code).toBe('invalid_input');
    expect(error.fields?.sslRootCert).toBe(
      `Cannot read the CA (root) certificate file ${missing}: no such file.`,
    );
  });

  it('reports a folder given as a file', () => {
    const error = fieldError(() => planTls(fields('verify-ca', { sslRootCert: home }), { home }));
    expect(error.fields?.sslRootCert).toMatch(/it is a folder/);
  });

  it('refuses a file that is not PEM, and an encrypted key', async () => {
    const junk = join(home, 'junk.crt');
    await writeFile(junk, 'not a certificate');
    expect(
      fieldError(() => planTls(fields('verify-ca', { sslRootCert: junk }), { home })).fields?.sslRootCert,
    ).toMatch(/not a PEM certificate/);
    const encrypted = join(home, 'enc.key');
    await writeFile(
      encrypted,
      '-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n',
    );
    const error = fieldError(() =>
      planTls(fields('require', { sslCert: join(fixtures, 'client.crt'), sslKey: encrypted }), { home }),
    );
    expect(error.fields?.sslKey).toMatch(/encrypted with a passphrase/);
  });

  it('asks for the key when only the certificate is set, and the other way round', () => {
    expect(
      fieldError(() => planTls(fields('require', { sslCert: join(fixtures, 'client.crt') }), { home })).fields
        ?.sslKey,
    ).toMatch(/needs its private key/);
    expect(
      fieldError(() => planTls(fields('require', { sslKey: join(fixtures, 'client.key') }), { home })).fields
        ?.sslCert,
    ).toMatch(/needs its certificate/);
  });

  it('refuses sslrootcert=system with a weaker mode, as libpq does', () => {
    expect(
      fieldError(() => planTls(fields('require', { sslRootCert: 'system' }), { home })).fields?.sslRootCert,
    ).toMatch(/only allows it with verify-full/);
    expect(planTls(fields('verify-full', { sslRootCert: 'system' }), { home }).verification).toBe(
      'chain and host name',
    );
  });
});

describe('shouldTryNextAttempt', () => {
  it('prefer falls back to plain text only when the server has no SSL', () => {
    expect(shouldTryNextAttempt('prefer', new Error('The server does not support SSL connections'))).toBe(
      true,
    );
    expect(shouldTryNextAttempt('prefer', Object.assign(new Error('x'), { code: '28P01' }))).toBe(false);
  });

  it('allow moves on to TLS only when pg_hba.conf refused the unencrypted connection', () => {
    const hba = Object.assign(
      new Error('no pg_hba.conf entry for host "1.2.3.4", user "u", database "d", no encryption'),
      {
        code: '28000',
      },
    );
    expect(shouldTryNextAttempt('allow', hba)).toBe(true);
    expect(shouldTryNextAttempt('allow', Object.assign(new Error('x'), { code: '3D000' }))).toBe(false);
    expect(shouldTryNextAttempt('require', hba)).toBe(false);
  });
});
