import { readFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { ProfileCandidate, ProfileDraft } from '../../shared/profile';
import { mapLibpqParams, withLibpqDefaults } from '../postgres/libpq-params';
import { osReason } from '../postgres/os-reason';
import { pgpassCandidates, readPgpass } from '../postgres/pgpass';

/**
 * pg_service.conf, found and read as libpq does (node-postgres never learnt
 * to). The `ini` package is not used: it treats ';' and '#' inside values as
 * comments and strips quotes, which would mangle passwords and paths; libpq
 * only knows whole-line '#' comments and takes values literally.
 */

export interface ServiceSection {
  name: string;
  /** key/value pairs in file order. */
  params: Array<[string, string]>;
  /** Lines libpq would reject, as sentences. */
  errors: string[];
}

export function parseServiceFile(text: string): ServiceSection[] {
  const sections: ServiceSection[] = [];
  let current: ServiceSection | null = null;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (line.startsWith('[')) {
      const close = line.indexOf(']');
      const name = (close > 0 ? line.slice(1, close) : line.slice(1)).trim();
      current = { name, params: [], errors: [] };
      sections.push(current);
      return;
    }
    // libpq ignores anything before the first section.
    if (!current) return;
    const section: ServiceSection = current;
    const eq = line.indexOf('=');
    if (eq <= 0) {
      section.errors.push(`Line ${index + 1} ("${line}") is not key=value.`);
      return;
    }
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    if (key === 'service') {
      section.errors.push(
        `Line ${index + 1}: a service cannot name another service (libpq refuses nesting).`,
      );
      return;
    }
    section.params.push([key, value]);
  });
  return sections;
}

/** The keywords a service may set for a Tidemark profile; anything else is reported. */
const serviceKeys = new Set([
  'host',
  'hostaddr',
  'port',
  'dbname',
  'user',
  'password',
  'sslmode',
  'sslrootcert',
  'sslcert',
  'sslkey',
  'connect_timeout',
]);

/** A candidate as main keeps it: the password a service file holds stays beside it, never inside. */
export interface FoundCandidate {
  candidate: ProfileCandidate;
  /** Only from pg_service.conf; .pgpass passwords are read at connect time instead. */
  password?: string;
}

export function serviceCandidate(section: ServiceSection, source: string, osUser: string): FoundCandidate {
  const usable = section.params.filter(([key]) => serviceKeys.has(key));
  const ignored = section.params.filter(([key]) => !serviceKeys.has(key)).map(([key]) => key);
  const { input, problems } = mapLibpqParams(usable);
  // libpq's defaults: no host means the local server, no user means the OS user.
  const { password, ...draft }: ProfileDraft = withLibpqDefaults({
    host: 'localhost',
    user: osUser,
    ...input,
  });
  const messages = [...section.errors, ...problems];
  if (ignored.length > 0) messages.push(`Not imported from ${source}: ${ignored.join(', ')}.`);
  return {
    candidate: {
      source: 'pg_service',
      label: section.name,
      input: { name: section.name, ...draft },
      hasPassword: password !== undefined,
      ...(messages.length > 0 ? { problem: messages.join(' ') } : {}),
    },
    ...(password !== undefined ? { password } : {}),
  };
}

export interface DiscoverOptions {
  /** Read only this service file (as PGSERVICEFILE would). */
  serviceFile?: string;
  /** Read only this password file (as PGPASSFILE would). */
  pgpassFile?: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
  /** The OS user name libpq falls back to when a service names no user. */
  osUser?: string;
}

export interface Discovery {
  /** Safe to send to the renderer: no passwords. */
  candidates: ProfileCandidate[];
  /** Each file looked at, with what was found there ("path — 3 services", "path — not found"). */
  searched: string[];
}

/** Where libpq looks for service files, user file first (its entries win). */
export function serviceFilePaths(options: DiscoverOptions = {}): string[] {
  if (options.serviceFile) return [options.serviceFile];
  const env = options.env ?? process.env;
  const user = env.PGSERVICEFILE ?? join(options.home ?? homedir(), '.pg_service.conf');
  // Without PGSYSCONFDIR libpq uses its compile-time sysconfdir; Debian's and the source build's.
  const system = env.PGSYSCONFDIR
    ? [join(env.PGSYSCONFDIR, 'pg_service.conf')]
    : ['/etc/postgresql-common/pg_service.conf', '/usr/local/pgsql/etc/pg_service.conf'];
  return [user, ...system];
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * Profiles the DBA already described to libpq, with the passwords pg_service.conf
 * holds kept beside the candidates: for main's import, never for the renderer.
 */
export async function discoverWithPasswords(
  options: DiscoverOptions = {},
): Promise<{ found: FoundCandidate[]; searched: string[] }> {
  const found: FoundCandidate[] = [];
  const searched: string[] = [];
  const labels = new Set<string>();
  const osUser = options.osUser ?? safeOsUser();

  for (const path of serviceFilePaths(options)) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      searched.push(`${path} — ${code === 'ENOENT' ? 'not found' : `cannot be read (${osReason(error)})`}`);
      continue;
    }
    let added = 0;
    for (const section of parseServiceFile(text)) {
      if (labels.has(section.name)) continue; // the user file's service wins, as in libpq
      labels.add(section.name);
      found.push(serviceCandidate(section, path, osUser));
      added++;
    }
    searched.push(`${path} — ${count(added, 'service', 'services')}`);
  }

  const pgpass = await readPgpass({ file: options.pgpassFile, env: options.env, home: options.home });
  switch (pgpass.state) {
    case 'missing':
      searched.push(`${pgpass.path} — not found`);
      break;
    case 'unreadable':
      searched.push(`${pgpass.path} — cannot be read (${pgpass.reason})`);
      break;
    default: {
      const candidates = pgpassCandidates(pgpass, labels);
      found.push(...candidates.map((candidate) => ({ candidate })));
      const note = pgpass.state === 'too_open' ? ', ignored by libpq until it is chmod 0600' : '';
      searched.push(`${pgpass.path} — ${count(candidates.length, 'entry', 'entries')}${note}`);
    }
  }
  return { found, searched };
}

/** Profiles found in pg_service.conf and .pgpass, as the renderer may see them. */
export async function discoverProfiles(options: DiscoverOptions = {}): Promise<Discovery> {
  const { found, searched } = await discoverWithPasswords(options);
  return { candidates: found.map((f) => f.candidate), searched };
}

function safeOsUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'postgres';
  }
}
