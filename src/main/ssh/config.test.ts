import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeHop, parseDestination, resolveHops } from './config';
import { checkHostKey, knownHostsName } from './known-hosts';

function homeWith(config: string): string {
  const home = mkdtempSync(join(tmpdir(), 'tidemark-sshcfg-'));
  mkdirSync(join(home, '.ssh'));
  writeFileSync(join(home, '.ssh', 'config'), config);
  return home;
}

describe('~/.ssh/config as OpenSSH reads it', () => {
  it('follows ProxyJump chains: a,b, and a jump host with its own ProxyJump', () => {
    const home = homeWith(`
Host db
  HostName db.internal
  User postgres
  ProxyJump jump2,ops@edge:2200
Host jump2
  HostName 10.0.0.2
  ProxyJump outer
Host edge
  HostName edge.example.com
  ProxyJump ignored-for-later-jumps
Host outer
  HostName outer.example.com
  Port 2222
Host *
  User dba
  ServerAliveInterval 15
`);
    const hops = resolveHops({ host: 'db' }, { home });
    expect(hops.map(describeHop)).toEqual([
      'dba@outer.example.com:2222',
      'dba@10.0.0.2:22',
      'ops@edge.example.com:2200',
      'postgres@db.internal:22',
    ]);
    expect(hops[3]?.serverAliveIntervalSec).toBe(15);
  });

  it('takes IdentityFile (with ~ and %d), IdentitiesOnly and UserKnownHostsFile; the profile key goes first', () => {
    const home = homeWith(`
Host bastion
  HostName 192.0.2.1
  IdentityFile ~/.ssh/work_key
  IdentityFile %d/.ssh/other
  IdentitiesOnly yes
  UserKnownHostsFile ~/.ssh/kh_work
`);
    const [hop] = resolveHops({ host: 'bastion', keyFile: '~/k', user: 'me', port: 2022 }, { home });
    expect(hop).toMatchObject({
      hostName: '192.0.2.1',
      user: 'me',
      port: 2022,
      identitiesOnly: true,
      identityFiles: [join(home, 'k'), join(home, '.ssh/work_key'), join(home, '.ssh/other')],
    });
    expect(hop?.knownHostsFiles[0]).toBe(join(home, '.ssh/kh_work'));
  });

  it('keeps a quoted path with spaces whole (never a second path relative to the working folder)', () => {
    const home = homeWith(`
Host quoted
  HostName "db.example.com"
  IdentityFile "~/.ssh/My Keys/id_ed25519"
  UserKnownHostsFile "~/.ssh/known hosts" ~/.ssh/kh2
`);
    const [hop] = resolveHops({ host: 'quoted' }, { home });
    expect(hop?.hostName).toBe('db.example.com');
    expect(hop?.identityFiles).toEqual([join(home, '.ssh/My Keys/id_ed25519')]);
    expect(hop?.knownHostsFiles.slice(0, 2)).toEqual([
      join(home, '.ssh/known hosts'),
      join(home, '.ssh/kh2'),
    ]);
  });

  it('refuses ProxyCommand and never runs Match exec', () => {
    const home = homeWith(`
Match exec "touch ${join(tmpdir(), 'tidemark-match-exec-ran')}"
  User hacked
Host pc
  ProxyCommand nc %h %p
`);
    expect(() => resolveHops({ host: 'pc' }, { home })).toThrow(/ProxyCommand.*Use ProxyJump/);
    expect(resolveHops({ host: 'plain' }, { home })[0]?.user).not.toBe('hacked');
  });

  it('never starts a program for CanonicalizeHostName (ssh-config would run nslookup, blocking main)', () => {
    const bin = mkdtempSync(join(tmpdir(), 'tidemark-fake-nslookup-'));
    const ran = join(bin, 'ran');
    writeFileSync(join(bin, 'nslookup'), `#!/bin/sh\necho "$@" >> '${ran}'\n`, { mode: 0o755 });
    const home = homeWith(`
Host *
  CanonicalizeHostName yes
  CanonicalDomains example.com internal.example.com
Host db.example.com
  User canonical
`);
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    try {
      const [hop] = resolveHops({ host: 'db' }, { home });
      expect(hop).toMatchObject({ hostName: 'db' });
    } finally {
      process.env.PATH = path;
    }
    expect(existsSync(ran), 'nslookup was started').toBe(false);
  });

  it('parses [user@]host[:port] and refuses anything else', () => {
    expect(parseDestination('ops@bastion:2222')).toEqual({ user: 'ops', host: 'bastion', port: 2222 });
    expect(parseDestination('bastion')).toEqual({ user: undefined, host: 'bastion', port: undefined });
    expect(() => parseDestination('a b')).toThrow(/not an SSH destination/);
    expect(() => parseDestination('h:70000')).toThrow(/between 1 and 65535/);
  });
});

describe('known_hosts', () => {
  const blob = (type: string, fill: number) => {
    const t = Buffer.from(type);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(t.length);
    return Buffer.concat([len, t, Buffer.alloc(32, fill)]);
  };
  const key = blob('ssh-ed25519', 1);
  const other = blob('ssh-ed25519', 2);
  const rsa = blob('ssh-rsa', 3);

  it('matches patterns with negation, and tells known, unknown, changed and revoked apart', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tidemark-kh-'));
    const file = join(dir, 'known_hosts');
    writeFileSync(
      file,
      [
        `*.example.com,!evil.example.com ssh-ed25519 ${key.toString('base64')}`,
        `[db]:2222 ssh-rsa ${rsa.toString('base64')}`,
        `@revoked * ssh-ed25519 ${other.toString('base64')}`,
      ].join('\n'),
    );
    expect(knownHostsName('db', 22)).toBe('db');
    expect(checkHostKey([file], 'a.example.com', 22, key)).toEqual({ kind: 'known' });
    expect(checkHostKey([file], 'evil.example.com', 22, key)).toEqual({ kind: 'unknown' });
    expect(checkHostKey([file], 'a.example.com', 2222, key)).toEqual({ kind: 'unknown' });
    expect(checkHostKey([file], 'a.example.com', 22, blob('ssh-ed25519', 4))).toMatchObject({
      kind: 'changed',
      line: 1,
    });
    // Only an RSA key is known for [db]:2222: an ed25519 key is a first use, as with ssh.
    expect(checkHostKey([file], 'db', 2222, key)).toEqual({ kind: 'unknown' });
    expect(checkHostKey([file], 'x.example.com', 22, other)).toMatchObject({ kind: 'revoked', line: 3 });
  });
});
