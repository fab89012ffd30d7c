import { createHash, createHmac } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SshHostKey } from '../../shared/profile';

/**
 * known_hosts as OpenSSH reads it: plain and hashed (`|1|salt|hmac`) host
 * names, `[host]:port` for ports other than 22, patterns with `*`, `?` and `!`,
 * and `@revoked` lines. `@cert-authority` lines are skipped (host certificates
 * are not checked). A new key is appended to the first file, as ssh does.
 */

export type HostKeyVerdict =
  | { kind: 'known' }
  | { kind: 'unknown' }
  | { kind: 'changed'; file: string; line: number }
  | { kind: 'revoked'; file: string; line: number };

/** The name known_hosts uses for a host and port. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** `SHA256:…` without padding, as `ssh-keygen -l` prints it. */
export function fingerprintOf(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** The key type written at the start of an SSH public key blob. */
export function keyTypeOf(key: Buffer): string {
  if (key.length < 4) return 'unknown';
  const length = key.readUInt32BE(0);
  return key.subarray(4, 4 + length).toString('latin1');
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

function hostMatches(field: string, name: string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (!salt || !hash) return false;
    const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return mac === hash;
  }
  let matched = false;
  for (const pattern of field.split(',')) {
    const negated = pattern.startsWith('!');
    if (globToRegExp(negated ? pattern.slice(1) : pattern).test(name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

interface Entry {
  marker: string | undefined;
  keyType: string;
  key: Buffer;
  file: string;
  line: number;
}

function entriesFor(files: string[], name: string): Entry[] {
  const entries: Entry[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    text.split(/\r?\n/).forEach((raw, index) => {
      const line = raw.trim();
      if (!line || line.startsWith('#')) return;
      const parts = line.split(/\s+/);
      const marker = parts[0]?.startsWith('@') ? parts.shift() : undefined;
      const [hosts, keyType, key] = parts;
      if (!hosts || !keyType || !key || !hostMatches(hosts, name)) return;
      entries.push({ marker, keyType, key: Buffer.from(key, 'base64'), file, line: index + 1 });
    });
  }
  return entries;
}

/** Checks a presented key: known, never seen (first use), changed, or revoked. */
export function checkHostKey(files: string[], host: string, port: number, key: Buffer): HostKeyVerdict {
  const entries = entriesFor(files, knownHostsName(host, port));
  const revoked = entries.find((e) => e.marker === '@revoked' && e.key.equals(key));
  if (revoked) return { kind: 'revoked', file: revoked.file, line: revoked.line };
  const plain = entries.filter((e) => e.marker === undefined);
  if (plain.some((e) => e.key.equals(key))) return { kind: 'known' };
  // ssh warns of a changed key when the host has a key of the same type; another type is a first use.
  const sameType = plain.find((e) => e.keyType === keyTypeOf(key));
  if (sameType) return { kind: 'changed', file: sameType.file, line: sameType.line };
  return { kind: 'unknown' };
}

/** What the DBA is shown about a key. */
export function describeHostKey(host: string, port: number, key: Buffer, knownHostsFile: string): SshHostKey {
  return {
    host: knownHostsName(host, port),
    keyType: keyTypeOf(key),
    fingerprint: fingerprintOf(key),
    knownHostsFile,
  };
}

/** Trusts a key from now on (the DBA compared the fingerprint): one line appended, as ssh does. */
export function addKnownHost(file: string, host: string, port: number, key: Buffer): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  let prefix = '';
  try {
    const current = readFileSync(file, 'utf8');
    if (current.length > 0 && !current.endsWith('\n')) prefix = '\n';
  } catch {
    // A new file.
  }
  appendFileSync(
    file,
    `${prefix}${knownHostsName(host, port)} ${keyTypeOf(key)} ${key.toString('base64')}\n`,
    {
      mode: 0o600,
    },
  );
}
