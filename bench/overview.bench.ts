/**
 * What the Storage page costs with 50,000 relations (issue 12): the whole
 * `storage:getOverview` (every top-level relation, sorted in the renderer)
 * against the first window of `storage:listRelations` (sorted and cut in main).
 * The first screen is what the page asks for when it opens: the overview
 * without relations and the table's first block of rows (goal < 100 ms,
 * < 100 kB); the top-growers card beside it is measured on its own line.
 * Bytes are the JSON that crosses to the renderer; times are main's work.
 * Prints figures; asserts nothing.
 */
import { rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { type RelationPageRequest, relationPageRequestSchema, relationSortKeys } from '../src/shared/storage';
import { rig } from '../test/support/history-fixtures';
import { buildHeavyHistory } from './heavy-history';
import { median, timed } from './support';

const RELATIONS = 50_000;
const RUNS = 5;
/** Rows the relations table asks for at once (WINDOW_BLOCK in src/renderer/stores/relation-window.ts). */
const FIRST_BLOCK = 200;

const kB = (n: number) => `${(n / 1000).toFixed(1)} kB`;

/** Main's time for the calls together (each answer as JSON), median of RUNS, and the bytes they send. */
function measure(label: string, ...calls: Array<() => unknown>): { ms: number; bytes: number } {
  const runs: number[] = [];
  let bytes = 0;
  for (let i = 0; i < RUNS; i++) {
    const { ms, value } = timed(() => calls.map((fn) => JSON.stringify(fn())));
    runs.push(ms);
    bytes = value.reduce((sum, json) => sum + Buffer.byteLength(json), 0);
  }
  const ms = median(runs);
  console.log(`  ${label.padEnd(52)} ${`${ms.toFixed(1)} ms`.padStart(10)}  ${kB(bytes).padStart(10)}`);
  return { ms, bytes };
}

export async function run(): Promise<void> {
  const r = rig();
  try {
    const p = r.addProfile();
    const built = timed(() => buildHeavyHistory(r.db, p, RELATIONS));
    const h = built.value;
    console.log(
      `\n== Storage page: ${RELATIONS.toLocaleString('en-US')} relations (+ ${h.partitions} partitions, ` +
        `${h.gone} gone), 90 days of history: ${h.samples} samples as the tiers keep them, ` +
        `${h.runs.toLocaleString('en-US')} runs`,
    );
    console.log(
      `  built in ${(built.ms / 1000).toFixed(1)} s; median of ${RUNS} runs below: main's time incl. JSON, bytes sent`,
    );
    measure('before issue 12: storage:overview (every relation)', () => r.history.overview(p));
    const livePage = relationPageRequestSchema.parse({
      sort: { key: 'growth', dir: 'desc' },
      limit: FIRST_BLOCK,
    });
    measure('live query (until rebuilt): by growth desc', () => r.history.relationPage(p, livePage));
    measure('live query (until rebuilt): top growers 7d', () => r.history.topGrowers(p, '7d', 10));
    // The background rebuild after a sample: its chunks, each one transaction, with IPC served between.
    const chunks: number[] = [];
    let mark = performance.now();
    const started = mark;
    await r.history.refreshLatestRelations(async () => {
      chunks.push(performance.now() - mark);
      await new Promise<void>((resolve) => setImmediate(resolve));
      mark = performance.now();
    });
    // Main's turns between the pauses (the first is only the deferred start), and the last one after them.
    chunks.shift();
    chunks.push(performance.now() - mark);
    console.log(
      `  latest relations rebuilt in the background: ${((performance.now() - started) / 1000).toFixed(1)} s ` +
        `in ${chunks.length} turns of main, median ${median(chunks).toFixed(0)} ms, longest ` +
        `${Math.max(...chunks).toFixed(0)} ms (the longest a request from the UI waits)`,
    );
    const overview = () => r.history.overview(p, { relations: false });
    const page = (q: RelationPageRequest) => () =>
      r.history.relationPage(p, relationPageRequestSchema.parse(q));
    const first = measure(
      `first screen: overview + first ${FIRST_BLOCK} rows by total`,
      overview,
      page({ limit: FIRST_BLOCK }),
    );
    console.log(
      `  first screen ${first.ms < 100 && first.bytes < 100_000 ? 'OK' : 'OVER GOAL'} (goal < 100 ms, < 100 kB)`,
    );
    const slow: string[] = [];
    const check = (label: string, ...calls: Array<() => unknown>) => {
      const m = measure(label, ...calls);
      if (m.ms >= 100 || m.bytes >= 100_000) slow.push(label);
    };
    for (const key of relationSortKeys) {
      for (const dir of ['desc', 'asc'] as const) {
        check(`first ${FIRST_BLOCK} rows by ${key} ${dir}`, page({ sort: { key, dir }, limit: FIRST_BLOCK }));
      }
    }
    const middle = RELATIONS / 2;
    for (const key of ['total', 'name', 'growth'] as const) {
      check(
        `middle window by ${key} (offset ${middle.toLocaleString('en-US')}, the slowest)`,
        page({ sort: { key, dir: 'desc' }, offset: middle, limit: FIRST_BLOCK }),
      );
    }
    const last = RELATIONS - FIRST_BLOCK;
    for (const key of ['total', 'name', 'growth'] as const) {
      check(
        `last window by ${key} (offset ${last.toLocaleString('en-US')})`,
        page({ sort: { key, dir: 'desc' }, offset: last, limit: FIRST_BLOCK }),
      );
    }
    check('search "t_4999" (partitions too)', page({ search: 't_4999', limit: FIRST_BLOCK }));
    check('search "_1" (most rows match)', page({ search: '_1', limit: FIRST_BLOCK }));
    check(
      'search "_1", by growth',
      page({ search: '_1', sort: { key: 'growth', dir: 'desc' }, limit: FIRST_BLOCK }),
    );
    check('kind filter: partitioned', page({ kind: 'partitioned', limit: FIRST_BLOCK }));
    check(
      'kind filter: table, by growth',
      page({ kind: 'table', sort: { key: 'growth', dir: 'desc' }, limit: FIRST_BLOCK }),
    );
    check('children of a partitioned table', () => r.history.children(p, 1));
    for (const range of ['24h', '7d', '30d', '90d'] as const) {
      check(`top growers over ${range} (10 rows)`, () => r.history.topGrowers(p, range, 10));
    }
    console.log(
      `  ${slow.length === 0 ? 'every operation within the goal' : `OVER GOAL: ${slow.join('; ')}`}`,
    );
    console.log(
      `  load average at the end: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(', ')} (${cpus().length} cores)`,
    );
  } finally {
    r.db.close();
    rmSync(r.dir, { recursive: true, force: true });
  }
}
