import type { ServerFacts, TimescalePolicy, ValidationCheck } from '../../../shared/migration';
import { timescaleFeatures } from '../../postgres/server-facts';
import type { Queryable } from '../db';
import { qi } from '../ident';
import { rel } from '../names';
import type { MigrationSpec } from '../spec';
import { bound, literals, psqlVariables } from '../sql/params';
import {
  compressionPolicySql,
  compressionSettingsSql,
  createHypertableSql,
  pauseJobsSql,
  resumeJobsSql,
  retentionPolicySql,
} from '../sql/timescale';
import { type StepContext, withTableLock } from '../step-types';
import type { PreflightCheck, Target } from './target';

/** A TimescaleDB hypertable, made on the new, empty table; compression and its policy come after the swap. */

const present = (...sql: (string | null)[]) => sql.filter((s): s is string => s !== null);

/** Compression settings (once: TimescaleDB refuses to enable it twice), the policy, and the jobs paused during the copy. */
async function finish(ctx: StepContext): Promise<string[]> {
  const { db, spec, detailOf } = ctx;
  const r = rel(spec.names);
  const done: string[] = [];
  const settings = compressionSettingsSql(spec, r.source);
  // A retry after a failure further down finds compression already on.
  const enabled = await db.query<{ on: boolean }>(
    `SELECT compression_enabled AS on FROM timescaledb_information.hypertables WHERE hypertable_schema = $1 AND hypertable_name = $2`,
    [spec.names.schema, spec.names.table],
  );
  if (settings && enabled.rows[0]?.on !== true) {
    await withTableLock(ctx, 'Enabling compression', () => db.query(settings));
    done.push(settings);
  }
  const policy = compressionPolicySql(spec, r.source);
  if (policy) {
    await db.query(policy);
    done.push(policy);
  }
  const jobs = detailOf<{ jobs: number[] }>('pause-jobs')?.jobs ?? [];
  if (jobs.length > 0) {
    // A job TimescaleDB dropped meanwhile is simply not found.
    const p = bound();
    const sql = resumeJobsSql(spec, p, `{${jobs.map((j) => Math.trunc(j)).join(',')}}`);
    await db.query(sql, p.values);
    done.push(resumeJobsSql(spec, literals(), `{${jobs.join(',')}}`));
  }
  return done;
}

