import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventMessage } from '../../shared/contract';
import { displayName } from '../../shared/ident';
import type {
  Migration,
  MigrationState,
  PreflightReport,
  TimescalePolicy,
  ValidationReport,
} from '../../shared/migration';
import { busyStates, type MigrationActionName, refusal } from '../../shared/migration-actions';
import { shellWord } from '../../shared/plain-text';
import type { Tidemark } from '../app';
import {
  CliFailure,
  type CliIo,
  type CliValues,
  type CommandGroup,
  call,
  inFlagTerms,
  print,
  printFormatted,
  profileByName,
  table,
  UsageError,
} from './common';
import { flagOf, settingsFrom, withFlagNames } from './migrate-settings';
import { terminalSafe } from './output';

/**
 * `tidemark migrate …`: the wizard's engine from a terminal, through the same
 * router as the UI. `run` stays in the foreground and prints progress; Ctrl-C
 * pauses at the next safe point and `run` again resumes from the journal.
 */

const usage = `  migrate check PROFILE [SCHEMA.]TABLE --time COL --target timescaledb|partitions [settings]
                                         the pre-flight report (changes nothing)
  migrate plan PROFILE [SCHEMA.]TABLE --time COL --target … [settings]
                                         pre-flight, then save the plan; prints its id
      settings: --accept-composite-key --free BYTES --interval I --compress-after I|none
                --segment-by A,B --batch-rows N --offline --keep-days N --retention I
                --batch-seconds S (batches of N rows grow to take about S s; 0: all N rows)
                --drop-foreign-keys --swap-confirm --copy-sessions N --build-sessions N
                --pg-partman (native partitions: hand the table to pg_partman's create_parent)
  migrate run ID                         run (or resume) in the foreground, with progress (Ctrl-C pauses)
  migrate swap ID                        swap now (plans made with --swap-confirm)
  migrate status [ID]                    all migrations, or one with its steps
  migrate validate ID                    the validation checklist
  migrate rollback ID                    put the original table back (before cleanup)
  migrate cancel ID                      before the swap: remove what the migration created
  migrate cleanup ID [--confirm OLD_TABLE]  drop the old table (its name typed to do it before the keep period)
  migrate export ID [--out FILE]         the plan as a psql script`;

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
    throw new UsageError(
      `"${text}" is not a table name. Write it as schema.table, with double quotes around names that need them.`,
    );
  }
  return parts.length === 2
    ? { schema: parts[0]!, table: parts[1]! }
    : { schema: 'public', table: parts[0]! };
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
    throw new UsageError(
      `migrate ${verb} needs: PROFILE [SCHEMA.]TABLE --time COLUMN --target timescaledb|partitions`,
    );
  }
  // What the command line says is checked before anything is looked up.
  const name = parseTableName(tableName);
  const settings = settingsFrom(values);
  const profile = await profileByName(app, profileName);
  return { profileId: profile.id, ...name, timeColumn: values.time, target, settings } as const;
}

const mark = { pass: 'ok  ', warning: 'WARN', blocking: 'STOP', warn: 'WARN', fail: 'FAIL' } as const;

function* reportLines(report: PreflightReport): Iterable<string> {
  const t = report.table;
  yield `${displayName(t.schema, t.table)} → ${report.target === 'timescaledb' ? 'TimescaleDB hypertable' : 'native partitions'} on ${report.timeColumn}`;
  for (const item of report.items) {
    yield `${mark[item.status]}  ${item.title}: ${withFlagNames(item.reason)}`;
    if (item.fix && item.status !== 'pass') yield `        fix: ${withFlagNames(item.fix)}`;
    // One line per line of the SQL, each indented: a line break inside a quoted name stays under "sql:".
    if (item.sql && item.status !== 'pass')
      for (const [i, line] of item.sql.split('\n').entries())
        yield `${i === 0 ? '        sql: ' : '             '}${line}`;
  }
  const d = report.settings;
  yield `Settings: interval ${d.interval}, compress after ${d.compressAfter ?? 'never'}, segment by ${d.segmentBy.join(', ') || '(none)'}, ` +
    `batches of ${d.batchRows} rows${d.batchSeconds ? `, growing to about ${d.batchSeconds} s each` : ''}, sync ${d.syncMode}, keep the old table ${d.keepOldDays} days, ` +
    `${d.copySessions} copy and ${d.buildSessions} build session(s).`;
}

