import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventMessage } from '../../shared/contract';
import type {
  Migration,
  MigrationSettingsInput,
  MigrationState,
  PreflightReport,
  ValidationReport,
} from '../../shared/migration';
import type { Tidemark } from '../app';
import {
  CliFailure,
  type CliIo,
  type CliValues,
  type CommandGroup,
  call,
  profileByName,
  table,
} from './common';

/**
 * `tidemark migrate …`: the wizard's engine from a terminal, through the same
 * router as the UI. `run` stays in the foreground and prints progress; Ctrl-C
 * stops at the next safe point and `run` again resumes from the journal.
 */

const usage = `  migrate check PROFILE [SCHEMA.]TABLE --time COL --target timescaledb|partitions [settings]
                                         the pre-flight report (changes nothing)
  migrate plan PROFILE [SCHEMA.]TABLE --time COL --target … [settings]
                                         pre-flight, then save the plan; prints its id
      settings: --accept-composite-key --free BYTES --interval I --compress-after I|none
                --segment-by A,B --batch-rows N --offline --keep-days N --retention I
                --drop-foreign-keys --swap-confirm
  migrate run ID                         run (or resume) in the foreground, with progress
  migrate swap ID                        swap now (plans made with --swap-confirm)
  migrate status [ID] [--json]           all migrations, or one with its steps
  migrate validate ID [--json]           the validation checklist
  migrate rollback ID                    put the original table back (before cleanup)
  migrate cancel ID                      before the swap: remove what the migration created
  migrate cleanup ID [--confirm TABLE]   drop the old table (TABLE typed to do it before the keep period)
  migrate export ID [--out FILE]         the plan as a psql script`;

const BUSY: MigrationState[] = ['running', 'cancelling', 'rolling_back', 'cleaning_up'];

/** `schema.table`, `table` (public), or quoted parts: `"My Schema"."Trade.Log"`; unquoted parts fold to lower case, as in SQL. */
export function parseTableName(text: string): { schema: string; table: string } {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        current += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else current += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === '.') {
      parts.push(current);
      current = '';
    } else current += ch.toLowerCase();
  }
  parts.push(current);
  if (quoted || parts.length > 2 || parts.some((p) => p === '')) {
    throw new CliFailure(
      `"${text}" is not a table name. Write it as schema.table, with double quotes around names that need them.`,
    );
  }
  return parts.length === 2
    ? { schema: parts[0]!, table: parts[1]! }
    : { schema: 'public', table: parts[0]! };
}

function bytes(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|tb|kib|mib|gib|tib)?\s*$/i.exec(text);
  if (!m) throw new CliFailure(`--free "${text}" is not a size. Use e.g. 500GB or 1.5TB.`);
  const unit = (m[2] ?? 'b').toLowerCase().replace('i', '');
  const power = { b: 0, kb: 1, mb: 2, gb: 3, tb: 4 }[unit] ?? 0;
  return Math.round(Number(m[1]) * 1024 ** power);
}

function integer(name: string, value: CliValues[string]): number | undefined {
  if (typeof value !== 'string') return undefined;
  if (!/^\d+$/.test(value)) throw new CliFailure(`--${name} must be a whole number.`);
  return Number(value);
}

function settingsFrom(values: CliValues): MigrationSettingsInput {
  const s: MigrationSettingsInput = {};
  const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  if (values['accept-composite-key']) s.acceptCompositeKey = true;
  if (values['drop-foreign-keys']) s.dropUnsupportedForeignKeys = true;
  if (values.offline) s.syncMode = 'offline';
  if (values['swap-confirm']) s.swap = { mode: 'confirm' };
  if (str('free')) s.confirmedFreeBytes = bytes(str('free')!);
  if (str('interval')) s.interval = str('interval')!;
  if (str('compress-after'))
    s.compressAfter = str('compress-after') === 'none' ? null : str('compress-after')!;
  if (str('retention')) s.retention = str('retention')!;
  if (str('segment-by') !== undefined)
    s.segmentBy = str('segment-by')!
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean);
  const batch = integer('batch-rows', values['batch-rows']);
  if (batch !== undefined) s.batchRows = batch;
  const keep = integer('keep-days', values['keep-days']);
  if (keep !== undefined) s.keepOldDays = keep;
  return s;
}

async function choice(app: Tidemark, args: string[], values: CliValues, verb: string) {
  const [profileName, tableName] = args;
  const target = values.target;
  if (
    !profileName ||
    !tableName ||
    typeof values.time !== 'string' ||
    (target !== 'timescaledb' && target !== 'partitions')
  ) {
    throw new CliFailure(
      `migrate ${verb} needs: PROFILE [SCHEMA.]TABLE --time COLUMN --target timescaledb|partitions`,
    );
  }
  const profile = await profileByName(app, profileName);
  return {
    profileId: profile.id,
    ...parseTableName(tableName),
    timeColumn: values.time,
    target,
    settings: settingsFrom(values),
  } as const;
}

