import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type pg from 'pg';
import type { EventName, EventOf, ParsedRequestOf } from '../../shared/contract';
import { displayName } from '../../shared/ident';
import type {
  Migration,
  MigrationSummary,
  PreflightReport,
  TableCandidate,
  TableSummary,
  TimescalePolicy,
  ValidationReport,
} from '../../shared/migration';
import { busyStates } from '../../shared/migration-actions';
import type { UpkeepReport } from '../../shared/partition-upkeep';
import { AppError, invalidInput, notFound } from '../errors';
import type { Logger } from '../logger';
import { PoolManager, type ProfileResolver } from '../postgres/pool-manager';
import { findTableOid, listCandidates, readTable, readTimeRange, summarize, timeColumnsOf } from './catalog';
import { exportScript } from './export';
import { qi, qn } from './ident';
import { MigrationJournal, type MigrationRow } from './journal';
import { allSteps, buildPlan } from './plan';
import { buildSpec, readPlanContext } from './plan-context';
import { type Analysis, analyze, type PreflightRequest } from './preflight';
import { RunControl } from './run-control';
import { targetOf } from './targets';
import { maintainedTables, maintainPartitions } from './upkeep';
import { validate } from './validate';

/**
 * The migration engine behind the wizard, the CLI and the tests: one
 * instance per app, with its own admin pool (never more than the profile's
 * pool size — 1 works). Sessions that only look (pre-flight, describe, plan,
 * export) are READ ONLY. Long work runs in the background; requests answer
 * with the migration's state at once.
 */

export interface EventSink {
  emit<E extends EventName>(event: E, payload: EventOf<E>): void;
  subscribe?(listener: (message: { event: string; payload: unknown }) => void): () => void;
}

export interface MigrationServiceOptions {
  db: Database.Database;
  events: EventSink;
  logger: Logger;
  now?: () => Date;
  /** Profile → connection fields and password (the profile service's credentials()). */
  resolve?: ProfileResolver;
  /** A ready pool manager (tests); it must give read-write sessions. */
  pools?: PoolManager;
}

export class MigrationService {
  readonly journal: MigrationJournal;
  private readonly pools: PoolManager;
  private readonly ownsPools: boolean;
  private readonly runs: RunControl;
  private readonly now: () => Date;
  private readonly unsubscribe: (() => void) | undefined;

  constructor(private readonly options: MigrationServiceOptions) {
    this.now = options.now ?? (() => new Date());
    this.journal = new MigrationJournal(options.db, this.now);
    if (options.pools) {
      this.pools = options.pools;
      this.ownsPools = false;
    } else {
      if (!options.resolve) throw new Error('MigrationService needs a profile resolver or a pool manager');
      // A copy batch or an index build may outlast any client-side query timeout; the server's
      // statement_timeout is lifted per step instead, and keepalives notice a dead peer.
      this.pools = new PoolManager(options.resolve, options.logger, {
        purpose: 'admin',
        queryTimeoutMs: 24 * 3_600_000,
      });
      this.ownsPools = true;
    }
    this.runs = new RunControl({
      journal: this.journal,
      pools: this.pools,
      events: options.events,
      logger: options.logger,
      now: this.now,
      get: (id) => this.get(id),
      row: (id) => this.row(id),
    });
    // A profile edited or deleted: its sessions must use the new settings (never in the middle of a run).
    this.unsubscribe = options.events.subscribe?.((message) => {
      if (message.event !== 'profiles:changed') return;
      const id = (message.payload as { id: string }).id;
      const busy = this.journal.list(id).some((m) => this.runs.isWorking(m.id));
      if (!busy) void this.pools.invalidate(id);
    });
    this.recoverInterrupted();
  }

  /** Runs that were in progress when the app stopped: nothing runs them now, say so. */
  private recoverInterrupted(): void {
    for (const row of this.journal.list()) {
      if (!busyStates.includes(row.state)) continue;
      const what = {
        running: 'running',
        cancelling: 'being cancelled',
        rolling_back: 'being rolled back',
        cleaning_up: 'being cleaned up',
      }[row.state as 'running'];
      const message =
        row.state === 'running'
          ? 'Tidemark stopped while this migration was running (the app was closed or crashed). Resume to continue from the journal; nothing is copied twice.'
          : `Tidemark stopped while this migration was ${what}. Run that again to finish it.`;
      this.journal.setState(row.id, row.state === 'running' ? 'paused' : 'failed', {
        error: { step: null, message, detail: null, at: this.now().toISOString() },
      });
      this.journal.addEvent(row.id, 'interrupted', null, message, null);
    }
  }

  // ------------------------------------------------------------------ requests

  /**
   * The tables of the profile's database that could be migrated. The wizard's reads probe the
   * server again, like the pre-flight: TimescaleDB may have been created since the facts were kept.
   */
  tables(profileId: string): Promise<TableCandidate[]> {
    return this.readOnlySession(profileId, async (db) =>
      listCandidates(db, await this.pools.serverFacts(profileId, db, { refresh: true })),
    );
  }

