import { formatBytes } from '../../shared/bytes';
import {
  type DiskFactsView,
  type SLOW_DISK_FACTS,
  scanCountingText,
  WRAPAROUND_AGE,
  wraparoundPct,
} from '../../shared/disk-facts';
import { displayName } from '../../shared/ident';
import type { StorageOverview } from '../../shared/storage';
import type { Tidemark } from '../app';
import {
  CliFailure,
  type CliIo,
  type CliValues,
  type CommandGroup,
  call,
  print,
  profileByName,
  table,
  UsageError,
} from './common';

const DEFAULT_TOP = 10;

function topOf(values: CliValues): number {
  if (values.top === undefined) return DEFAULT_TOP;
  const n = Number(values.top);
  if (typeof values.top !== 'string' || !/^\d+$/.test(values.top) || n < 1 || n > 1000)
    throw new UsageError(`--top ${String(values.top)} is not understood. Use a whole number from 1 to 1000.`);
  return n;
}

const size = (bytes: number | null) => (bytes === null ? 'not measured' : formatBytes(bytes));
const count = (n: number) => n.toLocaleString('en-US');
const pct = (n: number) => `${n.toFixed(n < 10 ? 2 : 1)} %`;

interface Report {
  profile: string;
  top: number;
  latest: StorageOverview['latest'];
  relations: StorageOverview['relations'];
  relationCount: number;
  disk: DiskFactsView | null;
}

function* section(title: string, rows: string[][], empty: string): Iterable<string> {
  yield '';
  yield title;
  if (rows.length <= 1) yield `  ${empty}`;
  else for (const line of table(rows)) yield `  ${line}`;
}

function* relationLines(r: Report): Iterable<string> {
  const rows = [['RELATION', 'KIND', 'TOTAL', 'HEAP', 'TOAST', 'INDEXES', 'PARTS']];
  for (const x of r.relations) {
    rows.push([
      displayName(x.schema, x.name),
      x.kind,
      size(x.totalBytes),
      size(x.heapBytes),
      size(x.toastBytes),
      size(x.indexBytes),
      x.children === null ? '' : count(x.children),
    ]);
  }
  const title = `Largest relations (${r.relations.length} of ${r.relationCount}; partitions and chunks rolled up):`;
  yield* section(title, rows, 'none');
}

function* diskLines(view: DiskFactsView): Iterable<string> {
  const f = view.facts;
  /** A slow fact carried from an earlier sample says when it was measured. */
  const measured = (key: (typeof SLOW_DISK_FACTS)[number]) => {
    const at = f.measuredAt[key];
    if (at === view.takenAt) return '';
    return at === null ? ' Not read with this sample.' : ` Measured with the sample of ${at}.`;
  };
  yield '';
  yield f.wal
    ? `WAL: pg_wal holds ${formatBytes(f.wal.bytes)} in ${count(f.wal.files)} files.`
    : 'WAL: the size of pg_wal was not read (see the notes).';
  const slots = [['SLOT', 'KIND', 'ACTIVE', 'WAL STATUS', 'RETAINS']];
  for (const s of f.slots)
    slots.push([s.name, s.kind, s.active ? 'yes' : 'no', s.walStatus ?? '', size(s.retainedBytes)]);
  yield* section('Replication slots (WAL retained since their restart_lsn):', slots, 'none');
  for (const s of f.slots) if (!s.active) yield `  fix, if "${s.name}" is abandoned: ${s.fixSql}`;

  const ages = [['DATABASE', 'XID AGE', 'OF WRAPAROUND', 'MULTIXACT AGE', 'OF WRAPAROUND']];
  for (const d of f.databases)
    ages.push([
      d.name,
      count(d.xidAge),
      pct(wraparoundPct(d.xidAge)),
      count(d.mxidAge),
      pct(wraparoundPct(d.mxidAge)),
    ]);
  yield* section(
    `Transaction-ID ages (wraparound at ${count(WRAPAROUND_AGE)}; autovacuum forces a freeze from ` +
      `${count(f.freezeMaxAge)}, multixacts from ${count(f.multixactFreezeMaxAge)}):`,
    ages,
    'none',
  );
  const oldest = [['TABLE', 'XID AGE', 'MULTIXACT AGE', 'PAGES AT LAST VACUUM', 'FIX']];
  for (const t of f.oldestTables)
    oldest.push([
      displayName(t.schema, t.name),
      count(t.xidAge),
      count(t.mxidAge),
      formatBytes(t.bytes),
      t.fixSql,
    ]);
  yield* section(`Oldest tables of the sampled database:${measured('oldestTables')}`, oldest, 'none');

  const bloat = [['KIND', 'RELATION', 'SIZE', 'EST. BLOAT', 'SHARE', 'FIX']];
  for (const b of f.bloat)
    bloat.push([
      b.kind,
      displayName(b.schema, b.name),
      formatBytes(b.bytes),
      formatBytes(b.bloatBytes),
      pct(b.bloatPct),
      b.fixSql,
    ]);
  yield* section(
    'Estimated bloat (an estimate from planner statistics, not a measurement; tables and B-tree indexes of 1 MiB or more):' +
      measured('bloat'),
    bloat,
    'none found',
  );

  const counting = scanCountingText(f.statsReset, f.measuredAt.indexes ?? view.takenAt, (iso) => iso);
  const idx = [['FINDING', 'INDEX', 'TABLE', 'SIZE', 'COVERED BY', 'FIX']];
  for (const i of f.indexes)
    idx.push([
      i.kind === 'unused' ? 'never scanned' : i.kind,
      displayName(i.schema, i.name),
      i.table,
      size(i.bytes),
      i.coveredBy ?? '',
      i.fixSql,
    ]);
  yield* section(
    `Index findings (constraint and unique indexes never named). ${counting}${measured('indexes')}`,
    idx,
    'none',
  );

  const temp = [['DATABASE', 'WRITTEN', 'FILES', 'A DAY']];
  for (const t of view.tempRates)
    temp.push([
      t.database,
      formatBytes(t.bytes),
      count(t.files),
      t.bytesPerDay === null ? '—' : formatBytes(t.bytesPerDay),
    ]);
  yield* section(`Temporary files. ${view.tempNote ?? ''}`.trim(), temp, 'nothing to compare yet');

  const spaces = [['TABLESPACE', 'LOCATION', 'SIZE', 'DEFAULT OF', 'RELATIONS HERE']];
  for (const t of f.tablespaces)
    spaces.push([
      t.name,
      t.location || '(data directory)',
      size(t.bytes),
      t.databases.join(', '),
      count(t.relations),
    ]);
  yield* section(
    `Tablespaces (relations counted in the sampled database):${measured('tablespaces')}`,
    spaces,
    'none',
  );
}

