import { formatBytes } from '../../shared/bytes';
import { csvLine } from '../../shared/csv';
import type { Tidemark } from '../app';
import type { LoggedSize } from '../history/sample-log';
import {
  CliFailure,
  type CliIo,
  type CliValues,
  type CommandGroup,
  call,
  profileByName,
  table,
} from './common';

const DAY_MS = 86_400_000;

/** "7d", "12h", "90d", or a date/time ("2026-11-01", "2026-11-01T03:00Z"). */
export function parseSince(text: string, now: Date): Date {
  const relative = /^(\d+)\s*(d|h)$/i.exec(text.trim());
  if (relative) {
    const ms = Number(relative[1]) * (relative[2]!.toLowerCase() === 'd' ? DAY_MS : 3_600_000);
    return new Date(now.getTime() - ms);
  }
  const at = new Date(text);
  if (Number.isNaN(at.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(text)) {
    throw new CliFailure(`--since "${text}" is not understood. Use e.g. 7d, 12h or 2026-11-01.`);
  }
  if (at > now) throw new CliFailure(`--since ${text} is in the future; nothing to show yet.`);
  return at;
}

async function sample(app: Tidemark, name: string | undefined, io: CliIo) {
  if (!name) throw new CliFailure('sample needs a profile name: tidemark sample NAME');
  const profile = await profileByName(app, name);
  const result = await call(app, 'storage:sampleNow', { profileId: profile.id });
  const overview = await call(app, 'storage:overview', { profileId: profile.id });
  const latest = overview.latest;
  io.out(
    `Sampled "${profile.name}" at ${result.takenAt}: ${result.relationCount} relations in ${result.durationMs} ms.`,
  );
  if (latest)
    io.out(
      `Database ${latest.databaseName}: ${formatBytes(latest.databaseBytes)} (${latest.databaseBytes} bytes)`,
    );
  for (const gap of result.gaps) io.out(`Note: ${gap}`);
}

async function history(app: Tidemark, name: string | undefined, values: CliValues, io: CliIo) {
  if (!name)
    throw new CliFailure(
      'history needs a profile name: tidemark history NAME [--relation R] [--since 7d] [--csv]',
    );
  const profile = await profileByName(app, name);
  const since = parseSince(typeof values.since === 'string' ? values.since : '30d', new Date());
  const log = app.monitoring.history.log;
  const relation = typeof values.relation === 'string' ? log.findRelation(profile.id, values.relation) : null;
  const rows: LoggedSize[] = relation ? log.relation(relation.id, since) : log.database(profile.id, since);
  const subject = relation ? `${relation.schema}.${relation.name}` : `database of "${profile.name}"`;

  if (values.csv) {
    io.out(
      relation
        ? 'taken_at,total_bytes,heap_bytes,toast_bytes,index_bytes,not_measured'
        : 'taken_at,database_bytes',
    );
    for (const r of rows) {
      const cells = relation
        ? [r.takenAt.toISOString(), r.totalBytes, r.heapBytes, r.toastBytes, r.indexBytes, r.notMeasured]
        : [r.takenAt.toISOString(), r.totalBytes];
      io.out(csvLine(cells));
    }
    return;
  }
  if (rows.length === 0) {
    io.out(`No samples of the ${subject} since ${since.toISOString()}.`);
    return;
  }
  const lines = [['TAKEN AT (UTC)', 'SIZE', 'BYTES']];
  for (const r of rows) {
    lines.push([
      r.takenAt.toISOString().replace('.000Z', 'Z'),
      r.totalBytes === null ? 'not measured' : formatBytes(r.totalBytes),
      r.totalBytes === null ? (r.notMeasured ?? '') : String(r.totalBytes),
    ]);
  }
  io.out(`History of the ${subject} since ${since.toISOString()}:`);
  for (const line of table(lines)) io.out(line);
}

export const sampleCommands: CommandGroup = {
  usage: '  sample NAME                            take a storage sample now',
  run: (app, [name], _values, io) => sample(app, name, io),
};

export const historyCommands: CommandGroup = {
  usage:
    '  history NAME [--relation R] [--since 7d|DATE] [--csv]\n' +
    '                                         stored sizes of the database, or of one relation',
  run: (app, [name], values, io) => history(app, name, values, io),
};
