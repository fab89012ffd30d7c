/**
 * What the Storage page costs with 50,000 relations (issue 12): the whole
 * `storage:overview` (every top-level relation, sorted in the renderer)
 * against the first window of `storage:relations` (sorted and cut in main).
 * Bytes are the JSON that crosses to the renderer; times are main's work.
 * Prints figures; asserts nothing.
 */
import { rmSync } from 'node:fs';
import { relationPageRequestSchema } from '../src/shared/storage';
import { DAY_MS, MiB, rel, rig, sample, T0 } from '../test/support/history-fixtures';
import { median, timed } from './support';

const RELATIONS = 50_000;
const RUNS = 5;

const kB = (n: number) => `${(n / 1000).toFixed(1)} kB`;

function measure(label: string, fn: () => unknown): void {
  const runs: number[] = [];
  let bytes = 0;
  for (let i = 0; i < RUNS; i++) {
    const { ms, value } = timed(() => JSON.stringify(fn()));
    runs.push(ms);
    bytes = Buffer.byteLength(value);
  }
  console.log(
    `  ${label.padEnd(52)} ${`${median(runs).toFixed(1)} ms`.padStart(10)}  ${kB(bytes).padStart(10)}`,
  );
}

export async function run(): Promise<void> {
  console.log(`\n== Storage page: ${RELATIONS.toLocaleString('en-US')} relations, two samples 7 days apart`);
  const r = rig();
  try {
    const p = r.addProfile();
    const relations = (grow: number) =>
      Array.from({ length: RELATIONS }, (_, i) => rel(`public.t_${i}`, (i % 977) * MiB + grow * (i % 13)));
    const built = timed(() => {
      r.history.saveSample(p, sample(T0 - 7 * DAY_MS, relations(0)));
      r.history.saveSample(p, sample(T0, relations(4096)));
    });
    console.log(
      `  built in ${built.ms.toFixed(0)} ms (median of ${RUNS} below: main's time incl. JSON, bytes sent)`,
    );
    measure('before: storage:overview (every relation)', () => r.history.overview(p));
    measure('after: storage:overview without relations', () => r.history.overview(p, { relations: false }));
    const page = (q: object) => () => r.history.relationPage(p, relationPageRequestSchema.parse(q));
    measure('after: first screen, 100 rows by total', page({ limit: 100 }));
    measure('after: first screen, 100 rows by name', page({ sort: { key: 'name', dir: 'asc' }, limit: 100 }));
    measure(
      'after: first screen, 100 rows by growth',
      page({ sort: { key: 'growth', dir: 'desc' }, limit: 100 }),
    );
    measure('after: a window deep in the list (offset 40,000)', page({ offset: 40_000, limit: 100 }));
    measure('after: a search ("t_4999"), 100 rows', page({ search: 't_4999', limit: 100 }));
  } finally {
    r.db.close();
    rmSync(r.dir, { recursive: true, force: true });
  }
}
