import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { shellWord } from '../../shared/plain-text';
import type { ProfileCandidate } from '../../shared/profile';
import { osReason } from './os-reason';

/**
 * ~/.pgpass (or PGPASSFILE), read the way libpq reads it: one
 * host:port:database:user:password per line, `\:` and `\\` escapes, `*` matches
 * anything, the first matching line wins, and a file that group or others can
 * read is ignored. pg 8 still reads .pgpass itself but deprecates it, so
 * Tidemark supplies the password through pg's password callback instead.
 */

export interface PgpassEntry {
  host: string;
  port: string;
  database: string;
  user: string;
  password: string;
  /** 1-based line number in the file. */
  line: number;
}

export interface PgpassLocation {
  env?: NodeJS.ProcessEnv;
  home?: string;
  /** An explicit file, instead of PGPASSFILE / ~/.pgpass. */
  file?: string;
}

export function pgpassPath(location: PgpassLocation = {}): string {
  if (location.file) return location.file;
  const env = location.env ?? process.env;
  if (env.PGPASSFILE) return env.PGPASSFILE;
  return join(location.home ?? homedir(), '.pgpass');
}

/** Splits one line on unescaped ':' and resolves `\:` and `\\`. Null for comments and short lines. */
function splitLine(text: string): string[] | null {
  if (text.trim() === '' || text.startsWith('#')) return null;
  const fields: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      current += text[++i];
    } else if (c === ':' && fields.length < 4) {
      fields.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  fields.push(current);
  // libpq skips lines with fewer than five fields.
  return fields.length === 5 ? fields : null;
}

export function parsePgpass(text: string): PgpassEntry[] {
  const entries: PgpassEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const fields = splitLine(raw);
    if (!fields) return;
    const [host, port, database, user, password] = fields as [string, string, string, string, string];
    entries.push({ host, port, database, user, password, line: index + 1 });
  });
  return entries;
}

export interface PgpassTarget {
  host: string;
  port: number;
  database: string;
  user: string;
}

/** libpq's default socket directories: a socket connection there matches "localhost" lines. */
const defaultSocketDirs = new Set(['/var/run/postgresql', '/run/postgresql', '/tmp']);

function hostMatches(pattern: string, host: string): boolean {
  if (pattern === '*' || pattern === host) return true;
  return pattern === 'localhost' && defaultSocketDirs.has(host.replace(/\/+$/, ''));
}

export function findPgpassEntry(entries: PgpassEntry[], target: PgpassTarget): PgpassEntry | undefined {
  const field = (pattern: string, value: string) => pattern === '*' || pattern === value;
  return entries.find(
    (e) =>
      hostMatches(e.host, target.host) &&
      field(e.port, String(target.port)) &&
      field(e.database, target.database) &&
      field(e.user, target.user),
  );
}

export type PgpassFile =
  | { path: string; state: 'missing' }
  | { path: string; state: 'unreadable'; reason: string }
  /** Group or others can read it: libpq ignores such a file, and so do we. */
  | { path: string; state: 'too_open'; mode: number; entries: PgpassEntry[] }
  | { path: string; state: 'ok'; entries: PgpassEntry[] };

export async function readPgpass(location: PgpassLocation = {}): Promise<PgpassFile> {
  const path = pgpassPath(location);
  let mode: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) return { path, state: 'unreadable', reason: 'it is not a regular file' };
    mode = info.mode & 0o777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { path, state: 'missing' };
    return { path, state: 'unreadable', reason: osReason(error) };
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return { path, state: 'unreadable', reason: osReason(error) };
  }
  const entries = parsePgpass(text);
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) return { path, state: 'too_open', mode, entries };
  return { path, state: 'ok', entries };
}

export function tooOpenAdvice(path: string, mode: number): string {
  return `${path} can be read by other users (mode ${mode.toString(8).padStart(4, '0')}), so libpq and Tidemark ignore it. Run: chmod 0600 ${shellWord(path)}`;
}

export type PgpassLookup =
  | { password: string; path: string }
  | { password: undefined; path: string; why: string };

/** The password libpq would take from the password file for this connection, or why there is none. */
export async function lookupPgpassPassword(
  target: PgpassTarget,
  location: PgpassLocation = {},
): Promise<PgpassLookup> {
  const file = await readPgpass(location);
  const wanted = `${target.host}:${target.port}:${target.database}:${target.user}`;
  switch (file.state) {
    case 'missing':
      return { password: undefined, path: file.path, why: `${file.path} does not exist` };
    case 'unreadable':
      return { password: undefined, path: file.path, why: `${file.path} cannot be read (${file.reason})` };
    case 'too_open':
      return { password: undefined, path: file.path, why: tooOpenAdvice(file.path, file.mode) };
    case 'ok': {
      const entry = findPgpassEntry(file.entries, target);
      if (entry) return { password: entry.password, path: file.path };
      return { password: undefined, path: file.path, why: `no line in ${file.path} matches ${wanted}` };
    }
  }
}

/**
 * Every .pgpass line as an import candidate, without its password (libpq reads
 * it at connect time). `taken` holds labels already used; labels stay unique.
 */
export function pgpassCandidates(file: PgpassFile, taken: Set<string> = new Set()): ProfileCandidate[] {
  if (file.state !== 'ok' && file.state !== 'too_open') return [];
  return file.entries.map((e) => {
    const wildcards = (['host', 'port', 'database', 'user'] as const).filter((k) => e[k] === '*');
    let label = `${e.user}@${e.host}:${e.port}/${e.database}`;
    if (taken.has(label)) label = `${label} (.pgpass line ${e.line})`;
    taken.add(label);
    const problems: string[] = [];
    if (wildcards.length > 0) {
      problems.push(
        `Line ${e.line} uses * for ${wildcards.join(', ')}: it matches many servers, so fill in ` +
          `the ${wildcards.join(', ')} before saving. The password will still come from this line.`,
      );
    }
    const port = Number(e.port);
    if (e.port !== '*' && !(Number.isInteger(port) && port >= 1 && port <= 65535)) {
      problems.push(`Line ${e.line} has port "${e.port}", which is not a port number.`);
    }
    if (file.state === 'too_open') problems.push(tooOpenAdvice(file.path, file.mode));
    const input: ProfileCandidate['input'] = { name: label, passwordMode: 'pgpass' };
    if (e.host !== '*') input.host = e.host;
    if (e.port !== '*' && Number.isInteger(port)) input.port = port;
    if (e.database !== '*') input.database = e.database;
    if (e.user !== '*') input.user = e.user;
    return {
      source: 'pgpass',
      label,
      input,
      hasPassword: false,
      ...(problems.length > 0 ? { problem: problems.join(' ') } : {}),
    };
  });
}
