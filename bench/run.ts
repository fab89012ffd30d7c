/**
 * `npm run bench [storage|history|overview|migration]`: runs the benchmark modules in
 * turn and prints their figures. Nothing is asserted: timings belong here,
 * never in tests.
 */
import { run as history } from './history.bench';
import { run as migration } from './migration.bench';
import { run as overview } from './overview.bench';
import { run as storage } from './storage.bench';

const benches: Array<[string, () => Promise<void>]> = [
  ['storage', storage],
  ['history', history],
  ['overview', overview],
  ['migration', migration],
];

async function main() {
  const only = process.argv.slice(2);
  for (const [name, run] of benches) {
    if (only.length > 0 && !only.includes(name)) continue;
    await run();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
