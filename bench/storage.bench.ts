/**
 * Storage sampling benchmark (issue 3). Prints figures; asserts nothing.
 *
 * 1. A fresh embedded PostgreSQL 18 with 10,000 tables (a primary key index and
 *    a TOASTed text column each) and 20 partitioned tables of 100 partitions:
 *    the steady-state sample (server facts kept by the pool, other databases,
 *    upkeep figures and slow disk facts carried: most samples) and the sample
 *    with everything due,
 *    against a bare `SELECT sum(pg_total_relation_size(oid))` over the same
 *    relations, in the same session, alternating, median of several runs, with
 *    each part's statement alone. Target: steady state within 1.2x.
 * 2. TimescaleDB (PGlite, WebAssembly) with a hypertable of 1,000 chunks, half
 *    of them compressed: sample time.
 */
import { loadavg } from 'node:os';
import pg from 'pg';
import { collectStorageSample } from '../src/main/collector/collector';
import { rollUp } from '../src/main/collector/collector-rollup';
import {
  collectDiskFacts,
  DEFAULT_DISK_TOP,
  slowDiskFactsOf,
} from '../src/main/collector/disk-facts-collector';
import { contextSql } from '../src/main/collector/sql/context';
import { otherDatabasesSql, outsideRelationsRowSql } from '../src/main/collector/sql/database-size';
import {
  bloatSql,
  indexFindingsSql,
  oldestTablesSql,
  tablespacesSql,
  unreadableTablesSql,
} from '../src/main/collector/sql/disk-facts';
import { locksSql } from '../src/main/collector/sql/locks';
import { type RelationRowArray, relationsSql } from '../src/main/collector/sql/relations';
import { sessionSetupSql } from '../src/main/postgres/client-config';
import { probeServer, serverFactsSql } from '../src/main/postgres/server-facts';
import { startPostgres, startTimescale } from '../test/support/servers';
import { type Cost, costMeter, median, medianCost, ratio } from './support';

const TABLES = 10_000;
const PARTITIONED = 20;
const PARTITIONS = 100;
const RUNS = Number(process.env.TIDEMARK_BENCH_RUNS ?? 11);
const CHUNKS = 1_000;

const ms = (value: number) => `${value.toFixed(0)} ms`;

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const result = await fn();
  return [performance.now() - started, result];
}

const rollUpInput = (relations: RelationRowArray[]) => ({
  user: 'bench',
  canSize: true,
  maxRelations: 50_000,
  relations,
  locks: [],
  timescale: null,
  gaps: [],
});

const RELATIONS = `
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'm') AND c.relpersistence <> 't'
  AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'`;

const BARE = `SELECT sum(pg_total_relation_size(c.oid)) ${RELATIONS}`;

/** The heap / TOAST / indexes split as the relation statement takes it, summed: its sizing without the rows. */
const SIZED = `CASE WHEN c.relkind <> 'p' THEN c.oid END`;
const SPLIT_SIZES = `
SELECT sum(pg_relation_size(${SIZED}, 'main') + pg_relation_size(${SIZED}, 'fsm') + pg_relation_size(${SIZED}, 'vm')
           + CASE WHEN c.reltoastrelid = 0 THEN 0 ELSE pg_total_relation_size(c.reltoastrelid) END
           + pg_indexes_size(${SIZED})) ${RELATIONS}`;

/** A session configured as the app's monitoring sessions are (read-only, timeouts). */
async function monitorSession(config: pg.ClientConfig): Promise<pg.Client> {
  const client = new pg.Client(config);
  client.on('error', () => {});
  await client.connect();
  await client.query(sessionSetupSql('monitor', { statementTimeoutMs: 60_000 }));
  return client;
}

