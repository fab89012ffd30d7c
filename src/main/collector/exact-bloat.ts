import type pg from 'pg';
import type { ExactBloat } from '../../shared/disk-facts';
import { displayName } from '../../shared/ident';
import { AppError } from '../errors';
import { qi } from '../migration/ident';
import { hasSqlState, SqlState } from '../postgres/sqlstate';
import { beginSql, guardSql } from './sql/context';

/**
 * An exact bloat figure for ONE relation the DBA picks, from the pgstattuple
 * contrib extension where it is installed: pgstattuple_approx for a table or
 * materialized view (it skips the pages the visibility map says are all
 * visible), pgstattuple for a B-tree, hash or GiST index. Both read the
 * relation from disk, so this runs only on demand, in a READ ONLY transaction
 * whose statement_timeout is at most EXACT_BLOAT_TIMEOUT_MS (lower if the
 * profile's is lower). A missing extension or missing rights is an AppError
 * that says how to get them.
 */
export const EXACT_BLOAT_TIMEOUT_MS = 30_000;

const timeoutSql = `
SELECT pg_catalog.set_config('statement_timeout',
         CASE WHEN s.setting::int8 = 0 OR s.setting::int8 > ${EXACT_BLOAT_TIMEOUT_MS} THEN '${EXACT_BLOAT_TIMEOUT_MS}'
              ELSE s.setting END, true)
FROM pg_catalog.pg_settings s WHERE s.name = 'statement_timeout'`;

interface TargetRow {
  /** int8 as text; null when there is no such relation. */
  oid: string | null;
  relkind: string;
  amname: string | null;
  ext_schema: string | null;
  available: boolean;
  may_run: boolean | null;
  user_name: string;
  database: string;
}

/** The relation, how pgstattuple is installed, and whether this user may run the function it needs. */
const targetSql = `
WITH ext AS (
  SELECT n.nspname AS ext_schema FROM pg_catalog.pg_extension e
  JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pgstattuple'
),
rel AS (
  SELECT c.oid, c.relkind::text AS relkind, am.amname::text AS amname
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam
  WHERE n.nspname = $1 AND c.relname = $2
)
SELECT rel.oid::int8 AS oid, rel.relkind, rel.amname, ext.ext_schema::text AS ext_schema,
       EXISTS (SELECT 1 FROM pg_catalog.pg_available_extensions a WHERE a.name = 'pgstattuple') AS available,
       CASE WHEN ext.ext_schema IS NOT NULL THEN pg_catalog.has_function_privilege(
         pg_catalog.format('%I.%I(regclass)', ext.ext_schema,
           CASE WHEN rel.relkind = 'i' THEN 'pgstattuple' ELSE 'pgstattuple_approx' END), 'EXECUTE') END AS may_run,
       current_user::text AS user_name, pg_catalog.current_database()::text AS database
FROM (SELECT 1) one LEFT JOIN rel ON true LEFT JOIN ext ON true`;

const INDEX_METHODS = new Set(['btree', 'hash', 'gist']);

export async function measureExactBloat(
  client: pg.ClientBase,
  target: { schema: string; name: string },
  now: () => Date = () => new Date(),
): Promise<ExactBloat> {
  const label = displayName(target.schema, target.name);
  await client.query([beginSql, ...guardSql, timeoutSql].join(';\n'));
  try {
    const { rows } = await client.query<TargetRow>(targetSql, [target.schema, target.name]);
    const t = rows[0]!;
    if (t.oid === null)
      throw new AppError('not_found', `There is no relation ${label} in database "${t.database}".`);
    if (t.ext_schema === null) {
      throw new AppError(
        'unsupported',
        t.available
          ? `The pgstattuple extension is not installed in database "${t.database}". A superuser can install it with ` +
              'CREATE EXTENSION pgstattuple; (then GRANT pg_stat_scan_tables to the monitoring role).'
          : `The pgstattuple extension is not available on this server: install the PostgreSQL contrib modules ` +
              '(the postgresql-contrib package on most distributions; part of postgresql-NN on Debian and Ubuntu), ' +
              `then CREATE EXTENSION pgstattuple; in database "${t.database}".`,
      );
    }
    const kind = t.relkind === 'i' ? 'index' : 'table';
    if (kind === 'table' && t.relkind !== 'r' && t.relkind !== 'm') {
      throw new AppError(
        'unsupported',
        `${label} has no storage of its own (a partitioned table, a view or a sequence): measure its partitions.`,
      );
    }
    if (kind === 'index' && !INDEX_METHODS.has(t.amname ?? '')) {
      throw new AppError(
        'unsupported',
        `pgstattuple reads B-tree, hash and GiST indexes only; ${label} is a ${t.amname} index.`,
      );
    }
    const fn = kind === 'index' ? 'pgstattuple' : 'pgstattuple_approx';
    if (!t.may_run) {
      throw new AppError(
        'unsupported',
        `"${t.user_name}" may not run ${fn}(): grant it the pg_stat_scan_tables role ` +
          `(GRANT pg_stat_scan_tables TO ${qi(t.user_name)};) or run as a superuser.`,
      );
    }
    const started = performance.now();
    const measured = await client.query<Record<string, string | number>>(
      `SELECT * FROM ${qi(t.ext_schema)}.${fn}($1::oid::regclass)`,
      [t.oid],
    );
    const durationMs = Math.round(performance.now() - started);
    await client.query('COMMIT');
    const r = measured.rows[0]!;
    const bytes = Number(r.table_len);
    const freeBytes = Number(kind === 'index' ? r.free_space : r.approx_free_space);
    const deadBytes = Number(r.dead_tuple_len);
    const bloatBytes = freeBytes + deadBytes;
    return {
      schema: target.schema,
      name: target.name,
      kind,
      function: fn,
      bytes,
      bloatBytes,
      bloatPct: bytes > 0 ? Math.round((bloatBytes / bytes) * 1000) / 10 : 0,
      freeBytes,
      deadBytes,
      scannedPct: kind === 'index' ? null : Number(r.scanned_percent),
      measuredAt: now().toISOString(),
      durationMs,
    };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    if (hasSqlState(error, SqlState.queryCanceled)) {
      throw new AppError(
        'unsupported',
        `Measuring ${label} took longer than ${EXACT_BLOAT_TIMEOUT_MS / 1000} s and was cancelled: it is too large to ` +
          'read on demand; the estimate stands.',
      );
    }
    throw error;
  }
}
