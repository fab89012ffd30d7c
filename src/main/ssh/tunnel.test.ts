import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliIn, spawnCli } from '../../../test/support/cli';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { makeKey, type Sshd, startSshd, type TestKey } from '../../../test/support/sshd';
import type { ConnectionTestResult, ProfileInput } from '../../shared/profile';
import { createTidemark, type Tidemark } from '../app';
import { KeyFileSecretStore } from '../secrets/key-file-secret-store';

/**
 * Tunnels against real OpenSSH servers on loopback: a bastion and an inner
 * host (two sshd), reached through an alias of a test ~/.ssh/config ($HOME
 * points at a temp folder; os.homedir() reads it).
 */

let db: TestDatabase;
let bastion: Sshd;
let inner: Sshd;
let home: string;
let key: TestKey;
let locked: TestKey;
let app: Tidemark;
let dataDir: string;
const savedHome = process.env.HOME;
const PASSPHRASE = 'correct horse battery';

const known = (s: Sshd) => `[127.0.0.1]:${s.port} ${s.hostPublicKey}`;

beforeAll(async () => {
  db = await createTestDatabase('ssh tunnel');
  home = mkdtempSync(join(tmpdir(), 'tidemark-ssh-home-'));
  const dotSsh = join(home, '.ssh');
  mkdirSync(dotSsh, { mode: 0o700 });
  key = makeKey(dotSsh, 'id_tidemark');
  locked = makeKey(home, 'locked_key', PASSPHRASE);
  bastion = await startSshd([key.publicKey, locked.publicKey]);
  inner = await startSshd([key.publicKey]);
  const other = makeKey(home, 'not_the_host_key');
  writeFileSync(join(dotSsh, 'known_hosts'), `${known(bastion)}\n${known(inner)}\n`);
  writeFileSync(join(dotSsh, 'known_hosts_changed'), `[127.0.0.1]:${bastion.port} ${other.publicKey}\n`);
  writeFileSync(join(dotSsh, 'known_hosts_hashed'), `${known(bastion)}\n`);
  execFileSync('ssh-keygen', ['-q', '-H', '-f', join(dotSsh, 'known_hosts_hashed')]);
  const hop = (port: number) =>
    `  HostName 127.0.0.1\n  Port ${port}\n  User root\n  IdentityFile ~/.ssh/id_tidemark\n  IdentitiesOnly yes\n`;
  writeFileSync(
    join(dotSsh, 'config'),
    [
      `Host bastion\n${hop(bastion.port)}`,
      `Host pg-inner\n${hop(inner.port)}  ProxyJump bastion\n  ServerAliveInterval 5\n`,
      `Host fresh\n${hop(bastion.port)}  UserKnownHostsFile ~/.ssh/known_hosts_fresh\n`,
      `Host changed\n${hop(bastion.port)}  UserKnownHostsFile ~/.ssh/known_hosts_changed\n`,
      `Host hashed\n${hop(bastion.port)}  UserKnownHostsFile ~/.ssh/known_hosts_hashed\n`,
      `Host cli-jump\n${hop(inner.port)}  ProxyJump bastion\n  UserKnownHostsFile ~/.ssh/known_hosts_cli\n`,
    ].join('\n'),
  );
  process.env.HOME = home;
  dataDir = mkdtempSync(join(tmpdir(), 'tidemark-ssh-data-'));
  app = await createTidemark({ dataDir, mode: 'cli', secretStore: new KeyFileSecretStore(dataDir) });
});

afterAll(async () => {
  process.env.HOME = savedHome;
  await app?.close();
  await bastion?.stop();
  await inner?.stop();
  await db?.cleanup();
  rmSync(home, { recursive: true, force: true });
});

async function call<T>(channel: string, request: unknown): Promise<T> {
  const result = (await app.router.dispatch(channel as never, request as never)) as {
    ok: boolean;
    value?: T;
    error?: { message: string };
  };
  if (!result.ok) throw new Error(result.error?.message);
  return result.value as T;
}

function profileThrough(sshHost: string, extra: Partial<ProfileInput> = {}) {
  return {
    ...db.profile({ name: `via ${sshHost} ${Math.random()}`, sshHost, ...extra }),
    password: db.password,
    passwordMode: 'store',
  };
}

const testDraft = (draft: unknown, extra: object = {}) =>
  call<ConnectionTestResult>('profiles:test', { draft, ...extra });