export const timescaledb: Target = {
  id: 'timescaledb',
  nouns: { described: 'a TimescaleDB hypertable', pieces: 'chunks', table: 'A hypertable' },
  newTableKind: 'hypertable',
  createClause: () => '',
  prepareSteps: [
    {
      key: 'hypertable',
      phase: 'A',
      title: 'Make it a hypertable',
      runs: 'once',
      why: ({ spec }) =>
        `On the new, empty table (never migrate_data): chunks of ${spec.settings.interval}. Compression settings and the policy come after the swap.`,
      shown: ({ spec }) => [createHypertableSql(spec, rel(spec.names).newTable)],
      async execute({ db, spec }) {
        await db.query(createHypertableSql(spec, rel(spec.names).newTable));
        return {};
      },
    },
  ],
  afterCopySteps: [
    {
      key: 'pause-jobs',
      phase: 'B',
      title: 'Pause background jobs on the new table',
      runs: 'once',
      why: () =>
        'If TimescaleDB scheduled any job on the new table by itself during the copy, it is paused until the swap (and scheduled again by the finish step).',
      shown: ({ spec }) => [`${pauseJobsSql(spec, literals())} \\gset`],
      async execute({ db, spec, detailOf }) {
        const paused = detailOf<{ jobs: number[] }>('pause-jobs')?.jobs ?? [];
        const p = bound();
        const { rows } = await db.query<{ paused_jobs: number[] }>(pauseJobsSql(spec, p), p.values);
        return { detail: { jobs: [...new Set([...paused, ...(rows[0]?.paused_jobs ?? [])])] } };
      },
    },
  ],
  finish: {
    shown: (spec) => {
      const r = rel(spec.names);
      return [
        ...present(compressionSettingsSql(spec, r.source), compressionPolicySql(spec, r.source)),
        resumeJobsSql(spec, psqlVariables()),
      ];
    },
    run: finish,
  },
  retention: {
    shown: ({ spec }) => present(retentionPolicySql(spec, rel(spec.names).source)),
    async run({ db, spec }) {
      const sql = retentionPolicySql(spec, rel(spec.names).source);
      if (sql) await db.query(sql);
      return present(sql);
    },
  },
  serverChecks: async (_db, server) => [timescaleCheck(server)],
  integerPieces: 100,
  intervalAdvice: (_days, rowsPerDay) => ({
    interval: '1 day',
    reason:
      `TimescaleDB's usual choice: a day's chunk and its indexes should fit in about a quarter of the server's memory` +
      (rowsPerDay ? ` (about ${Math.round(rowsPerDay).toLocaleString('en-US')} rows a day here).` : '.'),
  }),
  validate: async (db, spec, _newOid, newRows) => [
    await shape(db, spec, newRows),
    await compression(db, spec),
  ],
  async policies(db, spec) {
    const { rows } = await db.query<TimescalePolicy>(
      `SELECT j.job_id AS "jobId", j.proc_name::text AS "procName", j.scheduled,
              j.schedule_interval::text AS "scheduleInterval",
              CASE WHEN j.scheduled THEN coalesce(s.next_start, j.next_start)::text END AS "nextStart",
              s.last_run_status::text AS "lastRunStatus", s.last_run_started_at::text AS "lastRunStartedAt",
              j.config::text AS config
         FROM timescaledb_information.jobs j
         LEFT JOIN timescaledb_information.job_stats s ON s.job_id = j.job_id
        WHERE j.hypertable_schema = $1 AND j.hypertable_name = $2
        ORDER BY j.job_id`,
      [spec.names.schema, spec.names.table],
    );
    return rows;
  },
  countPieces: async (db, spec) =>
    Number(
      (
        await db.query<{ n: string }>(
          `SELECT count(*)::text AS n FROM timescaledb_information.chunks WHERE hypertable_schema = $1 AND hypertable_name = $2`,
          [spec.names.schema, spec.names.table],
        )
      ).rows[0]?.n ?? 0,
    ),
};

async function shape(db: Queryable, spec: MigrationSpec, newRows: number): Promise<ValidationCheck> {
  const { rows } = await db.query<{ chunks: string; dim: string | null }>(
    `SELECT (SELECT count(*) FROM timescaledb_information.chunks c WHERE c.hypertable_schema = h.hypertable_schema AND c.hypertable_name = h.hypertable_name)::text AS chunks,
            (SELECT d.column_name FROM timescaledb_information.dimensions d WHERE d.hypertable_schema = h.hypertable_schema
               AND d.hypertable_name = h.hypertable_name AND d.dimension_number = 1) AS dim
       FROM timescaledb_information.hypertables h WHERE h.hypertable_schema = $1 AND h.hypertable_name = $2`,
    [spec.names.schema, spec.names.table],
  );
  const h = rows[0];
  return {
    id: 'shape',
    title: 'A hypertable with chunks',
    status: h && h.dim === spec.timeColumn && (Number(h.chunks) > 0 || newRows === 0) ? 'pass' : 'fail',
    details: h
      ? `Hypertable on ${qi(h.dim ?? '?')} with ${h.chunks} chunks (interval ${spec.settings.interval}).`
      : `${rel(spec.names).source} is not a hypertable.`,
  };
}