async function postgresBench(): Promise<void> {
  console.log(
    `\n== Storage sample: PostgreSQL 18, ${TABLES.toLocaleString('en-US')} tables + ${PARTITIONED}×${PARTITIONS} partitions`,
  );
  const server = await startPostgres({ ssl: false });
  const base = {
    host: server.info.host,
    port: server.info.port,
    user: server.info.user,
    password: server.info.password,
  };
  try {
    const setup = new pg.Client({ ...base, database: 'postgres' });
    await setup.connect();
    await setup.query('CREATE DATABASE bench_storage');
    await setup.end();

    const admin = new pg.Client({ ...base, database: 'bench_storage' });
    await admin.connect();
    const [buildMs] = await time(async () => {
      // A few transactions of 1,000 tables: one transaction would run out of lock slots.
      for (let from = 1; from <= TABLES; from += 1_000) {
        await admin.query(`DO $$ BEGIN
          FOR i IN ${from}..${Math.min(from + 999, TABLES)} LOOP
            EXECUTE format('CREATE TABLE public.t_%s (id int PRIMARY KEY, label text, body text STORAGE EXTERNAL)', i);
            EXECUTE format('INSERT INTO public.t_%s SELECT g, ''row '' || g, CASE WHEN g = 1 THEN repeat(''x'', 3000) END
                            FROM generate_series(1, 3) g', i);
          END LOOP;
        END $$`);
      }
      for (let p = 1; p <= PARTITIONED; p++) {
        await admin.query(`DO $$ BEGIN
          EXECUTE 'CREATE TABLE public.p_${p} (k int NOT NULL, id int NOT NULL, body text, PRIMARY KEY (k, id)) PARTITION BY RANGE (k)';
          FOR j IN 0..${PARTITIONS - 1} LOOP
            EXECUTE format('CREATE TABLE public.p_${p}_%s PARTITION OF public.p_${p} FOR VALUES FROM (%s) TO (%s)', j, j * 10, j * 10 + 10);
          END LOOP;
          INSERT INTO public.p_${p} SELECT g % ${PARTITIONS * 10}, g, 'row ' || g FROM generate_series(1, ${PARTITIONS * 10}) g;
        END $$`);
      }
      await admin.query('VACUUM (ANALYZE)');
    });
    const { rows } = await admin.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname = 'public'`,
    );
    await admin.end();
    console.log(
      `built in ${ms(buildMs)}: ${Number(rows[0]?.n).toLocaleString('en-US')} tables, partitioned tables and partitions`,
    );

    const config = { ...base, database: 'bench_storage' };

    // Cold: the first statement of a new session also builds PostgreSQL's relation cache for every relation
    // it opens (a daily sample usually gets a new session). The OS caches are warmed once first, so both
    // sides start from the same state; then each runs in fresh sessions, alternating.
    const warmup = await monitorSession(config);
    const probed = await probeServer(warmup);
    const everything = await collectStorageSample(warmup, { facts: probed });
    // The other databases are sized on their own cadence (hourly by default): most samples carry them.
    const carried = everything.databases
      .filter((d) => d.name !== 'bench_storage')
      .map((d) => ({ ...d, sizedAt: new Date() }));
    const coldOptions = {
      facts: probed,
      otherDatabases: carried,
      slowDiskFacts: slowDiskFactsOf(everything.diskFacts!),
    };
    await warmup.query(BARE);
    await warmup.end();
    const cold = { sample: [] as number[], bare: [] as number[] };
    for (let i = 0; i < 3; i++) {
      const a = await monitorSession(config);
      cold.sample.push((await time(() => collectStorageSample(a, coldOptions)))[0]);
      await a.end();
      const b = await monitorSession(config);
      cold.bare.push((await time(() => b.query(BARE)))[0]);
      await b.end();
    }

    // Warm: the same session, alternating, several times. The steady state is what most samples are: the
    // pool keeps the server's facts, the other databases, the upkeep figures and the slow disk facts (each
    // hourly by default) are carried.
    const session = await monitorSession(config);
    const cost = await costMeter(session);
    const facts = await probeServer(session);
    const first = await collectStorageSample(session, { facts });
    const slow = slowDiskFactsOf(first.diskFacts!);
    const steadyOptions = {
      facts,
      otherDatabases: carried,
      slowDiskFacts: slow,
      upkeep: { readAt: first.takenAt },
    };
    const relationsWith = (upkeep: boolean) =>
      relationsSql({
        versionNum: 180000,
        timescale: 'none',
        canSize: true,
        limit: false,
        outside: true,
        upkeep,
      });
    const relations = relationsWith(false);
    const relationRows = (await session.query({ text: relations, values: [[], 50_000], rowMode: 'array' }))
      .rows as RelationRowArray[];
    await session.query(BARE);
    const arrays =
      (text: string, values: unknown[] = []) =>
      () =>
        session.query({ text, values, rowMode: 'array' as const });
    const parts: Array<[string, () => Promise<unknown>]> = [
      ['server facts (probe; the pool keeps them)', arrays(serverFactsSql)],
      ['context + lock check', arrays(`${contextSql};${locksSql}`)],
      ['relation statement, rows sent and parsed here', arrays(relations, [[], 50_000])],
      ['  the same with the upkeep figures (when due)', arrays(relationsWith(true), [[], 50_000])],
      ['  its size functions alone, summed (no rows)', arrays(SPLIT_SIZES)],
      [
        '  its last row: what it does not look at (catalogs, sequences, temp tables)',
        arrays(outsideRelationsRowSql, [[]]),
      ],
      ['rows rolled up here (no I/O)', async () => rollUp(rollUpInput(relationRows))],
      ['other databases (pg_database_size, when due)', arrays(otherDatabasesSql)],
      ['disk facts, fast ones (WAL, slots, ages)', () => collectDiskFacts(session, { facts, slow })],
      [
        `  oldest ${DEFAULT_DISK_TOP} tables (slow cadence now; carried here)`,
        arrays(oldestTablesSql(DEFAULT_DISK_TOP)),
      ],
    ];
    const load = loadavg();
    const t = { steady: [] as Cost[], due: [] as Cost[], bare: [] as Cost[] };
    const partCost = new Map(parts.map(([name]) => [name, [] as Cost[]]));
    let last: Awaited<ReturnType<typeof collectStorageSample>> | undefined;
    let dueTrips = 0;
    for (let i = 0; i < RUNS; i++) {
      const [steady, sample] = await cost(() => collectStorageSample(session, steadyOptions));
      t.steady.push(steady);
      last = sample;
      t.bare.push((await cost(() => session.query(BARE)))[0]);
      const [due, dueSample] = await cost(() => collectStorageSample(session));
      t.due.push(due);
      dueTrips = dueSample.roundTrips;
      for (const [name, run] of parts) partCost.get(name)!.push((await cost(run))[0]);
    }
    const bare = medianCost(t.bare);
    const show = (c: Cost) =>
      `wall ${ms(c.wall)} = ${ratio(c.wall, bare.wall)}, server CPU ${ms(c.server)} = ${ratio(c.server, bare.server)}` +
      `, node CPU ${ms(c.node)}`;
    console.log(
      `${RUNS} runs alternating in one session, medians; load average ${load.map((l) => l.toFixed(2)).join(' ')} ` +
        `at the start, ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')} at the end (2 shared cores: wall time is noisy, ` +
        "the server's CPU time of its backend is the steadier measure)",
    );
    console.log(
      `bare sum(pg_total_relation_size), 1 round trip: wall ${ms(bare.wall)}, server CPU ${ms(bare.server)}`,
    );
    console.log(
      `steady-state sample (target 1.2x): ${show(medianCost(t.steady))}; ${last?.relations.length.toLocaleString('en-US')} ` +
        `relations, ${last?.roundTrips} round trips, current database ${last?.database.from}; server facts kept by the ` +
        'pool, other databases, upkeep figures and slow disk facts (oldest tables, bloat, index findings, ' +
        'tablespaces) carried',
    );
    console.log(
      `sample with everything due (server facts probed, other databases sized, upkeep figures and slow disk facts read): ` +
        `${show(medianCost(t.due))}, ${dueTrips} round trips`,
    );
    console.log('per part, each alone in the same session (median):');
    for (const [name] of parts) console.log(`  ${name}: ${show(medianCost(partCost.get(name)!))}`);
    console.log(
      `cold (first statement of a new session, median of 3): steady-state sample ${ms(median(cold.sample))}, ` +
        `bare ${ms(median(cold.bare))} (${(median(cold.sample) / median(cold.bare)).toFixed(2)}x)`,
    );
    const disk = await diskFactsBench(session, runAsAdmin(config));
    await session.end();

    for (const line of disk) console.log(line);
  } finally {
    await server.stop();
  }
}