const mark = { pass: 'ok  ', warning: 'WARN', blocking: 'STOP', warn: 'WARN', fail: 'FAIL' } as const;

function printReport(report: PreflightReport, io: CliIo): void {
  const t = report.table;
  io.out(
    `${t.schema}.${t.table} → ${report.target === 'timescaledb' ? 'TimescaleDB hypertable' : 'native partitions'} on ${report.timeColumn}`,
  );
  for (const item of report.items) {
    io.out(`${mark[item.status]}  ${item.title}: ${item.reason}`);
    if (item.fix && item.status !== 'pass') io.out(`        fix: ${item.fix}`);
    if (item.sql && item.status !== 'pass') io.out(`        sql: ${item.sql}`);
  }
  const d = report.settings;
  io.out(
    `Settings: interval ${d.interval}, compress after ${d.compressAfter ?? 'never'}, segment by ${d.segmentBy.join(', ') || '(none)'}, ` +
      `batches of ${d.batchRows} rows, sync ${d.syncMode}, keep the old table ${d.keepOldDays} days.`,
  );
}

function printValidation(report: ValidationReport, io: CliIo): void {
  for (const c of report.checks) io.out(`${mark[c.status]}  ${c.title}: ${c.details}`);
  io.out(report.ok ? 'Validation passed.' : 'Validation FAILED: do not clean up; investigate or roll back.');
}

function printMigration(m: Migration, io: CliIo): void {
  io.out(
    `${m.id}  ${m.schema}.${m.table} → ${m.target}  ${m.state}${m.keepUntil ? `  (old table kept until ${m.keepUntil})` : ''}`,
  );
  for (const s of m.steps) {
    if (s.state === 'pending' && ['cleanup', 'rollback', 'rollback-drop', 'cancel'].includes(s.key)) continue;
    const extra = [s.rows !== null ? `${s.rows} rows` : '', s.error ?? ''].filter(Boolean).join('; ');
    io.out(`  ${s.phase} ${s.state.padEnd(7)} ${s.title}${extra ? ` — ${extra}` : ''}`);
  }
  if (m.swap?.lockHeldMs != null)
    io.out(`Swap: lock held ${Math.round(m.swap.lockHeldMs)} ms after ${m.swap.attempts.length} tries.`);
  if (m.error) io.out(`Error: ${m.error.message}`);
}

/** Waits for the background work, printing progress; resolves with the final state. */
async function follow(app: Tidemark, id: string, io: CliIo): Promise<Migration> {
  let lastStep: string | null = null;
  let lastTenth = -1;
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
    io.err('Stopping at the next safe point; run `tidemark migrate run ID` to resume.');
  };
  process.once('SIGINT', onSigint);
  const unsubscribe = app.events.subscribe((message: EventMessage) => {
    if (message.event === 'migration:progress' && message.payload.migrationId === id) {
      const p = message.payload;
      if (p.step !== lastStep) {
        lastStep = p.step;
        io.out(`${p.phase ?? ' '} ${p.stepTitle ?? p.step ?? ''}`);
      }
      if (p.step === 'copy' && p.rowsTotal > 0) {
        const tenth = Math.floor((10 * p.rowsCopied) / p.rowsTotal);
        if (tenth !== lastTenth) {
          lastTenth = tenth;
          const eta = p.etaSeconds != null ? `, about ${Math.ceil(p.etaSeconds)} s left` : '';
          io.out(
            `  ${p.rowsCopied} / ~${Math.round(p.rowsTotal)} rows${p.rate ? ` at ${Math.round(p.rate)} rows/s` : ''}${eta}`,
          );
        }
      }
      if (p.message) io.out(`  ${p.message}`);
    }
    if (
      message.event === 'migration:swapAttempt' &&
      message.payload.migrationId === id &&
      message.payload.attempt.outcome !== 'swapped'
    ) {
      for (const b of message.payload.attempt.blockers.filter((x) => x.granted)) {
        io.out(
          `    blocked by pid ${b.pid} (${b.user ?? '?'}, ${b.application ?? '?'}, ${b.state ?? '?'}): ${(b.query ?? '').slice(0, 120)}`,
        );
      }
    }
  });
  try {
    for (;;) {
      const m = await call(app, 'migration:get', { id });
      if (!BUSY.includes(m.state) || interrupted) return m;
      await sleep(200);
    }
  } finally {
    unsubscribe();
    process.off('SIGINT', onSigint);
  }
}

