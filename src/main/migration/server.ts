import type { ServerFacts } from '../../shared/migration';
import type { Queryable } from './db';

/** What the server can do, read once per session: SQL is chosen from these facts, never guessed. */
export async function readServerFacts(db: Queryable): Promise<ServerFacts> {
  const { rows } = await db.query<{
    num: string;
    version: string;
    user: string;
    superuser: boolean;
    installed: string | null;
    available: string | null;
  }>(`
    SELECT current_setting('server_version_num') AS num,
           current_setting('server_version') AS version,
           current_user AS "user",
           (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) AS superuser,
           (SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'timescaledb') AS installed,
           (SELECT default_version FROM pg_catalog.pg_available_extensions WHERE name = 'timescaledb') AS available`);
  const r = rows[0]!;
  return {
    versionNum: Number(r.num),
    version: r.version,
    user: r.user,
    isSuperuser: r.superuser === true,
    timescaledb: {
      installed: r.installed,
      available: r.available,
      api: r.installed ? (atLeast(r.installed, 2, 18) ? 'columnstore' : 'compression') : null,
    },
  };
}

/** Compares a TimescaleDB version string ('2.23.0-dev') with major.minor. */
export function atLeast(version: string | null, major: number, minor: number): boolean {
  if (!version) return false;
  const [a, b] = version.split(/[.-]/).map((p) => Number.parseInt(p, 10));
  if (a === undefined || Number.isNaN(a)) return false;
  return a > major || (a === major && (b ?? 0) >= minor);
}

/** TimescaleDB features the engine picks SQL for. */
export function timescaleFeatures(version: string | null) {
  return {
    /** create_hypertable(rel, by_range(col, interval)) since 2.13; the old signature before. */
    byRange: atLeast(version, 2, 13),
    /** add_columnstore_policy and enable_columnstore since 2.18. */
    columnstore: atLeast(version, 2, 18),
    /** Foreign keys that reference a hypertable since 2.16. */
    fkToHypertable: atLeast(version, 2, 16),
  };
}