const runAsAdmin = (config: pg.ClientConfig) => async (sql: string) => {
  const client = new pg.Client(config);
  await client.connect();
  await client.query(sql);
  await client.end();
};

/**
 * The disk facts (WAL, slots, ages, bloat, index usage, temp files,
 * tablespaces) on the same server, each statement alone and the whole read as
 * the sample takes it, median of RUNS; after 500 indexes that duplicate a
 * primary key were added (so index findings have something to find) and an
 * inactive slot retains WAL.
 */
async function diskFactsBench(session: pg.Client, run: (sql: string) => Promise<void>): Promise<string[]> {
  await run(`DO $$ BEGIN FOR i IN 1..500 LOOP
    EXECUTE format('CREATE INDEX t_%s_dup ON public.t_%s (id)', i, i); END LOOP; END $$`);
  await run(`SELECT pg_create_physical_replication_slot('bench_slot', true)`);
  await run('ANALYZE');
  const top = DEFAULT_DISK_TOP;
  const statements: Array<[string, string]> = [
    [`oldest ${top} tables`, oldestTablesSql(top)],
    ['tables left out of the bloat estimate (rights)', unreadableTablesSql],
    [`bloat estimate, top ${top} tables + ${top} indexes`, bloatSql(top)],
    [`index findings, top ${top} per kind`, indexFindingsSql(top)],
    ['tablespaces', tablespacesSql],
  ];
  const times = new Map(statements.map(([name]) => [name, [] as number[]]));
  const whole: number[] = [];
  const fast: number[] = [];
  let facts: Awaited<ReturnType<typeof collectDiskFacts>> | undefined;
  let fastTrips = 0;
  const probed = await probeServer(session);
  await collectDiskFacts(session, { facts: probed });
  for (let i = 0; i < RUNS; i++) {
    for (const [name, sql] of statements) times.get(name)!.push((await time(() => session.query(sql)))[0]);
    const [wholeMs, outcome] = await time(() => collectDiskFacts(session, { facts: probed }));
    whole.push(wholeMs);
    facts = outcome;
    const [fastMs, fastOutcome] = await time(() =>
      collectDiskFacts(session, { facts: probed, slow: slowDiskFactsOf(outcome.facts) }),
    );
    fast.push(fastMs);
    fastTrips = fastOutcome.roundTrips;
  }
  await run(`SELECT pg_drop_replication_slot('bench_slot')`);
  const f = facts!.facts;
  return [
    `disk facts, read as the sample reads them: ${ms(median(whole))} median of ${RUNS}, ${facts!.roundTrips} round trips ` +
      `(${f.slots.length} slots, ${f.databases.length} databases, ${f.indexes.length} index findings, ` +
      `${f.bloat.length} bloat rows, ${f.tablespaces.length} tablespaces)`,
    `disk facts with the slow ones (oldest tables, bloat, index findings, tablespaces) carried: ${ms(median(fast))} median, ` +
      `${fastTrips} round trips`,
    ...statements.map(([name]) => `  slow: ${name}: ${ms(median(times.get(name)!))}`),
  ];
}