  async preflight(req: ParsedRequestOf<'migration:preflight'>): Promise<PreflightReport> {
    return (await this.analyze(req.profileId, req)).report;
  }

  list(profileId?: string): MigrationSummary[] {
    return this.journal.list(profileId).map((row) => this.summary(row));
  }

  private session<T>(profileId: string, fn: (db: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.pools.withClient(profileId, async (client) => {
      await client.query(`SET TimeZone = 'UTC'; SET DateStyle = 'ISO, MDY'; SET IntervalStyle = 'postgres'`);
      return fn(client);
    });
  }

  /**
   * Partition upkeep after every successful storage sample: the profile's
   * sampling timer is its clock. One round per profile at a time; a failure
   * is logged and the next sample tries again.
   */
  startPartitionUpkeep(): () => void {
    const running = new Set<string>();
    return (
      this.options.events.subscribe?.((message) => {
        if (message.event !== 'storage:sampled') return;
        const { profileId, ok } = message.payload as { profileId: string; ok: boolean };
        if (!ok || running.has(profileId)) return;
        running.add(profileId);
        void this.maintainPartitions(profileId)
          .then((reports) => {
            for (const r of reports.filter(
              (x) => x.created.length + x.detached.length > 0 || x.defaultRows > 0,
            ))
              this.options.logger.info({ profileId, upkeep: r }, 'partition upkeep');
          })
          .catch((error) => this.options.logger.warn({ profileId, err: error }, 'partition upkeep failed'))
          .finally(() => running.delete(profileId));
      }) ?? (() => {})
    );
  }

  /** Partition upkeep for the profile's tables moved to native partitions (or the one named). */
  async maintainPartitions(profileId: string, table?: string): Promise<UpkeepReport[]> {
    const specs = maintainedTables(this.journal.list(profileId), table);
    if (table !== undefined && specs.length === 0)
      throw notFound(`No table named "${table}" was moved to native partitions on this profile.`);
    const reports =
      specs.length === 0
        ? []
        : await this.session(profileId, async (db) => {
            const done: UpkeepReport[] = [];
            for (const spec of specs) done.push(await maintainPartitions(db, spec, this.now()));
            return done;
          });
    // Alerts listen for this; upkeep knows nothing of them.
    this.options.events.emit('partitions:maintained', { profileId, reports, complete: table === undefined });
    return reports;
  }

  /** A session in which every transaction is READ ONLY, for work that only looks (pre-flight, describe, list). */
  private readOnlySession<T>(profileId: string, fn: (db: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.session(profileId, async (client) => {
      await client.query('SET default_transaction_read_only = on');
      try {
        return await fn(client);
      } finally {
        // A session left in a transaction is discarded by the pool; an idle one goes back read-write.
        if (client.getTransactionStatus() === 'I') await client.query('RESET default_transaction_read_only');
      }
    });
  }

  async describe(req: ParsedRequestOf<'migration:describe'>): Promise<TableSummary> {
    return this.readOnlySession(req.profileId, async (db) => {
      const server = await this.pools.serverFacts(req.profileId, db, { refresh: true });
      const info = await readTable(db, await findTableOid(db, req.schema, req.table), server);
      const columns = timeColumnsOf(info);
      const time = req.timeColumn ? columns.find((c) => c.name === req.timeColumn) : columns[0];
      if (req.timeColumn && !time) {
        throw invalidInput(
          `${qi(req.timeColumn)} is not a timestamp, date or time-like integer column of ${qn(req.schema, req.table)}.`,
          {
            timeColumn: 'Not a usable time column.',
          },
        );
      }
      return summarize(info, time ? await readTimeRange(db, info, time) : null);
    });
  }

  /** The pre-flight the DBA asked for: the server's facts are probed again (an extension created meanwhile). */
  private analyze(profileId: string, req: PreflightRequest): Promise<Analysis> {
    return this.readOnlySession(profileId, async (db) =>
      analyze(db, req, await this.pools.serverFacts(profileId, db, { refresh: true })),
    );
  }

  async create(req: ParsedRequestOf<'migration:create'>): Promise<Migration> {
    const id = randomBytes(6).toString('hex');
    const row = await this.readOnlySession(req.profileId, async (db) => {
      const analysis = await analyze(db, req, await this.pools.serverFacts(req.profileId, db));
      refuseIfBlocked(analysis);
      const { spec, ctx } = await buildSpec(db, id, req.profileId, analysis);
      return this.journal.create(spec, buildPlan(ctx), allSteps(spec));
    });
    this.options.logger.info(
      { migrationId: id, table: displayName(req.schema, req.table), target: req.target },
      'migration planned',
    );
    return this.get(row.id);
  }

  async update(id: string, settings: ParsedRequestOf<'migration:update'>['settings']): Promise<Migration> {
    const row = this.row(id);
    if (row.state !== 'planned')
      throw new AppError('conflict', 'Only a plan that has not started can take new settings.');
    const merged = {
      ...row.spec.settings,
      ...settings,
      swap: { ...row.spec.settings.swap, ...(settings.swap ?? {}) },
    };
    await this.readOnlySession(row.profileId, async (db) => {
      const analysis = await analyze(
        db,
        {
          schema: row.schema,
          table: row.table,
          timeColumn: row.timeColumn,
          target: row.target,
          settings: merged,
        },
        await this.pools.serverFacts(row.profileId, db),
      );
      refuseIfBlocked(analysis);
      const { spec, ctx } = await buildSpec(db, id, row.profileId, analysis);
      this.journal.replan(spec, buildPlan(ctx), allSteps(spec));
    });
    return this.get(id);
  }

  discard(id: string): { id: string } {
    this.runs.guard(id, 'discard');
    this.journal.delete(id);
    return { id };
  }

  private row(id: string): MigrationRow {
    const row = this.journal.get(id);
    if (!row) throw notFound(`There is no migration ${id} in this workstation's journal.`);
    return row;
  }

  private summary(row: MigrationRow): MigrationSummary {
    return {
      id: row.id,
      profileId: row.profileId,
      schema: row.schema,
      table: row.table,
      timeColumn: row.timeColumn,
      target: row.target,
      state: row.state,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      swappedAt: row.swappedAt,
      keepUntil: row.keepUntil,
      error: row.error,
      allowedActions: this.runs.allowed(row),
    };
  }

  get(id: string): Migration {
    const row = this.row(id);
    const { after: _after, ...swap } = row.swap ?? ({} as NonNullable<MigrationRow['swap']>);
    return {
      ...this.summary(row),
      settings: row.spec.settings,
      plan: row.plan,
      steps: this.journal.steps(id),
      progress: row.progress,
      swap: row.swap ? swap : null,
      validation: row.validation,
      oldTable: row.spec.names.oldTable,
    };
  }

  async export(id: string): Promise<{ fileName: string; script: string }> {
    const row = this.row(id);
    return this.readOnlySession(row.profileId, async (db) => {
      const oid = row.spec.sourceOid;
      const current = await findTableOid(db, row.schema, row.table).catch(() => null);
      if (current !== oid && row.swappedAt === null) {
        throw new AppError(
          'conflict',
          `${qn(row.schema, row.table)} is no longer the table this plan was made for. Plan again.`,
        );
      }
      const ctx = await readPlanContext(db, row.spec);
      return exportScript(buildPlan(ctx), ctx, this.now());
    });
  }

  // ------------------------------------------------------------------ run control (run-control.ts)

  start(id: string, confirmSwap: boolean): Migration {
    return this.runs.start(id, confirmSwap);
  }
  resume(id: string): Migration {
    return this.runs.start(id, false, 'resume');
  }
  pause(id: string): Migration {
    return this.runs.pause(id);
  }
  cancel(id: string): Migration {
    return this.runs.cancel(id);
  }
  rollback(id: string): Migration {
    return this.runs.rollback(id);
  }
  cleanup(id: string, confirmTableName: string | undefined): Migration {
    return this.runs.cleanup(id, confirmTableName);
  }
  /** Resolves when nothing runs for this migration (the CLI and tests wait on it). */
  whenIdle(id: string): Promise<Migration> {
    return this.runs.whenIdle(id);
  }

  async validate(id: string): Promise<ValidationReport> {
    // Validation compares the new table with the old one: after the swap, before cleanup or rollback.
    const row = this.runs.guard(id, 'validate');
    const report = await this.session(row.profileId, async (db) => {
      const { rows } = await db.query<{ t: string }>(`SELECT current_setting('statement_timeout') AS t`);
      // Comparing contents reads both tables whole: longer than a monitoring query may take.
      await db.query(`SET statement_timeout = 0`);
      try {
        return await validate(db, row.spec, this.now);
      } finally {
        await db
          .query(`SELECT set_config('statement_timeout', $1, false)`, [rows[0]?.t ?? '0'])
          .catch(() => {});
      }
    });
    this.journal.setValidation(id, report);
    return report;
  }

  /** The live table's scheduled jobs (retention and compression policies) with their next run, once it has the name. */
  async policies(id: string): Promise<TimescalePolicy[]> {
    const row = this.row(id);
    const target = targetOf(row.spec);
    if (!row.swappedAt || !['swapped', 'cleaned_up', 'failed'].includes(row.state) || !target.policies)
      return [];
    return this.readOnlySession(row.profileId, (db) => target.policies!(db, row.spec));
  }

  /** Stops every run at its next safe point without marking anything (as if the app closed), then closes the pool. */
  async close(): Promise<void> {
    this.unsubscribe?.();
    const stopped = this.runs.stopAll();
    if (this.ownsPools) await this.pools.closeAll();
    await stopped;
  }
}

function refuseIfBlocked(a: Analysis): void {
  if (!a.report.blocked) return;
  const blocking = a.report.items.filter((i) => i.status === 'blocking');
  throw new AppError(
    'invalid_input',
    `The pre-flight found ${blocking.length} blocking item(s): ${blocking.map((i) => `${i.title} — ${i.reason}${i.fix ? ` Fix: ${i.fix}` : ''}`).join(' | ')}`,
  );
}
