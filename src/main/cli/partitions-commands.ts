import { DEFAULT_ROWS_COUNTED_UP_TO, type UpkeepReport } from '../../shared/partition-upkeep';
import { type CommandGroup, call, print, profileByName, UsageError } from './common';

const usage =
  '  partitions maintain NAME [TABLE]       partition upkeep now for tables moved to native partitions\n' +
  '                                         (partitions ahead, rows out of DEFAULT, retention)';

export function* reportLines(reports: UpkeepReport[], profile: string): Iterable<string> {
  if (reports.length === 0) {
    yield `No table of "${profile}" was moved to native partitions by Tidemark: nothing to maintain.`;
    return;
  }
  for (const r of reports) {
    if (r.skipped) {
      yield `${r.table}: skipped. ${r.skipped}`;
      continue;
    }
    const made = r.created.length > 0 ? `made ${r.created.join(', ')}` : 'no partition to make';
    const moved = r.movedRows > 0 ? `; moved ${r.movedRows} row(s) out of the DEFAULT partition` : '';
    const detached = r.detached.length > 0 ? `; detached ${r.detached.join(', ')} (past the retention)` : '';
    const ahead =
      r.ahead === null ? 'no row yet to count partitions ahead from' : `${r.ahead} partition(s) ahead`;
    yield `${r.table}: ${made}${moved}${detached}. ${ahead}.`;
    if (r.defaultRows > 0) {
      // The count stops at its limit: past it, "at least".
      const count = `${r.defaultRows >= DEFAULT_ROWS_COUNTED_UP_TO ? 'At least ' : ''}${r.defaultRows.toLocaleString('en-US')}`;
      yield `  ${count} row(s) remain in the DEFAULT partition (a NULL time, or a range no partition could be made for).`;
    }
  }
}

export const partitionCommands: CommandGroup = {
  usage,
  run: async (app, [verb, name, table], values, io) => {
    if (verb !== 'maintain') throw new UsageError(`Unknown partitions command "${verb ?? ''}".`, usage);
    if (!name)
      throw new UsageError(
        'partitions maintain needs a profile name: tidemark partitions maintain NAME [TABLE]',
      );
    const profile = await profileByName(app, name);
    const reports = await call(app, 'partitions:maintain', {
      profileId: profile.id,
      ...(table === undefined ? {} : { table }),
    });
    print(io, values, reports, (r) => reportLines(r, profile.name));
  },
};