function blockedBy(report: PreflightReport): string {
  return report.items
    .filter((i) => i.status === 'blocking')
    .map((i) => i.title)
    .join('; ');
}

function* validationLines(report: ValidationReport): Iterable<string> {
  for (const c of report.checks) yield `${mark[c.status]}  ${c.title}: ${c.details}`;
  yield report.ok ? 'Validation passed.' : 'Validation FAILED: do not clean up; investigate or roll back.';
}

function* migrationLines(m: Migration): Iterable<string> {
  yield `${m.id}  ${displayName(m.schema, m.table)} → ${m.target}  ${m.state}${m.keepUntil ? `  (old table kept until ${m.keepUntil})` : ''}`;
  for (const s of m.steps) {
    if (s.state === 'pending' && ['cleanup', 'rollback', 'rollback-drop', 'cancel'].includes(s.key)) continue;
    const extra = [s.rows !== null ? `${s.rows} rows` : '', s.error ?? ''].filter(Boolean).join('; ');
    yield `  ${s.phase} ${s.state.padEnd(7)} ${s.title}${extra ? ` — ${extra}` : ''}`;
  }
  if (m.swap?.lockHeldMs != null)
    yield `Swap: lock held ${Math.round(m.swap.lockHeldMs)} ms after ${m.swap.attempts.length} tries.`;
  if (m.error) yield `Error: ${m.error.message}`;
}

/** The hypertable's retention and compression policies, with when TimescaleDB runs them next. */
function* policyLines(policies: TimescalePolicy[]): Iterable<string> {
  for (const p of policies) {
    const next = p.scheduled ? `next run ${p.nextStart ?? 'not planned yet'}` : 'paused';
    const every = p.scheduleInterval ? `, every ${p.scheduleInterval}` : '';
    const last = p.lastRunStatus ? `; last run ${p.lastRunStatus} at ${p.lastRunStartedAt ?? '?'}` : '';
    yield `Policy ${p.procName} (job ${p.jobId}): ${next}${every}${last}${p.config ? `; ${p.config}` : ''}.`;
  }
}

/**
 * Waits for the background work, printing progress (not with --json). Ctrl-C
 * pauses a run at its next safe point and waits for it; other work is stopped
 * at a safe point when the app closes. A second Ctrl-C quits at once.
 */
