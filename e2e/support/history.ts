import type pg from 'pg';
import { collectStorageSample } from '../../src/main/collector/collector';
import { History } from '../../src/main/history/history';
import { openStore } from '../../src/main/local-db/database';

/**
 * History a test cannot wait for: a storage sample of the server as it is
 * now, taken by Tidemark's own collector and written with the store's own
 * writer into the host's data directory, dated `at` (in the past). The host
 * keeps running; SQLite's WAL lets both write. Returns the database size stored.
 */
export async function writePastSample(
  dataDir: string,
  profileId: string,
  client: pg.Client,
  at: Date,
): Promise<number> {
  const sample = await collectStorageSample(client, { now: () => at });
  const { db } = openStore(dataDir);
  try {
    new History(db).saveSample(profileId, sample);
  } finally {
    db.close();
  }
  return sample.database.bytes;
}

/** The profile id in the page's address (#/profiles/<id>/…). */
export function profileIdOf(url: string): string {
  const id = /#\/profiles\/([^/]+)\//.exec(url)?.[1];
  if (!id) throw new Error(`No profile id in ${url}`);
  return decodeURIComponent(id);
}
