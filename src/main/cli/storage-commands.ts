import { formatBytes } from '../../shared/bytes';
import { csvLine } from '../../shared/csv';
import { displayName } from '../../shared/ident';
import type { Tidemark } from '../app';
import type { LoggedSize } from '../history/sample-log';
import {
  type CliIo,
  type CliValues,
  type CommandGroup,
  call,
  print,
  printFormatted,
  profileByName,
  table,
  UsageError,
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
    throw new UsageError(`--since "${text}" is not understood. Use e.g. 7d, 12h or 2026-11-01.`);
  }
  if (at > now) throw new UsageError(`--since ${text} is in the future; nothing to show yet.`);
  return at;
}

async function sample(app: Tidemark, name: string | undefined, values: CliValues, io: CliIo) {
  if (!name) throw new UsageError('sample needs a profile name: tidemark sample NAME');
  const profile = await profileByName(app, name);
  const result = await call(app, 'storage:sampleNow', { profileId: profile.id });
  const { latest } = await call(app, 'storage:getOverview', { profileId: profile.id });
  const database = latest ? { name: latest.databaseName, bytes: latest.databaseBytes } : null;
  print(io, values, { profile: profile.name, ...result, database }, function* (s) {
    const rolledUp =
      s.topLevelCount === s.relationCount ? '' : ` (${s.topLevelCount} with partitions and chunks rolled up)`;
    yield `Sampled "${s.profile}" at ${s.takenAt}: ${s.relationCount} relations${rolledUp} in ${s.durationMs} ms.`;
    if (s.database)
      yield `Database ${s.database.name}: ${formatBytes(s.database.bytes)} (${s.database.bytes} bytes)`;
    for (const gap of s.gaps) yield `Note: ${gap}`;
  });
}

function* csvLines(rows: LoggedSize[], ofRelation: boolean): Iterable<string> {
  yield ofRelation
    ? 'taken_at,total_bytes,heap_bytes,toast_bytes,index_bytes,not_measured'
    : 'taken_at,database_bytes';
  for (const r of rows) {
    const cells = ofRelation
      ? [r.takenAt.toISOString(), r.totalBytes, r.heapBytes, r.toastBytes, r.indexBytes, r.notMeasured]
      : [r.takenAt.toISOString(), r.totalBytes];
    yield csvLine(cells);
  }
}

function* historyTable(rows: LoggedSize[], subject: string, since: Date): Iterable<string> {
  if (rows.length === 0) {
    yield `No samples of the ${subject} since ${since.toISOString()}.`;
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
  yield `History of the ${subject} since ${since.toISOString()}:`;
  yield* table(lines);
}

async function history(app: Tidemark, name: string | undefined, values: CliValues, io: CliIo) {
  if (!name)
    throw new UsageError(
      'history needs a profile name: tidemark history NAME [--relation R] [--since 7d] [--csv]',
    );
  if (values.csv && values.json) throw new UsageError('Use --csv or --json, not both.');
  const since = parseSince(typeof values.since === 'string' ? values.since : '30d', new Date());
  const profile = await profileByName(app, name);
  const log = app.monitoring.history.log;
  const relation = typeof values.relation === 'string' ? log.findRelation(profile.id, values.relation) : null;
  const rows: LoggedSize[] = relation ? log.relation(relation.id, since) : log.database(profile.id, since);
  const relationName = relation ? displayName(relation.schema, relation.name) : null;
  const samples = rows.map((r) =>
    relation
      ? { ...r, takenAt: r.takenAt.toISOString() }
      : { takenAt: r.takenAt.toISOString(), databaseBytes: r.totalBytes },
  );
  const json = { profile: profile.name, relation: relationName, since: since.toISOString(), samples };
  if (values.csv) printFormatted(io, values, json, () => csvLines(rows, relation !== null));
  else
    print(io, values, json, () => historyTable(rows, relationName ?? `database of "${profile.name}"`, since));
}

export const sampleCommands: CommandGroup = {
  usage: '  sample NAME                            take a storage sample now',
  run: (app, [name], values, io) => sample(app, name, values, io),
};

export const historyCommands: CommandGroup = {
  usage:
    '  history NAME [--relation R] [--since 7d|DATE] [--csv]\n' +
    '                                         stored sizes of the database, or of one relation',
  run: (app, [name], values, io) => history(app, name, values, io),
};
