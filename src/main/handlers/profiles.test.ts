import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type PasswordCatcher, startPasswordCatcher } from '../../../test/support/password-catcher';
import { createTidemark, type Tidemark } from '../app';
import { KeyFileSecretStore } from '../secrets/key-file-secret-store';

const STORED = 'stored-secret-Kx3';
const saved = {
  name: 'Prod',
  host: 'db1.example.internal',
  port: 5432,
  database: 'app',
  user: 'dba',
  sslmode: 'disable',
  passwordMode: 'store',
} as const;

let app: Tidemark;
let catcher: PasswordCatcher;
let id: string;
beforeEach(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tidemark-profiles-'));
  app = await createTidemark({ dataDir, mode: 'browser', secretStore: new KeyFileSecretStore(dataDir) });
  catcher = await startPasswordCatcher();
  const created = await app.router.dispatch('profiles:create', { ...saved, password: STORED });
  id = (created as { value: { id: string } }).value.id;
});
afterEach(async () => {
  await app.close();
  await catcher.close();
});

/** The saved profile moved to the fake server; cleartext allowed, so only the binding stands in the way. */
const moved = () => ({
  ...saved,
  host: catcher.host,
  port: catcher.port,
  allowCleartextPassword: true,
});

describe('a stored password goes only to the server it was saved for', () => {
  it('profiles:test of a draft pointing elsewhere refuses with a password field error, and sends nothing', async () => {
    const result = await app.router.dispatch('profiles:test', { draft: moved(), draftOf: id });
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'invalid_input',
        fields: {
          password: expect.stringMatching(
            /^The saved password is for dba@db1\.example\.internal:5432\/app, not dba@127\.0\.0\.1:\d+\/app\. Type the password again/,
          ),
        },
      },
    });
    expect(catcher.startups).toBe(0);
    expect(catcher.received).toEqual([]);

    // Typed again, it is the DBA's own choice to send it there.
    await app.router.dispatch('profiles:test', { draft: { ...moved(), password: 'typed' }, draftOf: id });
    expect(catcher.received).toEqual(['typed']);
  });

  it('profiles:update to another host is refused without a typed password, and the saved profile stays as it was', async () => {
    const result = await app.router.dispatch('profiles:update', { id, input: moved() });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', fields: { password: expect.any(String) } },
    });
    expect(await app.router.dispatch('profiles:get', { id })).toMatchObject({
      ok: true,
      value: { host: saved.host, port: saved.port, hasStoredPassword: true },
    });
    expect(app.profiles.credentials(id).password).toBe(STORED);

    // Once moved with a typed password, tests of the saved profile reach the new server with that one.
    await app.router.dispatch('profiles:update', { id, input: { ...moved(), password: 'new-one' } });
    await app.router.dispatch('profiles:test', { id });
    expect(catcher.received).toEqual(['new-one']);
  });
});