async function follow(
  app: Tidemark,
  id: string,
  io: CliIo,
  quiet: boolean,
): Promise<{ migration: Migration; interrupted: boolean }> {
  let lastStep: string | null = null;
  let lastTenth = -1;
  let interrupted = false;
  // Progress carries names and other sessions' query texts (a blocker's): through the terminal writer.
  const say = (line: string) => {
    if (!quiet) io.out(terminalSafe(line));
  };
  const onSigint = () => {
    interrupted = true;
    if (!quiet) io.err('Stopping at the next safe point…');
    // Refused unless a run is going on: then closing the app stops the work instead.
    void app.router.dispatch('migration:pause', { id }, 'cli');
  };
  process.once('SIGINT', onSigint);
  const unsubscribe = app.events.subscribe((message: EventMessage) => {
    if (message.event === 'migration:progress' && message.payload.migrationId === id) {
      const p = message.payload;
      if (p.step !== lastStep) {
        lastStep = p.step;
        say(`${p.phase ?? ' '} ${p.stepTitle ?? p.step ?? ''}`);
      }
      if (p.step === 'copy' && p.rowsTotal > 0) {
        const tenth = Math.floor((10 * p.rowsCopied) / p.rowsTotal);
        if (tenth !== lastTenth) {
          lastTenth = tenth;
          const eta = p.etaSeconds != null ? `, about ${Math.ceil(p.etaSeconds)} s left` : '';
          say(
            `  ${p.rowsCopied} / ~${Math.round(p.rowsTotal)} rows${p.rate ? ` at ${Math.round(p.rate)} rows/s` : ''}${eta}`,
          );
        }
      }
      if (p.message) say(`  ${p.message}`);
    }
    if (
      message.event === 'migration:swapAttempted' &&
      message.payload.migrationId === id &&
      message.payload.attempt.outcome !== 'swapped'
    ) {
      for (const b of message.payload.attempt.blockers.filter((x) => x.granted)) {
        say(
          `    blocked by pid ${b.pid} (${b.user ?? '?'}, ${b.application ?? '?'}, ${b.state ?? '?'}): ${(b.query ?? '').slice(0, 120)}`,
        );
      }
    }
  });
  try {
    for (;;) {
      const migration = await call(app, 'migration:get', { id });
      const pausing = interrupted && migration.state === 'running';
      if (!busyStates.includes(migration.state) || (interrupted && !pausing))
        return { migration, interrupted };
      await sleep(200);
    }
  } finally {
    unsubscribe();
    process.off('SIGINT', onSigint);
  }
}

/** Follows `migrate VERB ID` to its end, prints the migration, and fails unless it ended in one of `ok`. */
async function finish(
  app: Tidemark,
  verb: string,
  id: string,
  io: CliIo,
  values: CliValues,
  ok: MigrationState[],
): Promise<void> {
  const { migration: m, interrupted } = await follow(app, id, io, Boolean(values.json));
  print(io, values, m, function* (migration) {
    yield* migrationLines(migration);
    if (migration.validation && ok.includes('swapped')) yield* validationLines(migration.validation);
  });
  if (interrupted) {
    throw new CliFailure(
      `Interrupted: migration ${m.id} is ${m.state}. Continue with: tidemark migrate ${verb} ${m.id}`,
      'interrupted',
    );
  }
  if (!ok.includes(m.state)) {
    throw new CliFailure(
      `Migration ${m.id} is now ${m.state} (expected ${ok.join(' or ')})${m.error ? `: ${m.error.message}` : '.'}`,
      'migration_failed',
    );
  }
}

/** Refuses (exit 1) what main says cannot be done now, before asking for it: `run` starts or resumes. */
async function refuseUnlessAllowed(app: Tidemark, id: string, action: MigrationActionName): Promise<void> {
  const m = await call(app, 'migration:get', { id });
  const asked = action === 'run' && m.allowedActions.includes('resume') ? 'resume' : action;
  const why = refusal(m, asked);
  if (why) throw new CliFailure(why, 'conflict');
}

