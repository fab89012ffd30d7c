/**
 * `npm run bench [storage|history|history-format|overview|migration|fleet]`: runs the benchmark modules in
 * turn and prints their figures. Nothing is asserted: timings belong here,
 * never in tests.
 */

import { keepExitCode } from '../test/support/keep-exit-code';
import { run as fleet } from './fleet.bench';
import { run as history } from './history.bench';
import { run as historyFormat } from './history-format.bench';
import { run as migration } from './migration.bench';
import { run as overview } from './overview.bench';
import { run as storage } from './storage.bench';

const benches: Array<[string, () => Promise<void>]> = [
  ['storage', storage],
  ['history', history],
  ['history-format', historyFormat],
  ['overview', overview],
  ['migration', migration],
  ['fleet', fleet],
];

async function main() {
  keepExitCode();
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
