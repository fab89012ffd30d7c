/**
 * History format benchmark (issue 12): bytes on disk per relation-sample for a
 * 2,000-relation server sampled 100 times every 15 minutes, with 10 % and 30 %
 * of the relations changing (goal <= 12 B at 10 %), and the 90-day file for
 * 20 servers x 2,000 relations at 15 minutes (goal <= 2 GB).
 *
 * Change model (stated, not hidden): a fixed "hot" share of the relations is
 * written to between every two samples (sizes, row estimate and dead tuples
 * change, autovacuum runs every ~20 samples); the others are idle (same
 * figures). Bytes are the SQLite file's growth (main file + WAL after a
 * checkpoint), so free pages and B-tree fill count too.
 */
import type { CollectedRelation, CollectedSample } from '../src/main/collector/types';
import { benchSample, benchStore, checkpoint, fileBytes, median } from './support';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const RELATIONS = 2_000;
const SAMPLES = 100;
const EVERY = 15 * MINUTE;
const SERVERS = 20;
const start = Date.UTC(2026, 0, 1, 0, 0, 0);

/** One relation at sample `n`: hot relations grow a little every sample, idle ones stay put. */
function relation(i: number, n: number, hot: boolean): CollectedRelation {
  const writes = hot ? n : 0;
  const base = 8192 * (20 + ((i * 7919) % 5000));
  const heap = base + writes * 8192 * (1 + (i % 5));
  const index = Math.floor(base / 4) + writes * 8192;
  const partitionOf = i % 50 !== 0 && i % 50 < 12 ? i - (i % 50) : null;
  return {
    schema: 'public',
    name: partitionOf === null ? `table_${i}` : `events_${partitionOf}_p${i % 50}`,
    kind: partitionOf === null ? (i % 50 === 0 ? 'partitioned' : 'table') : 'partition',
    parent: partitionOf === null ? null : { schema: 'public', name: `table_${partitionOf}` },
    measured: true,
    notMeasured: null,
    heapBytes: heap,
    toastBytes: i % 3 === 0 ? 8192 : 0,
    indexBytes: index,
    totalBytes: heap + (i % 3 === 0 ? 8192 : 0) + index,
    rowEstimate: Math.floor(heap / 100),
    deadTuples: hot ? (n * 37 + i) % 5000 : i % 40,
    lastVacuum: new Date(start - DAY + (hot ? Math.floor(n / 20) * 20 * EVERY : 0)).toISOString(),
    lastAnalyze: new Date(start - DAY + (hot ? Math.floor(n / 20) * 20 * EVERY : 0)).toISOString(),
    children: i % 50 === 0 ? 11 : null,
    compressedChildren: null,
    beforeCompressionBytes: null,
    afterCompressionBytes: null,
  };
}

/** Sample number `n` (its own count of writes) taken at `at`; `hotShare` of the relations are hot. */
function sampleAt(at: number, n: number, hotShare: number, count = RELATIONS): CollectedSample {
  const everyNth = Math.round(1 / hotShare);
  const relations = Array.from({ length: count }, (_, i) => relation(i, n, i % everyNth === 0));
  const total = relations.reduce((sum, r) => sum + (r.kind === 'partition' ? 0 : (r.totalBytes ?? 0)), 0);
  return benchSample(at, relations, total, 300);
}

const gb = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(2)} GiB`;

/** Stores the given sample times for one profile in a fresh file; returns the file growth and time taken. */
function build(
  times: number[],
  hotShare: number,
  count = RELATIONS,
): { bytes: number; ms: number; perSampleMs: number[] } {
  const store = benchStore(times.at(-1)!);
  const { dir, db, history } = store;
  try {
    const id = store.addProfile('Bench');
    checkpoint(db);
    const before = fileBytes(dir);
    const perSampleMs: number[] = [];
    times.forEach((at, n) => {
      const sample = sampleAt(at, n, hotShare, count);
      const started = performance.now();
      history.saveSample(id, sample);
      perSampleMs.push(performance.now() - started);
    });
    const ms = perSampleMs.reduce((a, b) => a + b, 0);
    checkpoint(db);
    return { bytes: fileBytes(dir) - before, ms, perSampleMs };
  } finally {
    store.close();
  }
}

/** The sample times a 90-day history keeps under the default tiers (15 min for 7 days, hourly to 30, daily after). */
function tieredTimes(end: number): number[] {
  const times: number[] = [];
  for (let t = end - 90 * DAY + DAY; t <= end; t += EVERY) {
    const age = end - t;
    const step = age < 7 * DAY ? EVERY : age < 30 * DAY ? HOUR : DAY;
    if (t % step === 0 || t === end) times.push(t);
  }
  return times;
}

export async function run(): Promise<void> {
  console.log(
    `\nHistory format: ${RELATIONS.toLocaleString('en')} relations, ${SAMPLES} samples every 15 minutes ` +
      '(hot share of relations changes every sample; file growth per relation-sample)',
  );
  const times = Array.from({ length: SAMPLES }, (_, n) => start + n * EVERY);
  const perSample: Record<number, number> = {};
  for (const share of [0.1, 0.3]) {
    const { bytes, ms } = build(times, share);
    perSample[share] = bytes / (RELATIONS * SAMPLES);
    const verdict =
      share === 0.1 ? (perSample[share]! <= 12 ? '  OK (goal <= 12 B)' : '  OVER GOAL (12 B)') : '';
    console.log(
      `  ${String(share * 100).padStart(2)} % changing: ${perSample[share]!.toFixed(1).padStart(6)} B per relation-sample` +
        `  (file +${(bytes / 1024 / 1024).toFixed(1)} MB, ${(ms / SAMPLES).toFixed(1)} ms per sample)${verdict}`,
    );
  }

  // The write itself (saveSample: one transaction), the first sample (every relation new) left out.
  const writeMs = (count: number, samples: number) =>
    median(build(times.slice(0, samples), 0.1, count).perSampleMs.slice(1)).toFixed(1);
  console.log(
    `  sample write (SQLite, one transaction, 10 % changing), median per sample: 2,000 relations ${writeMs(2_000, 40)} ms, ` +
      `12,000 relations ${writeMs(12_000, 20)} ms`,
  );

  const raw90 = (SERVERS * RELATIONS * (90 * DAY)) / EVERY;
  console.log(
    `  90 days, ${SERVERS} x ${RELATIONS.toLocaleString('en')} relations every 15 min, every sample kept: ` +
      `${gb(raw90 * perSample[0.1]!)} at 10 %, ${gb(raw90 * perSample[0.3]!)} at 30 %`,
  );
  const tiered = tieredTimes(start + 90 * DAY);
  const kept = build(tiered, 0.1);
  const projected = kept.bytes * SERVERS;
  console.log(
    `  90 days after downsampling (${tiered.length} samples kept per server, written as the tiers leave them, ` +
      `10 %): ${gb(projected)} for ${SERVERS} servers${projected <= 2 * 1024 ** 3 ? '  OK (goal <= 2 GB)' : '  OVER GOAL (2 GB)'}`,
  );
}