async function run(app: Tidemark, args: string[], values: CliValues, io: CliIo): Promise<void> {
  const [verb, ...rest] = args;
  const id = rest[0];
  const needId = () => {
    if (!id) throw new UsageError(`migrate ${verb} needs a migration id (see: tidemark migrate status).`);
    return id;
  };
  switch (verb) {
    case 'check': {
      const report = await call(app, 'migration:preflight', await choice(app, rest, values, 'check'));
      print(io, values, report, reportLines);
      if (report.blocked)
        throw new CliFailure(
          `The pre-flight found blocking items: ${blockedBy(report)}.`,
          'preflight_blocked',
        );
      return;
    }
    case 'plan': {
      const request = await choice(app, rest, values, 'plan');
      const preflight = await call(app, 'migration:preflight', request);
      const migration = preflight.blocked ? null : await call(app, 'migration:create', request);
      print(io, values, { preflight, migration }, function* (planned) {
        yield* reportLines(planned.preflight);
        if (planned.migration) {
          const planId = planned.migration.id;
          yield `Planned ${planId}. See every statement with: tidemark migrate export ${planId}; start with: tidemark migrate run ${planId}`;
        }
      });
      if (!migration)
        throw new CliFailure(
          `Not planned: the pre-flight found blocking items (${blockedBy(preflight)}). Fix them, or accept them with the flags shown.`,
          'preflight_blocked',
        );
      return;
    }
    case 'run':
      await refuseUnlessAllowed(app, needId(), 'run');
      await call(app, 'migration:run', { id: needId() });
      return finish(app, verb, needId(), io, values, ['swapped', 'ready_to_swap']);
    case 'swap':
      await refuseUnlessAllowed(app, needId(), 'swap');
      await call(app, 'migration:swap', { id: needId() });
      return finish(app, verb, needId(), io, values, ['swapped']);
    case 'rollback':
      await refuseUnlessAllowed(app, needId(), 'rollback');
      await call(app, 'migration:rollback', { id: needId() });
      return finish(app, verb, needId(), io, values, ['rolled_back', 'cancelled']);
    case 'cancel':
      await refuseUnlessAllowed(app, needId(), 'cancel');
      await call(app, 'migration:cancel', { id: needId() });
      return finish(app, verb, needId(), io, values, ['cancelled']);
    case 'cleanup': {
      const confirm = typeof values.confirm === 'string' ? values.confirm : undefined;
      await refuseUnlessAllowed(app, needId(), 'cleanup');
      await call(app, 'migration:cleanup', {
        id: needId(),
        ...(confirm !== undefined ? { confirmTableName: confirm } : {}),
      });
      return finish(app, verb, needId(), io, values, ['cleaned_up']);
    }
    case 'validate': {
      await refuseUnlessAllowed(app, needId(), 'validate');
      const report = await call(app, 'migration:validate', { id: needId() });
      print(io, values, report, validationLines);
      if (!report.ok)
        throw new CliFailure(
          `Validation of ${id} failed: ${report.checks
            .filter((c) => c.status === 'fail')
            .map((c) => c.title)
            .join('; ')}.`,
          'validation_failed',
        );
      return;
    }
    case 'export': {
      const { fileName, script } = await call(app, 'migration:export', { id: needId() });
      if (values.out === undefined)
        return printFormatted(io, values, { fileName, script }, (e) => [e.script]);
      const file = resolve(typeof values.out === 'string' && values.out ? values.out : fileName);
      writeFileSync(file, script);
      return print(io, values, { file }, (e) => [
        `Wrote ${e.file}. Run it with: psql -X -d <database> -f ${shellWord(e.file)}`,
      ]);
    }
    case 'status': {
      if (id) {
        const m = await call(app, 'migration:get', { id });
        const policies = await call(app, 'migration:listPolicies', { id });
        return print(io, values, { ...m, policies }, function* (shown) {
          yield* migrationLines(shown);
          yield* policyLines(shown.policies);
        });
      }
      const list = await call(app, 'migration:list', {});
      const profiles = await call(app, 'profiles:list', {});
      return print(io, values, list, (migrations) => {
        if (migrations.length === 0)
          return [
            'No migrations yet. Plan one with: tidemark migrate plan PROFILE TABLE --time COL --target …',
          ];
        const rows = [['ID', 'PROFILE', 'TABLE', 'TARGET', 'STATE', 'UPDATED']];
        for (const m of migrations) {
          const profile = profiles.find((p) => p.id === m.profileId)?.name ?? m.profileId;
          rows.push([m.id, profile, displayName(m.schema, m.table), m.target, m.state, m.updatedAt]);
        }
        return table(rows);
      });
    }
    default:
      throw new UsageError(
        verb ? `Unknown migrate command "${verb}".` : 'migrate needs a command.',
        `Usage:\n${usage}`,
      );
  }
}

export const migrateCommands: CommandGroup = {
  usage,
  run: async (app, args, values, io) => {
    try {
      await run(app, args, values, io);
    } catch (err) {
      throw inFlagTerms(err, flagOf, withFlagNames);
    }
  },
};