describe('SSH tunnels against real OpenSSH servers', () => {
  it('reaches PostgreSQL through an alias with ProxyJump over two hops, and samples through it', async () => {
    const profile = await call<{ id: string }>('profiles:create', profileThrough('pg-inner'));
    const result = await call<ConnectionTestResult>('profiles:test', { id: profile.id });
    expect(result.ok, JSON.stringify(result)).toBe(true);
    if (!result.ok) return;
    expect(result.report.database).toBe(db.name);
    expect(result.report.tunnel).toMatchObject({
      state: 'up',
      hops: [`root@127.0.0.1:${bastion.port}`, `root@127.0.0.1:${inner.port}`],
    });
    // The bastion opened a channel to the inner sshd, and the inner one to PostgreSQL.
    const channelTo = (port: number) =>
      new RegExp(`direct_tcpip: originator \\S+ port \\d+, target \\S+ port ${port}\\b`);
    expect(bastion.log()).toMatch(channelTo(inner.port));
    expect(inner.log()).toMatch(channelTo(db.server.port));
    const sample = await call<unknown>('storage:sampleNow', { profileId: profile.id });
    expect(sample).toBeTruthy();
    expect(await call('profiles:getTunnel', { id: profile.id })).toMatchObject({
      state: 'up',
      reconnects: 0,
    });
  });

  it('a killed tunnel is opened again and the next sample succeeds', async () => {
    const profile = await call<{ id: string }>('profiles:create', profileThrough('pg-inner'));
    await call('storage:sampleNow', { profileId: profile.id });
    const before = await call<{ localPort: number }>('profiles:getTunnel', { id: profile.id });
    // Kill the inner sshd's session processes: the chain drops, as when a bastion restarts.
    expect(inner.killSessions()).toBeGreaterThan(0);
    for (let i = 0; i < 100; i++) {
      const status = await call<{ reconnects: number } | null>('profiles:getTunnel', { id: profile.id });
      if ((status?.reconnects ?? 0) > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const sample = await call<unknown>('storage:sampleNow', { profileId: profile.id });
    expect(sample).toBeTruthy();
    expect(await call('profiles:getTunnel', { id: profile.id })).toMatchObject({
      state: 'up',
      reconnects: 1,
      // The pool keeps its address: the listener outlives the SSH sessions.
      localPort: before.localPort,
    });
  });

  it('shows the fingerprint of a host seen for the first time, and trusts it only when accepted', async () => {
    const draft = profileThrough('fresh');
    const first = await testDraft(draft);
    expect(first).toMatchObject({
      ok: false,
      reason: 'ssh_host_key_unknown',
      hostKey: {
        host: `[127.0.0.1]:${bastion.port}`,
        keyType: 'ssh-ed25519',
        fingerprint: bastion.hostFingerprint,
      },
    });
    if (first.ok) return;
    expect(first.message).toContain(bastion.hostFingerprint);
    // Nothing was forwarded before the key was trusted.
    const knownFile = join(home, '.ssh', 'known_hosts_fresh');
    expect(() => readFileSync(knownFile)).toThrow(/ENOENT/);
    const wrong = await testDraft(draft, { acceptHostKey: `SHA256:${'A'.repeat(43)}` });
    expect(wrong).toMatchObject({ ok: false, reason: 'ssh_host_key_unknown' });
    const accepted = await testDraft(draft, { acceptHostKey: bastion.hostFingerprint });
    expect(accepted.ok, JSON.stringify(accepted)).toBe(true);
    expect(readFileSync(knownFile, 'utf8')).toBe(`${known(bastion)}\n`);
    expect((await testDraft(draft)).ok).toBe(true);
  });

  it('refuses a changed host key with a clear message, even when told to accept it', async () => {
    const draft = profileThrough('changed');
    const result = await testDraft(draft, { acceptHostKey: bastion.hostFingerprint });
    expect(result).toMatchObject({ ok: false, reason: 'ssh_host_key_changed' });
    if (result.ok) return;
    expect(result.message).toMatch(
      new RegExp(`host key of \\[127\\.0\\.0\\.1\\]:${bastion.port} has CHANGED.*known_hosts_changed:1`),
    );
    expect(result.message).toContain(bastion.hostFingerprint);
    // The command to paste names the host as one shell word (the brackets are a shell glob).
    expect(result.message).toContain(`(ssh-keygen -R '[127.0.0.1]:${bastion.port}')`);
    expect(readFileSync(join(home, '.ssh', 'known_hosts_changed'), 'utf8').split('\n')).toHaveLength(2);
    // A saved profile shows the refusal as its tunnel's state (the Connection page, profiles test).
    const saved = await call<{ id: string }>('profiles:create', draft);
    expect(await call('profiles:test', { id: saved.id })).toMatchObject({
      ok: false,
      reason: 'ssh_host_key_changed',
    });
    expect(await call('profiles:getTunnel', { id: saved.id })).toMatchObject({
      state: 'failed',
      reason: expect.stringContaining('has CHANGED'),
    });
  });

  it('reads hashed known_hosts entries', async () => {
    expect(readFileSync(join(home, '.ssh', 'known_hosts_hashed'), 'utf8')).toMatch(/^\|1\|/);
    const result = await testDraft(profileThrough('hashed'));
    expect(result.ok, JSON.stringify(result)).toBe(true);
  });

  it('uses a key file protected by a passphrase, stored encrypted and bound to the tunnel', async () => {
    const direct = { sshPort: bastion.port, sshUser: 'root', sshKeyFile: locked.path };
    const without = await testDraft(profileThrough('127.0.0.1', direct));
    expect(without).toMatchObject({ ok: false, reason: 'ssh_failed' });
    if (without.ok) return;
    expect(without.message).toContain(`${locked.path} is protected by a passphrase and none was given`);
    const saved = await call<{ id: string; hasStoredSshSecret: boolean }>(
      'profiles:create',
      profileThrough('127.0.0.1', { ...direct, sshSecretMode: 'store', sshSecret: PASSPHRASE }),
    );
    expect(saved.hasStoredSshSecret).toBe(true);
    const result = await call<ConnectionTestResult>('profiles:test', { id: saved.id });
    expect(result.ok, JSON.stringify(result)).toBe(true);
    // The stored passphrase does not follow the profile to another SSH host.
    const moved = await app.router.dispatch('profiles:test', {
      draft: profileThrough('bastion', { sshKeyFile: locked.path, sshSecretMode: 'store' }),
      draftOf: saved.id,
    });
    expect(moved).toMatchObject({
      ok: false,
      error: {
        code: 'invalid_input',
        fields: { sshSecret: expect.stringMatching(/saved SSH passphrase is for ssh root@127\.0\.0\.1/) },
      },
    });
  });

  it('asks for an "ask" passphrase once per session: profiles:unlockSsh keeps it in memory for the tunnel', async () => {
    const direct = { sshPort: bastion.port, sshUser: 'root', sshKeyFile: locked.path };
    const saved = await call<{ id: string; hasStoredSshSecret: boolean }>(
      'profiles:create',
      profileThrough('127.0.0.1', { ...direct, sshSecretMode: 'ask' }),
    );
    expect(saved.hasStoredSshSecret).toBe(false);
    // The error names the secret asked for, so the page shows the passphrase dialog, not the password one.
    expect(await app.router.dispatch('profiles:test', { id: saved.id })).toMatchObject({
      ok: false,
      error: { code: 'password_required', fields: { sshSecret: expect.stringContaining('SSH passphrase') } },
    });
    await call('profiles:unlockSsh', { id: saved.id, secret: 'not the passphrase' });
    const wrong = await call<ConnectionTestResult>('profiles:test', { id: saved.id });
    expect(wrong).toMatchObject({ ok: false, reason: 'ssh_failed' });
    await call('profiles:unlockSsh', { id: saved.id, secret: PASSPHRASE });
    const result = await call<ConnectionTestResult>('profiles:test', { id: saved.id });
    expect(result.ok, JSON.stringify(result)).toBe(true);
    expect(
      (await call<{ hasStoredSshSecret: boolean }>('profiles:get', { id: saved.id })).hasStoredSshSecret,
    ).toBe(false);
    // Nothing was written: a new session (a new app on the same data) asks again.
    const again = await createTidemark({
      dataDir,
      mode: 'cli',
      secretStore: new KeyFileSecretStore(dataDir),
    });
    try {
      expect(await again.router.dispatch('profiles:test', { id: saved.id })).toMatchObject({
        ok: false,
        error: { code: 'password_required' },
      });
    } finally {
      await again.close();
    }
  });

  it('CLI: profiles add --ssh ALIAS, and profiles test trusts a new host key only with --accept-host-key', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tidemark-ssh-cli-'));
    // The jump host is known; the inner host is new (its known_hosts_cli file does not exist yet).
    writeFileSync(join(home, '.ssh', 'known_hosts_cli'), `${known(bastion)}\n`);
    const env = { HOME: home };
    const url = `postgresql://${db.fields.user}@${db.server.host}:${db.server.port}/${db.name}?sslmode=disable`;
    const add = await spawnCli(
      ['profiles', 'add', '--url', url, '--name', 'behind', '--password-stdin', '--ssh', 'cli-jump'],
      {
        dataDir,
        env,
        input: db.password,
      },
    );
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toContain('through SSH cli-jump');
    const first = await spawnCli(['profiles', 'test', 'behind'], { dataDir, env });
    expect(first.code).toBe(1);
    expect(first.stdout).toContain(
      `FAILED (ssh_host_key_unknown): The SSH host [127.0.0.1]:${inner.port} is not in`,
    );
    expect(first.stdout).toContain(
      `trust it with: tidemark profiles test behind --accept-host-key ${inner.hostFingerprint}`,
    );
    const trusted = await spawnCli(
      ['profiles', 'test', 'behind', '--accept-host-key', inner.hostFingerprint],
      {
        dataDir,
        env,
      },
    );
    expect(trusted.code, trusted.stdout + trusted.stderr).toBe(0);
    expect(trusted.stdout).toMatch(
      new RegExp(
        `tunnel +up via root@127\\.0\\.0\\.1:${bastion.port} -> root@127\\.0\\.0\\.1:${inner.port}, local 127\\.0\\.0\\.1:\\d+`,
      ),
    );
    // Trusted from now on, without the flag; a destination that cannot be one is a usage error (exit 2).
    expect((await cliIn(dataDir, 'profiles', 'test', 'behind')).code).toBe(0);
    expect((await cliIn(dataDir, 'profiles', 'add', '--url', url, '--ssh', 'a b')).code).toBe(2);
  }, 180_000);
});