function* reportLines(r: Report): Iterable<string> {
  const latest = r.latest!;
  yield `Storage of "${r.profile}", sample taken ${latest.takenAt}: database ${latest.databaseName} ${formatBytes(latest.databaseBytes)}.`;
  const dbs = [['DATABASE', 'SIZE']];
  for (const d of latest.databases) dbs.push([d.name, formatBytes(d.bytes)]);
  yield* section('Databases on the server:', dbs, 'none sized');
  yield* relationLines(r);
  if (r.disk) {
    if (r.disk.takenAt !== latest.takenAt) {
      yield '';
      yield `Disk facts below are from the sample of ${r.disk.takenAt}.`;
    }
    yield* diskLines(r.disk);
  } else {
    yield '';
    yield 'WAL, slots, ages, bloat, index usage, temp files and tablespaces: not in this sample.';
  }
  const notes = [...latest.gaps];
  if (notes.length > 0) {
    yield '';
    for (const gap of notes) yield `Note: ${gap}`;
  }
}

/** `--exact-bloat SCHEMA.NAME`: one relation measured now with pgstattuple (the first dot splits). */
async function exactBloat(app: Tidemark, profileId: string, what: string, values: CliValues, io: CliIo) {
  const dot = what.indexOf('.');
  if (dot < 1 || dot === what.length - 1)
    throw new UsageError(
      `--exact-bloat ${what} is not understood. Name the relation as SCHEMA.NAME, e.g. public.orders.`,
    );
  const [schema, name] = [what.slice(0, dot), what.slice(dot + 1)];
  const r = await call(app, 'storage:exactBloat', { profileId, schema, name });
  print(io, values, r, function* (b) {
    yield `${b.kind === 'index' ? 'Index' : 'Table'} ${displayName(b.schema, b.name)}, measured by ${b.function}() at ${b.measuredAt} in ${b.durationMs} ms:`;
    yield `  size ${formatBytes(b.bytes)}; free space ${formatBytes(b.freeBytes)}, dead tuples ${formatBytes(b.deadBytes)}: bloat ${formatBytes(b.bloatBytes)} (${pct(b.bloatPct)}).`;
    if (b.scannedPct !== null)
      yield `  pgstattuple_approx read ${pct(b.scannedPct)} of the pages; the free space of the pages it skipped (all visible) is estimated from the free space map.`;
  });
}

async function storage(app: Tidemark, name: string | undefined, values: CliValues, io: CliIo) {
  if (!name) throw new UsageError('storage needs a profile name: tidemark storage NAME [--top N] [--json]');
  const top = topOf(values);
  const profile = await profileByName(app, name);
  if (typeof values['exact-bloat'] === 'string')
    return exactBloat(app, profile.id, values['exact-bloat'], values, io);
  const overview = await call(app, 'storage:getOverview', { profileId: profile.id });
  if (!overview.latest)
    throw new CliFailure(
      `No storage sample of "${profile.name}" yet. Take one with: tidemark sample NAME`,
      'not_found',
    );
  const disk = await call(app, 'storage:getDiskFacts', { profileId: profile.id });
  const relations = [...overview.relations]
    .sort((a, b) => (b.totalBytes ?? -1) - (a.totalBytes ?? -1))
    .slice(0, top);
  const report: Report = {
    profile: profile.name,
    top,
    latest: overview.latest,
    relations,
    relationCount: overview.relations.length,
    disk,
  };
  print(io, values, report, reportLines);
}

export const storageCommands: CommandGroup = {
  usage:
    '  storage NAME [--top N]                 the latest sample: databases, largest relations, WAL and slots,\n' +
    '                                         XID ages, bloat estimate, index findings, temp files, tablespaces\n' +
    "  storage NAME --exact-bloat SCHEMA.REL  measure one relation's bloat now with pgstattuple (when installed)",
  run: (app, [name], values, io) => storage(app, name, values, io),
};
