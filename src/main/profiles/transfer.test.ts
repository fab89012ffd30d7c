import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliIn, spawnCli } from '../../../test/support/cli';
import { startPasswordCatcher } from '../../../test/support/password-catcher';

/**
 * Profiles in and out: `tidemark profiles export` on one workstation, `profiles
 * import` on another, through the real process and its exit codes. The file is
 * untrusted input: whatever it holds, nothing stored is changed or lost.
 */

const tmp = mkdtempSync(join(tmpdir(), 'tidemark-transfer-'));
const from = join(tmp, 'from');
const to = join(tmp, 'to');
const keyFile = join(tmp, 'id_ed25519');
const PASSWORD = 'pw-never-in-the-file-7f3a';
const PASSPHRASE = 'passphrase-never-in-the-file-9c1e';

type Listed = {
  name: string;
  host: string;
  passwordMode: string;
  sshSecretMode: string;
  sshKeyFile?: string;
};
async function listOf(dataDir: string): Promise<Listed[]> {
  const run = await cliIn(dataDir, 'profiles', 'list', '--json');
  expect(run.code).toBe(0);
  return JSON.parse(run.out) as Listed[];
}

function fileWith(name: string, profiles: unknown[], extra: Record<string, unknown> = {}): string {
  const path = join(tmp, name);
  writeFileSync(path, JSON.stringify({ format: 'tidemark-profiles', version: 1, profiles, ...extra }));
  return path;
}

const plain = { name: 'plain', host: 'db9.example.com', port: 5432, database: 'app', user: 'dba' };

beforeAll(async () => {
  writeFileSync(keyFile, 'not a real key, only a path the profile names\n', { mode: 0o600 });
  const add = (...args: string[]) => spawnCli(['profiles', 'add', ...args], { dataDir: from });
  expect(
    (await add('--url', 'postgresql://dba@db1.example.com:5433/app', '--name', 'db1', '--tag', 'prod')).code,
  ).toBe(0);
  const stored = await spawnCli(
    ['profiles', 'add', '--url', 'postgresql://dba@db2.example.com/app', '--name', 'db2', '--password-stdin'],
    { dataDir: from, input: `${PASSWORD}\n` },
  );
  expect(stored.code, stored.stderr).toBe(0);
  const tunnelled = await cliInWithPrompt(from, PASSPHRASE, [
    'profiles',
    'add',
    '--url',
    'postgresql://dba@10.0.0.5/app',
    '--name',
    'behind-bastion',
    '--ssh',
    'ops@bastion.example.com:2222',
    '--ssh-key',
    keyFile,
    '--ask-ssh-passphrase',
    '--disk',
    '2TiB',
  ]);
  expect(tunnelled, 'profiles add with a stored SSH passphrase').toBe(0);
});

/** runCli in this process with a passphrase prompt answered (the spawned CLI would need a terminal). */
async function cliInWithPrompt(dataDir: string, answer: string, args: string[]): Promise<number> {
  const { runCli } = await import('../cli/cli');
  return runCli(['--data-dir', dataDir, ...args], {
    out: () => {},
    err: () => {},
    prompt: async () => answer,
  });
}

