import type { ServerFacts } from '../../shared/migration';

/**
 * What a server is and what we may do on it, probed in one statement: the
 * storage sample, the disk facts, the pre-flight and the wizard choose their SQL
 * from these facts, never by probing on their own. PoolManager keeps them with
 * the profile's pool (`serverFacts`), so they are read once per pool.
 */

/** One extension: its version in this database (null: not created here), where it lives, and what the server offers. */
export interface ExtensionFacts {
  installed: string | null;
  schema: string | null;
  available: string | null;
}

export interface ServerProbe extends ServerFacts {
  database: string;
  /** At the time of the probe; work that depends on it now (slots on a standby) reads it again. */
  inRecovery: boolean;
  rights: {
    /** Member of pg_monitor (not necessarily with its privileges: see readAllStats). */
    pgMonitor: boolean;
    /** Has pg_read_all_stats' privileges (directly, or through pg_monitor or a superuser). */
    readAllStats: boolean;
    /** May run pg_ls_waldir() (superuser, pg_monitor or an explicit grant). */
    lsWalDir: boolean;
    /** May create schemas in this database (the migration's capture schema needs it). */
    createOnDatabase: boolean;
  };
  timescaledb: ServerFacts['timescaledb'] & { schema: string | null };
  partman: ExtensionFacts;
}

/** The columns serverFactsSql returns. */
export interface ServerFactsRow {
  version_num: string | number;
  version: string;
  database: string;
  user_name: string;
  is_superuser: boolean | null;
  in_recovery: boolean;
  pg_monitor: boolean;
  read_all_stats: boolean;
  ls_waldir: boolean;
  create_on_database: boolean;
  timescaledb_installed: string | null;
  timescaledb_schema: string | null;
  timescaledb_available: string | null;
  partman_installed: string | null;
  partman_schema: string | null;
  partman_available: string | null;
}

const extension = (name: string, as: string) => `
       (SELECT e.extversion::text FROM pg_catalog.pg_extension e WHERE e.extname = '${name}') AS ${as}_installed,
       (SELECT n.nspname::text FROM pg_catalog.pg_extension e
          JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = '${name}') AS ${as}_schema,
       (SELECT a.default_version::text FROM pg_catalog.pg_available_extensions a
         WHERE a.name = '${name}') AS ${as}_available`;

/** Catalog reads only, no parameters: it may run alone or inside a simple-protocol batch. */
export const serverFactsSql = `
SELECT pg_catalog.current_setting('server_version_num') AS version_num,
       pg_catalog.current_setting('server_version') AS version,
       pg_catalog.current_database()::text AS database,
       current_user::text AS user_name,
       (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user) AS is_superuser,
       pg_catalog.pg_is_in_recovery() AS in_recovery,
       pg_catalog.pg_has_role(current_user, 'pg_monitor', 'MEMBER') AS pg_monitor,
       pg_catalog.pg_has_role('pg_read_all_stats', 'USAGE') AS read_all_stats,
       pg_catalog.has_function_privilege('pg_catalog.pg_ls_waldir()', 'EXECUTE') AS ls_waldir,
       pg_catalog.has_database_privilege(pg_catalog.current_database(), 'CREATE') AS create_on_database,
       ${extension('timescaledb', 'timescaledb')},
       ${extension('pg_partman', 'partman')}`;

export function parseServerFacts(row: ServerFactsRow): ServerProbe {
  const tsdb = row.timescaledb_installed;
  return {
    versionNum: Number(row.version_num),
    version: row.version,
    database: row.database,
    user: row.user_name,
    isSuperuser: row.is_superuser === true,
    inRecovery: row.in_recovery,
    rights: {
      pgMonitor: row.pg_monitor,
      readAllStats: row.read_all_stats,
      lsWalDir: row.ls_waldir,
      createOnDatabase: row.create_on_database,
    },
    timescaledb: {
      installed: tsdb,
      schema: row.timescaledb_schema,
      available: row.timescaledb_available,
      api: tsdb ? (atLeast(tsdb, 2, 18) ? 'columnstore' : 'compression') : null,
    },
    partman: {
      installed: row.partman_installed,
      schema: row.partman_schema,
      available: row.partman_available,
    },
  };
}

/** Probes the server on this session (one round trip). Prefer PoolManager.serverFacts, which keeps the answer. */
export async function probeServer(db: {
  query(sql: string): Promise<{ rows: unknown[] }>;
}): Promise<ServerProbe> {
  const { rows } = await db.query(serverFactsSql);
  return parseServerFacts(rows[0] as ServerFactsRow);
}

/** The facts a migration's report and spec carry (the contract's shape, nothing more). */
export function migrationFacts(p: ServerProbe): ServerFacts {
  const { installed, available, api } = p.timescaledb;
  return {
    versionNum: p.versionNum,
    version: p.version,
    user: p.user,
    isSuperuser: p.isSuperuser,
    timescaledb: { installed, available, api },
  };
}

/** A TimescaleDB version string ('2.23.0-dev') as major.minor; null when it does not start with one. */
export function parseTimescaleVersion(version: string | null): { major: number; minor: number } | null {
  const match = version ? /^(\d+)\.(\d+)/.exec(version) : null;
  return match ? { major: Number(match[1]), minor: Number(match[2]) } : null;
}

/** Whether a TimescaleDB version string is major.minor or later (false when there is none). */
export function atLeast(version: string | null, major: number, minor: number): boolean {
  const v = parseTimescaleVersion(version);
  return v !== null && (v.major > major || (v.major === major && v.minor >= minor));
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