async function finish(app: Tidemark, id: string, io: CliIo, ok: MigrationState[]): Promise<void> {
  const m = await follow(app, id, io);
  printMigration(m, io);
  if (m.validation && ok.includes('swapped')) printValidation(m.validation, io);
  if (!ok.includes(m.state)) throw new CliFailure('');
}

async function run(app: Tidemark, args: string[], values: CliValues, io: CliIo): Promise<void> {
  const [verb, ...rest] = args;
  const id = rest[0];
  const needId = () => {
    if (!id) throw new CliFailure(`migrate ${verb} needs a migration id (see: tidemark migrate status).`);
    return id;
  };
  switch (verb) {
    case 'check': {
      const report = await call(app, 'migration:preflight', await choice(app, rest, values, 'check'));
      if (values.json) return io.out(JSON.stringify(report, null, 2));
      printReport(report, io);
      if (report.blocked) throw new CliFailure('The pre-flight found blocking items (STOP above).');
      return;
    }
    case 'plan': {
      const request = await choice(app, rest, values, 'plan');
      const report = await call(app, 'migration:preflight', request);
      printReport(report, io);
      if (report.blocked)
        throw new CliFailure(
          'Not planned: fix the STOP items above (or accept them with the settings shown).',
        );
      const m = await call(app, 'migration:create', request);
      if (values.json) return io.out(JSON.stringify(m, null, 2));
      io.out(
        `Planned ${m.id}. See every statement with: tidemark migrate export ${m.id}; start with: tidemark migrate run ${m.id}`,
      );
      return;
    }
    case 'run':
      await call(app, 'migration:run', { id: needId() });
      return finish(app, needId(), io, ['swapped', 'ready_to_swap']);
    case 'swap':
      await call(app, 'migration:swap', { id: needId() });
      return finish(app, needId(), io, ['swapped']);
    case 'rollback':
      await call(app, 'migration:rollback', { id: needId() });
      return finish(app, needId(), io, ['rolled_back', 'cancelled']);
    case 'cancel':
      await call(app, 'migration:cancel', { id: needId() });
      return finish(app, needId(), io, ['cancelled']);
    case 'cleanup': {
      const confirm = typeof values.confirm === 'string' ? values.confirm : undefined;
      await call(app, 'migration:cleanup', {
        id: needId(),
        ...(confirm !== undefined ? { confirmTableName: confirm } : {}),
      });
      return finish(app, needId(), io, ['cleaned_up']);
    }
    case 'validate': {
      const report = await call(app, 'migration:validate', { id: needId() });
      if (values.json) return io.out(JSON.stringify(report, null, 2));
      printValidation(report, io);
      if (!report.ok) throw new CliFailure('');
      return;
    }
    case 'export': {
      const { fileName, script } = await call(app, 'migration:export', { id: needId() });
      if (values.out === undefined) return io.out(script);
      const file = resolve(typeof values.out === 'string' && values.out ? values.out : fileName);
      writeFileSync(file, script);
      io.out(`Wrote ${file}. Run it with: psql -X -d <database> -f ${file}`);
      return;
    }
    case 'status': {
      if (id) {
        const m = await call(app, 'migration:get', { id });
        if (values.json) return io.out(JSON.stringify(m, null, 2));
        return printMigration(m, io);
      }
      const list = await call(app, 'migration:list', {});
      if (values.json) return io.out(JSON.stringify(list, null, 2));
      if (list.length === 0)
        return io.out(
          'No migrations yet. Plan one with: tidemark migrate plan PROFILE TABLE --time COL --target …',
        );
      const profiles = await call(app, 'profiles:list', {});
      const rows = [['ID', 'PROFILE', 'TABLE', 'TARGET', 'STATE', 'UPDATED']];
      for (const m of list) {
        const profile = profiles.find((p) => p.id === m.profileId)?.name ?? m.profileId;
        rows.push([m.id, profile, `${m.schema}.${m.table}`, m.target, m.state, m.updatedAt]);
      }
      for (const line of table(rows)) io.out(line);
      return;
    }
    default:
      throw new CliFailure(`Usage:\n${usage}`);
  }
}

export const migrateCommands: CommandGroup = { usage, run };

/** The options the migrate commands read (added to the CLI's parser). */
export const migrateOptions = {
  time: { type: 'string' },
  target: { type: 'string' },
  'accept-composite-key': { type: 'boolean' },
  'drop-foreign-keys': { type: 'boolean' },
  offline: { type: 'boolean' },
  'swap-confirm': { type: 'boolean' },
  free: { type: 'string' },
  interval: { type: 'string' },
  'compress-after': { type: 'string' },
  retention: { type: 'string' },
  'segment-by': { type: 'string' },
  'batch-rows': { type: 'string' },
  'keep-days': { type: 'string' },
  confirm: { type: 'string' },
  out: { type: 'string' },
} as const;
