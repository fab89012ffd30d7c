import { type Dirent, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DataFolder } from '../shared/storage';
import { DB_FILE } from './local-db/database';

/** Sum of file sizes under a folder; unreadable entries count as 0. */
export function folderBytes(path: string): number {
  let total = 0;
  let entries: Dirent[];
  try {
    entries = readdirSync(path, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) total += folderBytes(full);
    else if (entry.isFile()) total += fileBytes(full);
  }
  return total;
}

/** A file's size, 0 when it is not there (no WAL yet, or gone meanwhile). */
function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/**
 * Where the data folder is and what takes its room: the history file with its WAL and shared-memory
 * index, the logs, and the demo server's cluster (walked file by file: only when Settings asks).
 */
export function dataFolderUsage(
  dataDir: string,
  demo: { setUp: boolean; location: string; inDataFolder: boolean },
): DataFolder {
  const db = join(dataDir, DB_FILE);
  return {
    path: dataDir,
    databaseBytes: fileBytes(db),
    walBytes: fileBytes(`${db}-wal`),
    shmBytes: fileBytes(`${db}-shm`),
    logBytes: folderBytes(join(dataDir, 'logs')),
    demo: demo.setUp
      ? { path: demo.location, inDataFolder: demo.inDataFolder, bytes: folderBytes(demo.location) }
      : null,
  };
}
