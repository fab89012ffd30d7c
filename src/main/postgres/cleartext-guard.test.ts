import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type PasswordCatcher, startPasswordCatcher } from '../../../test/support/password-catcher';
import { type ProfileFields, profileInputSchema } from '../../shared/profile';
import { testConnection } from './connection-test';
import { ConnectionFailedError } from './failure';
import { PoolManager } from './pool-manager';

const caFile = resolve('test/fixtures/tls/ca.crt');
const PASSWORD = 'never-in-clear-Zq7';

let home: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'tidemark-home-'));
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});
const opts = () => ({ home, env: {} as NodeJS.ProcessEnv });

let catcher: PasswordCatcher;
afterEach(async () => {
  await catcher?.close();
});

function profile(over: Partial<ProfileFields> = {}): ProfileFields {
  return profileInputSchema.parse({
    name: 'catcher',
    host: catcher.host,
    port: catcher.port,
    database: 'app',
    user: 'dba',
    passwordMode: 'store',
    connectTimeoutSec: 5,
    ...over,
  });
}

async function reasonOf(fields: ProfileFields): Promise<string> {
  const result = await testConnection(fields, PASSWORD, opts());
  if (result.ok) throw new Error('the fake server never lets anyone in');
  return result.reason;
}

describe('cleartext password authentication (pg_hba "password")', () => {
  describe('against a plain-text server', () => {
    beforeEach(async () => {
      catcher = await startPasswordCatcher();
    });

    it('is refused over plain text: the server asked and never received the password', async () => {
      const result = await testConnection(profile({ sslmode: 'prefer' }), PASSWORD, opts());
      expect(result).toMatchObject({ ok: false, reason: 'cleartext_refused' });
      expect(result.ok ? '' : result.message).toMatch(
        /asked for the password in clear text .* not verified \(sslmode prefer\), so Tidemark did not send it/,
      );
      expect(catcher.startups).toBeGreaterThan(0);
      expect(catcher.received).toEqual([]);
    });

    it('is refused for pooled sessions too', async () => {
      const pools = new PoolManager(async () => ({
        fields: profile({ sslmode: 'disable' }),
        password: PASSWORD,
      }));
      try {
        const error = await pools.query('p', 'SELECT 1').catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConnectionFailedError);
        expect((error as ConnectionFailedError).failure.reason).toBe('cleartext_refused');
      } finally {
        await pools.closeAll();
      }
      expect(catcher.received).toEqual([]);
    });

    it('is sent when the DBA allowed cleartext passwords for the profile', async () => {
      expect(await reasonOf(profile({ sslmode: 'disable', allowCleartextPassword: true }))).toBe(
        'auth_failed',
      );
      expect(catcher.received).toEqual([PASSWORD]);
    });
  });

  describe('against a TLS server', () => {
    beforeEach(async () => {
      catcher = await startPasswordCatcher({ tls: true });
    });

    it('is refused over TLS that does not verify the server (require)', async () => {
      expect(await reasonOf(profile({ sslmode: 'require' }))).toBe('cleartext_refused');
      expect(catcher.received).toEqual([]);
    });

    it('is sent over a verified link (verify-full with the CA that signed the server)', async () => {
      const fields = profile({ sslmode: 'verify-full', sslRootCert: caFile, host: 'localhost' });
      expect(await reasonOf(fields)).toBe('auth_failed');
      expect(catcher.received).toEqual([PASSWORD]);
    });
  });
});
