/**
 * Local history benchmark (issue 3): 90 days of hourly samples for 1,000
 * relations (> 2 million size rows read back; 10 % of the relations change
 * every sample, so the compact format stores about 216,000 runs) in a temp SQLite file; the time and the
 * bytes sent to the renderer for a 90-day chart of the database and of one
 * relation (targets: < 50 ms and < 64 kB each); the time and file growth to
 * store one 10,000-relation sample. Prints figures; asserts nothing.
 */

import type { CollectedRelation, CollectedSample } from '../src/main/collector/types';
import { ProfilePurge } from '../src/main/history/profile-purge';
import { benchSample, benchStore, checkpoint, fileBytes, median, timed } from './support';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const DAYS = 90;
const RELATIONS = 1_000;
const BIG_SAMPLE = 10_000;
const RUNS = 21;

const now = Date.UTC(2026, 5, 1, 12, 0, 0);

function relation(i: number, bytes: number): CollectedRelation {
  // Every 100th relation is a hypertable; the next 9 are its chunks (rolled up, as the collector sends them).
  const base = i - (i % 10);
  const isChunk = i % 100 !== 0 && i % 100 < 10;
  const parent = isChunk ? { schema: 'public', name: `metrics_${base}` } : null;
  return {
    schema: isChunk ? '_timescaledb_internal' : 'public',
    name: isChunk ? `_hyper_${base}_${i}_chunk` : i % 100 === 0 ? `metrics_${i}` : `table_${i}`,
    kind: isChunk ? 'chunk' : i % 100 === 0 ? 'hypertable' : 'table',
    parent,
    measured: true,
    notMeasured: null,
    heapBytes: Math.floor(bytes * 0.7),
    toastBytes: Math.floor(bytes * 0.05),
    indexBytes: bytes - Math.floor(bytes * 0.7) - Math.floor(bytes * 0.05),
    totalBytes: bytes,
    rowEstimate: Math.floor(bytes / 120),
    deadTuples: i % 50,
    lastVacuum: new Date(now - (i % 7) * DAY).toISOString(),
    lastAnalyze: new Date(now - (i % 5) * DAY).toISOString(),
    children: i % 100 === 0 ? 9 : null,
    compressedChildren: i % 100 === 0 ? 6 : null,
    beforeCompressionBytes: i % 100 === 0 ? bytes * 4 : null,
    afterCompressionBytes: i % 100 === 0 ? bytes : null,
  };
}

/** Every 10th relation is written to between every two samples (new figures each hour); the others stay put. */
const isHot = (i: number) => i % 10 === 0;