async function compression(db: Queryable, spec: MigrationSpec): Promise<ValidationCheck> {
  if (spec.settings.compressAfter === null) {
    return {
      id: 'compression',
      title: 'Compression',
      status: 'pass',
      details: 'No compression was asked for.',
    };
  }
  const cs = timescaleFeatures(spec.server.timescaledb.installed).columnstore;
  const settingsView = cs
    ? 'timescaledb_information.hypertable_columnstore_settings'
    : 'timescaledb_information.compression_settings';
  const settingsRows = cs
    ? await db.query<{ segmentby: string | null; orderby: string | null }>(
        `SELECT segmentby, orderby FROM ${settingsView} WHERE hypertable = $1::regclass`,
        [rel(spec.names).source],
      )
    : await db.query<{ segmentby: string | null; orderby: string | null }>(
        `SELECT string_agg(attname, ',' ORDER BY segmentby_column_index) FILTER (WHERE segmentby_column_index IS NOT NULL) AS segmentby,
                string_agg(attname || CASE WHEN orderby_asc THEN '' ELSE ' DESC' END, ',' ORDER BY orderby_column_index) FILTER (WHERE orderby_column_index IS NOT NULL) AS orderby
           FROM ${settingsView} WHERE hypertable_schema = $1 AND hypertable_name = $2`,
        [spec.names.schema, spec.names.table],
      );
  const jobs = await db.query<{ scheduled: boolean; config: Record<string, unknown> }>(
    `SELECT scheduled, config FROM timescaledb_information.jobs
      WHERE hypertable_schema = $1 AND hypertable_name = $2 AND proc_name IN ('policy_compression', 'policy_columnstore')`,
    [spec.names.schema, spec.names.table],
  );
  const s = settingsRows.rows[0];
  const segOk = normalizeList(s?.segmentby) === normalizeList(spec.settings.segmentBy.join(','));
  const job = jobs.rows[0];
  const policyOk = spec.timeKind === 'integer' || job?.scheduled === true;
  return {
    id: 'compression',
    title: 'Compression settings and policy',
    status: s && segOk && policyOk ? 'pass' : 'fail',
    details:
      `${s ? `segment by ${s.segmentby ?? '(none)'}, order by ${s.orderby ?? '(none)'}` : 'compression is not enabled'}; ` +
      (job
        ? `policy ${job.scheduled ? 'scheduled' : 'paused'} (${JSON.stringify(job.config)}).`
        : 'no compression policy.'),
  };
}

function normalizeList(s: string | null | undefined): string {
  return (s ?? '')
    .split(',')
    .map((x) => x.trim().replace(/^"|"$/g, ''))
    .filter(Boolean)
    .join(',');
}

function timescaleCheck(server: ServerFacts): PreflightCheck {
  const ts = server.timescaledb;
  if (ts.installed) {
    const f = timescaleFeatures(ts.installed);
    return {
      id: 'timescaledb',
      category: 'server',
      title: 'TimescaleDB',
      status: 'pass',
      reason: `TimescaleDB ${ts.installed} is installed in this database; Tidemark uses its ${f.columnstore ? 'columnstore (2.18+)' : 'compression'} API${f.byRange ? '' : ' and the create_hypertable signature before 2.13'}.`,
    };
  }
  if (ts.available) {
    return {
      id: 'timescaledb',
      category: 'server',
      title: 'TimescaleDB',
      status: 'blocking',
      reason: `TimescaleDB ${ts.available} is available on the server but not created in this database.`,
      fix: "Create the extension (it needs shared_preload_libraries = 'timescaledb' in postgresql.conf and a restart first), or choose native partitions.",
      sql: 'CREATE EXTENSION IF NOT EXISTS timescaledb;',
    };
  }
  return {
    id: 'timescaledb',
    category: 'server',
    title: 'TimescaleDB',
    status: 'blocking',
    reason: 'TimescaleDB is not installed on this server.',
    fix: "Install the TimescaleDB package for this PostgreSQL version, add 'timescaledb' to shared_preload_libraries, restart, then CREATE EXTENSION timescaledb — or choose native partitions, which need no extension.",
  };
}
