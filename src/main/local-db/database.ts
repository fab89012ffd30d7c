import { closeSync, existsSync, openSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { PRIVATE_FILE_MODE } from '../data-dir';
import { AppError } from '../errors';
import { latestSchemaVersion, schemaSteps } from './schema-steps';
import type { SchemaStep } from './schema-steps/schema-step';

export const DB_FILE = 'tidemark.db';

export interface OpenedStore {
  db: Database.Database;
  /** Set when a damaged file was moved aside and a fresh one started. */
  movedAside?: { from: string; to: string; reason: string };
}

/** The native binding Electron needs (its own ABI); Node uses the default build. */
function nativeBinding(): string | undefined {
  return process.env.TIDEMARK_SQLITE_BINDING || undefined;
}

function openRaw(file: string): Database.Database {
  // Created owner-only before SQLite sees it: SQLite gives the -wal and -shm files the database file's mode.
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  const binding = nativeBinding();
  const db = new Database(file, binding ? { nativeBinding: binding } : {});
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
  return db;
}

/** Reads enough of the file to know it is a healthy SQLite database. */
function check(db: Database.Database): void {
  const result = db.pragma('quick_check(1)', { simple: true });
  if (result !== 'ok')
    throw Object.assign(new Error(`integrity check: ${String(result)}`), { code: 'SQLITE_CORRUPT' });
}

const damagedCodes = new Set([
  'SQLITE_NOTADB',
  'SQLITE_CORRUPT',
  'SQLITE_CANTOPEN',
  'SQLITE_IOERR',
  'EACCES',
]);

function isDamaged(err: unknown): boolean {
  const code = (err as { code?: string })?.code ?? '';
  return damagedCodes.has(code) || code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CORRUPT');
}

export function applySchemaSteps(db: Database.Database, list: readonly SchemaStep[] = schemaSteps): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = list.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new AppError(
      'store_error',
      `This data file was written by a newer Tidemark (schema ${current}; this version knows up to ${latest}). ` +
        'Open it with that newer Tidemark, or start this one with another --data-dir.',
    );
  }
  for (const m of list) {
    if (m.version <= current) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}

/**
 * Opens (or creates) the local store. A file that cannot be read as SQLite is
 * moved aside — never overwritten — and a fresh one is started; the caller
 * tells the DBA where the old one went.
 */
export function openStore(dataDir: string, now: () => Date = () => new Date()): OpenedStore {
  const file = join(dataDir, DB_FILE);
  let movedAside: OpenedStore['movedAside'];
  let db: Database.Database;
  try {
    db = openRaw(file);
    check(db);
  } catch (err) {
    if (!isDamaged(err) || !existsSync(file)) throw err;
    const stamp = now().toISOString().replace(/[:.]/g, '-');
    const to = `${file}.damaged-${stamp}`;
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(file + suffix)) renameSync(file + suffix, to + suffix);
    }
    movedAside = { from: file, to, reason: err instanceof Error ? err.message : String(err) };
    db = openRaw(file);
  }
  try {
    applySchemaSteps(db);
  } catch (err) {
    db.close();
    throw err;
  }
  return { db, ...(movedAside ? { movedAside } : {}) };
}

export { latestSchemaVersion };