async function timescaleBench(): Promise<void> {
  console.log(
    `\n== Storage sample: TimescaleDB 2.23 (PGlite, WebAssembly), a hypertable of ${CHUNKS} chunks`,
  );
  const server = await startTimescale();
  try {
    const client = new pg.Client({ ...server.info, ssl: false });
    client.on('error', () => {});
    await client.connect();
    const [buildMs] = await time(async () => {
      await client.query('SET search_path = public');
      await client.query('CREATE TABLE readings (t timestamptz NOT NULL, device int, value float8)');
      await client.query(
        `SELECT create_hypertable('readings', 't', chunk_time_interval => interval '1 hour')`,
      );
      // one chunk per hour: rows every 10 minutes over CHUNKS hours
      await client.query(
        `INSERT INTO readings
         SELECT t, (extract(epoch FROM t)::int / 600) % 4, random()
         FROM generate_series('2024-01-01'::timestamptz, '2024-01-01'::timestamptz + interval '${CHUNKS} hours' - interval '10 minutes',
                              interval '10 minutes') t`,
      );
      await client.query(
        `ALTER TABLE readings SET (timescaledb.compress, timescaledb.compress_segmentby = 'device')`,
      );
      await client.query(
        `SELECT count(compress_chunk(ch)) FROM (SELECT ch FROM show_chunks('readings') ch ORDER BY 1 LIMIT ${CHUNKS / 2}) s`,
      );
      await client.query('ANALYZE readings');
    });
    const chunks = (await client.query<{ n: string }>(`SELECT count(*) AS n FROM show_chunks('readings')`))
      .rows[0]?.n;
    console.log(`built in ${ms(buildMs)}: ${chunks} chunks, ${CHUNKS / 2} compressed`);
    await client.query(sessionSetupSql('monitor', { statementTimeoutMs: 60_000 }));

    const samples: number[] = [];
    const detailed: number[] = [];
    let last: Awaited<ReturnType<typeof collectStorageSample>> | undefined;
    for (let i = 0; i < 3; i++) {
      const [sampleMs, sample] = await time(() => collectStorageSample(client));
      samples.push(sampleMs);
      last = sample;
      detailed.push(
        (
          await time(() => client.query(`SELECT * FROM public.hypertable_detailed_size('public.readings')`))
        )[0],
      );
    }
    await client.end();
    const ht = last?.relations.find((r) => r.name === 'readings');
    console.log(
      `full sample: ${ms(median(samples))} median of 3 (${last?.relations.length} relations, ${last?.roundTrips} round trips); ` +
        `hypertable_detailed_size alone: ${ms(median(detailed))}`,
    );
    console.log(
      `  readings: ${ht?.children} chunks, ${ht?.compressedChildren} compressed, ${ht?.totalBytes} bytes ` +
        `(${ht?.beforeCompressionBytes} before / ${ht?.afterCompressionBytes} after compression)`,
    );
  } finally {
    await server.stop();
  }
}

export async function run(): Promise<void> {
  await postgresBench();
  await timescaleBench();
}