function sampleAt(at: number, count: number, hour: number): CollectedSample {
  const relations = Array.from({ length: count }, (_, i) =>
    relation(i, 8192 * (10 + i) + (isHot(i) ? hour * (i % 13) * 4096 + ((hour * 7919 + i) % 1000) : 0)),
  );
  const total = relations.reduce((sum, r) => sum + (r.totalBytes ?? 0), 0);
  return benchSample(at, relations, total, 250);
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
const msf = (ms: number) => `${ms.toFixed(2)} ms`;

function chart(label: string, call: () => unknown, target?: { ms: number; bytes: number }) {
  const first = timed(call);
  const runs = Array.from({ length: RUNS }, () => timed(call).ms);
  const bytes = Buffer.byteLength(JSON.stringify(first.value));
  const points = (first.value as { points?: unknown[] }).points?.length;
  const verdict = target ? (median(runs) < target.ms && bytes < target.bytes ? 'OK' : 'OVER TARGET') : '';
  console.log(
    `  ${label.padEnd(44)} median ${msf(median(runs)).padStart(10)}  first ${msf(first.ms).padStart(10)}  ` +
      `${kb(bytes).padStart(9)}${points === undefined ? '' : `  ${String(points).padStart(4)} points`}  ${verdict}`,
  );
}

export async function run(): Promise<void> {
  const store = benchStore(now);
  const { dir, db, history } = store;
  try {
    const profile = (name: string) => store.addProfile(name);

    console.log(`\nLocal history: ${DAYS} days of hourly samples, ${RELATIONS} relations`);
    const p = profile('Bench');
    const hours = DAYS * 24;
    const build = timed(() => {
      for (let day = 0; day < DAYS; day++) {
        db.transaction(() => {
          for (let h = day * 24; h < (day + 1) * 24 + (day === DAYS - 1 ? 1 : 0); h++) {
            history.saveSample(p, sampleAt(now - (hours - h) * HOUR, RELATIONS, h));
          }
        })();
      }
    });
    checkpoint(db);
    // The size rows the samples hold (what relation_sizes reads back), without reading 2 million of them.
    const rows = db.prepare('SELECT sum(relation_count) FROM samples').pluck().get() as number;
    const samples = db.prepare('SELECT count(*) FROM samples').pluck().get() as number;
    console.log(
      `  built ${samples} samples, ${rows.toLocaleString('en')} relation_sizes rows in ${(build.ms / 1000).toFixed(1)} s ` +
        `(${Math.round(rows / (build.ms / 1000)).toLocaleString('en')} rows/s via saveSample); file ${mb(fileBytes(dir))}`,
    );

    const overview = history.overview(p);
    // A hot table: a new value in every one of its 2,160 samples, the chart's worst case.
    const one = overview.relations.find((r) => r.kind === 'table' && r.name === 'table_990')!;
    const target = { ms: 50, bytes: 64 * 1024 };
    console.log('  Charts (JSON bytes = what crosses to the renderer):');
    chart('90-day chart, database total', () => history.series(p, undefined, '90d'), target);
    chart(`90-day chart, one relation (${one.name})`, () => history.series(p, one.relationId, '90d'), target);
    chart('24-hour chart, one relation', () => history.series(p, one.relationId, '24h'));
    chart('all-time chart, database total', () => history.series(p, undefined, 'all'));
    console.log('  Other Storage-page reads:');
    chart(`overview (${overview.relations.length} rows + 7-day growth)`, () => history.overview(p));
    chart('top growers, 7 days, 10 rows', () => history.topGrowers(p, '7d', 10));
    chart('growth rate + forecast, database', () => history.growth(p));

    console.log(
      `\nStoring one ${BIG_SAMPLE.toLocaleString('en')}-relation sample (saveSample, one transaction)`,
    );
    const q = profile('Big');
    for (const [label, at, h] of [
      ['first sample (10,000 new relation rows)', now - HOUR, 0],
      ['next sample (relations known)', now, 1],
    ] as const) {
      const big = sampleAt(at, BIG_SAMPLE, h);
      checkpoint(db);
      const before = fileBytes(dir);
      const saved = timed(() => history.saveSample(q, big));
      checkpoint(db);
      const growth = fileBytes(dir) - before;
      console.log(
        `  ${label.padEnd(44)} ${msf(saved.ms).padStart(10)}  file +${mb(growth)} (${Math.round(growth / BIG_SAMPLE)} B/relation)`,
      );
    }

    console.log('\nRetention: prune to 60 days (about 720,000 size rows)');
    history.settings.update({ sampleRetentionDays: 60, heartbeatRetentionDays: 60 });
    const batchMs: number[] = [];
    let started = performance.now();
    const pruned = await history.prune(new Date(now), {
      pause: async () => {
        batchMs.push(performance.now() - started);
        await new Promise<void>((resolve) => setImmediate(resolve));
        started = performance.now();
      },
    });
    batchMs.push(performance.now() - started);
    const sorted = [...batchMs].sort((a, b) => a - b);
    console.log(
      `  deleted ${pruned.samples} samples, ${pruned.relationSizes.toLocaleString('en')} size rows in ${pruned.batches} ` +
        `batches of <= 10,000 rows, ${(batchMs.reduce((a, b) => a + b, 0) / 1000).toFixed(1)} s in all; ` +
        `per batch (the longest the UI waits): median ${msf(median(batchMs))}, ` +
        `p95 ${msf(sorted[Math.floor(sorted.length * 0.95)]!)}, max ${msf(sorted.at(-1)!)}`,
    );

    console.log(
      '\nDeleting the profile but keeping its history (archive: one UPDATE, no row of history touched)',
    );
    const archiveBegan = performance.now();
    store.profiles.archive(p);
    console.log(`  archived in ${msf(performance.now() - archiveBegan)}`);

    console.log('\nDeleting the profile: its whole history in batches (ProfilePurge, 5,000 rows each)');
    const began = performance.now();
    const purged = await new ProfilePurge(db).purge(p);
    console.log(
      `  ${purged.rows.toLocaleString('en')} rows in ${purged.batches} batches, ` +
        `${((performance.now() - began) / 1000).toFixed(1)} s in all; longest batch ${msf(purged.longestBatchMs)}`,
    );
  } finally {
    store.close();
  }
}