describe('tidemark profiles export / import', () => {
  it('round-trips every profile through a file without a single secret, and never overwrites', async () => {
    const file = join(tmp, 'profiles.json');
    const exported = await spawnCli(['profiles', 'export', file], { dataDir: from });
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toMatch(/Exported 3 profiles to .*profiles\.json \(no passwords/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(PASSPHRASE);
    expect(text).not.toContain('not a real key');
    expect(text).not.toMatch(/"(password|sshSecret|hasStored\w*|id)"\s*:/);
    const doc = JSON.parse(text);
    expect(doc).toMatchObject({ format: 'tidemark-profiles', version: 1 });
    expect(doc.profiles.find((p: Listed) => p.name === 'behind-bastion')).toMatchObject({
      sshHost: 'bastion.example.com',
      sshUser: 'ops',
      sshPort: 2222,
      sshKeyFile: keyFile,
      sshSecretMode: 'store',
      diskBytes: 2 * 1024 ** 4,
    });

    const toStdout = await spawnCli(['profiles', 'export', '-'], { dataDir: from });
    expect(toStdout.code).toBe(0);
    expect(JSON.parse(toStdout.stdout).profiles).toEqual(doc.profiles);

    const dry = await spawnCli(['profiles', 'import', file, '--dry-run'], { dataDir: to });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/would add\s+"db1"/);
    expect(dry.stdout).toContain('Dry run, nothing saved: 3 added, 0 skipped, 0 refused.');
    expect(await listOf(to)).toEqual([]);

    const imported = await spawnCli(['profiles', 'import', file], { dataDir: to });
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain('3 added, 0 skipped, 0 refused.');
    expect(imported.stdout).toMatch(/Its password was stored on the workstation it came from/);
    const list = await listOf(to);
    expect(list.map((p) => p.name).sort()).toEqual(['behind-bastion', 'db1', 'db2']);
    // No secret came with the file: what was stored there is asked for here.
    expect(list.find((p) => p.name === 'db2')).toMatchObject({ passwordMode: 'ask' });
    expect(list.find((p) => p.name === 'behind-bastion')).toMatchObject({
      sshSecretMode: 'ask',
      sshKeyFile: keyFile,
    });

    const again = await spawnCli(['profiles', 'import', file, '--json'], { dataDir: to });
    expect(again.code).toBe(0);
    const report = JSON.parse(again.stdout) as { entries: { outcome: string; reason: string }[] };
    expect(report.entries.map((e) => e.outcome)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(report.entries[0]!.reason).toMatch(/already exists here; it is left as it is/);
    expect(await listOf(to)).toEqual(list);
  });

  it('refuses hostile entries one by one, adds the rest, and exits 1', async () => {
    const dir = mkdtempSync(join(tmp, 'hostile-'));
    expect(
      (
        await cliIn(
          dir,
          'profiles',
          'add',
          '--url',
          'postgresql://keep@kept.example.com/app',
          '--name',
          'Kept',
        )
      ).code,
    ).toBe(0);
    const file = fileWith('hostile.json', [
      plain,
      { ...plain, name: 'with-password', password: 'hunter2' },
      { ...plain, name: 'evil\u001b[2J\nname' },
      { ...plain, name: 'rtl\u202egpj.exe' },
      // Invisible: would sit beside "Kept" in the sidebar looking like it, pointing elsewhere.
      { ...plain, name: 'Kept\u200b', host: 'attacker.example.com' },
      { ...plain, name: 'lrm\u200fgpj.exe' },
      { ...plain, ...JSON.parse('{"__proto__": {"polluted": true}, "name": "proto"}') },
      { ...plain, name: 'port-as-text', port: '5432' },
      42,
      { ...plain, name: 'PLAIN' },
      { ...plain, name: 'kept', host: 'attacker.example.com' },
      { ...plain, name: 'missing-key', sshHost: 'bastion', sshKeyFile: join(tmp, 'no-such-key') },
      // Shown as "prod-db.example.com" in the sidebar; resolves under the sender's own domain.
      { ...plain, name: 'bidi-host', host: '\u202emoc.elpmaxe.bd-dorp\u202c.attacker.example' },
      { ...plain, name: 'bidi-ssh', sshHost: 'bastion\u2066.attacker.example' },
    ]);
    const run = await spawnCli(['profiles', 'import', file], { dataDir: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/11 of 14 profiles in .* were refused/);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^added\s+"plain"$/);
    expect(run.stdout).toMatch(/refused\s+"with-password": unknown field "password"/);
    expect(run.stdout).toMatch(/cannot hold control characters/);
    expect(run.stdout).toMatch(/refused\s+"proto": unknown field "__proto__"/);
    expect(run.stdout).toMatch(/refused\s+"port-as-text": port: /);
    expect(run.stdout).toMatch(/refused\s+entry 9: /);
    expect(run.stdout).toMatch(/skipped\s+"PLAIN": A profile named "plain" already exists here/);
    expect(run.stdout).toMatch(/skipped\s+"kept": A profile named "Kept" already exists here/);
    expect(run.stdout).toMatch(/refused\s+"missing-key": sshKeyFile: The SSH key file .* does not exist/);
    expect(run.stdout).toMatch(/refused\s+"bidi-host": host: A host name cannot hold control/);
    expect(run.stdout).toMatch(/refused\s+"bidi-ssh": sshHost: /);
    // The names the file chose reach the terminal only as escapes.
    expect(run.stdout).not.toContain('\u001b');
    expect(run.stdout).not.toContain('\u202e');
    expect(run.stdout).not.toMatch(/[\u200b\u200f]/);
    // The report the Settings page shows names a refused entry with its hidden characters as escapes too.
    const report = JSON.parse(
      (await spawnCli(['profiles', 'import', file, '--dry-run', '--json'], { dataDir: dir })).stdout,
    ) as {
      entries: { name?: string }[];
    };
    expect(report.entries.map((e) => e.name)).toContain('rtl\\u202egpj.exe');
    expect(JSON.stringify(report)).not.toMatch(/[\u200b\u200f\u202e]/);
    const list = await listOf(dir);
    expect(list.map((p) => p.name).sort()).toEqual(['Kept', 'plain']);
    expect(list.find((p) => p.name === 'Kept')!.host).toBe('kept.example.com');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    const twice = fileWith('twice.json', [plain, { ...plain, name: 'Plain', host: 'other.example.com' }]);
    const dry = await cliIn(mkdtempSync(join(tmp, 'twice-')), 'profiles', 'import', twice, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/would skip\s+"Plain": A profile named "Plain" comes earlier in the file/);
  });

  it("never takes a file's word to send a password in clear text", async () => {
    const catcher = await startPasswordCatcher();
    try {
      const dir = mkdtempSync(join(tmp, 'cleartext-'));
      const pgpass = join(tmp, 'pgpass');
      writeFileSync(pgpass, `*:*:*:*:${PASSWORD}\n`, { mode: 0o600 });
      const lure = { ...plain, name: 'lure', host: catcher.host, port: catcher.port, sslmode: 'disable' };
      const file = fileWith('lure.json', [{ ...lure, passwordMode: 'pgpass', allowCleartextPassword: true }]);
      const imported = await spawnCli(['profiles', 'import', file], { dataDir: dir });
      expect(imported.code, imported.stderr).toBe(0);
      expect(imported.stdout).toMatch(/sent its password in clear text .* not here/);
      const tested = await spawnCli(['profiles', 'test', 'lure'], {
        dataDir: dir,
        env: { PGPASSFILE: pgpass },
      });
      expect(tested.code).toBe(1);
      expect(tested.stdout).toMatch(/FAILED \(cleartext_refused\)/);
      expect(catcher.startups).toBeGreaterThan(0);
      expect(catcher.received).toEqual([]);
    } finally {
      await catcher.close();
    }
  });

  it('refuses a file that is not a profiles file as a whole, and changes nothing', async () => {
    const dir = mkdtempSync(join(tmp, 'malformed-'));
    expect((await cliIn(dir, 'profiles', 'add', '--url', 'postgresql://a@b/c', '--name', 'here')).code).toBe(
      0,
    );
    const write = (name: string, text: string) => {
      writeFileSync(join(tmp, name), text);
      return join(tmp, name);
    };
    const cases: [string, RegExp][] = [
      [write('not-json.json', '{"format": "tidemark-profiles", '), /not JSON/],
      [
        write('newer.json', JSON.stringify({ format: 'tidemark-profiles', version: 2, profiles: [] })),
        /format version 2; this Tidemark reads version 1\. It was made by a newer Tidemark/,
      ],
      [write('other.json', JSON.stringify({ servers: [] })), /not a Tidemark profiles file/i],
      [fileWith('extra.json', [plain], { secrets: { plain: 'x' } }), /unknown field "secrets"/],
      [write('array.json', '[]'), /not a Tidemark profiles file/i],
      [write('null.json', 'null'), /not a Tidemark profiles file/i],
      [fileWith('big.json', [{ ...plain, comment: 'x'.repeat(300 * 1024) }]), /larger than 256 KiB/],
      [
        fileWith(
          'many.json',
          Array.from({ length: 1001 }, (_, i) => ({ ...plain, name: `p${i}` })),
        ),
        /at most 1000 profiles/,
      ],
      [join(tmp, 'no-such-file.json'), /Cannot read .*no such file/],
      [tmp, /is not a file/],
    ];
    for (const [file, message] of cases) {
      const run = await cliIn(dir, 'profiles', 'import', file);
      expect(run.code, file).toBe(1);
      expect(run.err, file).toMatch(message);
    }
    const usage = await spawnCli(['profiles', 'import'], { dataDir: dir });
    expect(usage.code).toBe(2);
    const refused = await spawnCli(['profiles', 'import', join(tmp, 'newer.json'), '--json'], {
      dataDir: dir,
    });
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stderr).error.code).toBe('invalid_input');
    expect((await listOf(dir)).map((p) => p.name)).toEqual(['here']);
  });
});
