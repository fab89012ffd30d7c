import type Database from 'better-sqlite3';
import type { AlertRules } from '../../shared/alerts';
import type { DiskFactsView } from '../../shared/disk-facts';
import type {
  ChartRange,
  Grower,
  Growth,
  HealthDetail,
  HealthSummary,
  RateRequirement,
  RelationPage,
  RelationPageQuery,
  RelationRow,
  SampleReadings,
  Series,
  StorageOverview,
} from '../../shared/storage';
import type { SlowDiskFacts } from '../collector/disk-facts-collector';
import type { CollectedSample, KnownDatabaseSize } from '../collector/types';
import { AppError } from '../errors';
import { longestSpacingMs, parseSchedule } from '../sampling/schedule';
import { DiskFactsRepository, type DiskFactsSummary } from './disk-facts-repository';
import { type FleetFacts, FleetQuery } from './fleet';
import { DEFAULT_RATE_REQUIREMENT, GrowthQuery } from './growth';
import { HealthQuery, type HealthRange } from './health';
import { type BeatInput, type BeatOutcome, HeartbeatRepository } from './heartbeat-repository';
import { Lookup } from './lookup';
import { OverviewQuery } from './overview';
import { type PruneOptions, type PruneResult, Retention } from './retention';
import { SampleLog } from './sample-log';
import { SampleRepository } from './sample-repository';
import { ScheduleRepository, type StoredSchedule } from './schedule-repository';
import { SeriesQuery } from './series';
import { SettingsRepository } from './settings-repository';
import { StatusQuery } from './status';
import type { HistoryStore } from './store';
import { type DownsampleOptions, type DownsampleResult, Tiers } from './tiers';
import { DAY_MS, rangeMs } from './time';

/** What one export may carry: 90 days of samples every minute is about 130,000. */
const MAX_EXPORTED_READINGS = 250_000;

/**
 * The local history, as one object for the composition root: writes for the
 * sampling layer (it implements SampleSink, SampleAttemptLog, BeatSink and
 * ScheduleSource), and reads that return the contract's shapes for the
 * handlers. Synchronous (better-sqlite3) except `prune`, which yields
 * between batches.
 */
export class History implements HistoryStore {
  readonly settings: SettingsRepository;
  readonly schedules: ScheduleRepository;
  /** Raw stored samples, for the command line. */
  readonly log: SampleLog;
  private readonly samples: SampleRepository;
  private readonly beats: HeartbeatRepository;
  private readonly overviews: OverviewQuery;
  private readonly seriesQuery: SeriesQuery;
  private readonly growthQuery: GrowthQuery;
  private readonly health: HealthQuery;
  private readonly fleetQuery: FleetQuery;
  private readonly retention: Retention;
  private readonly tiers: Tiers;
  private readonly lookup: Lookup;
  private readonly diskFacts: DiskFactsRepository;
  private readonly saveTx: (profileId: string, sample: CollectedSample) => number;

  constructor(
    db: Database.Database,
    private readonly clock: () => Date = () => new Date(),
  ) {
    const lookup = new Lookup(db);
    this.lookup = lookup;
    const status = new StatusQuery(db);
    this.settings = new SettingsRepository(db);
    this.schedules = new ScheduleRepository(db, lookup);
    this.log = new SampleLog(db);
    this.samples = new SampleRepository(db);
    this.beats = new HeartbeatRepository(db);
    this.overviews = new OverviewQuery(db, lookup, status);
    this.seriesQuery = new SeriesQuery(db, lookup, (id) => this.dueEveryMs(id));
    this.growthQuery = new GrowthQuery(db, lookup);
    this.health = new HealthQuery(
      db,
      lookup,
      status,
      (id) => this.schedules.scheduleOf(id).heartbeatSeconds * 1000,
    );
    this.retention = new Retention(db, this.settings);
    this.fleetQuery = new FleetQuery(db);
    this.tiers = new Tiers(db, this.settings);
    this.diskFacts = new DiskFactsRepository(db);
    this.saveTx = db.transaction((profileId: string, sample: CollectedSample) => {
      const sampleId = this.samples.saveSample(profileId, sample);
      if (sample.diskFacts) this.diskFacts.save(profileId, sampleId, sample.takenAt, sample.diskFacts);
      return sampleId;
    });
  }

  /** The longest wait between samples under the profile's schedule (a day if it cannot be read). */
  private dueEveryMs(profileId: string): number {
    try {
      return longestSpacingMs(parseSchedule(this.schedules.scheduleOf(profileId).storage));
    } catch {
      return DAY_MS;
    }
  }

  // ---- writes (sampling layer) ----

  /** Stores a whole sample in one transaction and returns its id; also records it as the last sample. */
  saveSample(profileId: string, sample: CollectedSample): number {
    return this.saveTx(profileId, sample);
  }

  /** The other databases of the profile's latest sample, each with when it was really sized. */
  otherDatabases(profileId: string): KnownDatabaseSize[] {
    return this.samples.otherDatabases(profileId);
  }

  /** When the upkeep figures of the profile's latest sample were read (see sampling/cadence.ts); null: no sample. */
  upkeepReadAt(profileId: string): Date | null {
    return this.samples.upkeepReadAt(profileId);
  }

  /** Remembers a sample attempt (a failure is shown on the Storage page until the next success). */
  recordAttempt(profileId: string, attempt: { at: Date; ok: boolean; error: string | null }): void {
    this.schedules.recordAttempt(profileId, attempt);
  }

  /** Current state + history row in one transaction; tells whether the state flipped. */
  recordBeat(profileId: string, beat: BeatInput): BeatOutcome {
    return this.beats.recordBeat(profileId, beat);
  }

  /** The stored schedule, defaults for a profile that has none. */
  scheduleOf(profileId: string): StoredSchedule {
    return this.schedules.scheduleOf(profileId);
  }

  /** Retention in bounded batches, yielding between them (call at start and daily; catch and log). */
  prune(now: Date = this.clock(), options?: PruneOptions): Promise<PruneResult> {
    return this.retention.prune(now, options);
  }

  /** Downsampling into the settings' tiers, in bounded batches yielding between them (with prune). */
  downsample(now: Date = this.clock(), options?: DownsampleOptions): Promise<DownsampleResult> {
    return this.tiers.downsample(now, options);
  }

  /**
   * Brings the Storage page's table of latest relations up to date after the history changed (a sample
   * stored, samples downsampled or pruned), in small transactions yielding between (catch and log).
   */
  refreshLatestRelations(pause?: () => Promise<void>): Promise<void> {
    return this.overviews.latestRelations.build(pause);
  }

  // ---- reads (handlers; contract shapes) ----

  overview(profileId: string, options: { relations?: boolean } = {}): StorageOverview {
    return this.overviews.overview(profileId, options);
  }

  /** A window of the latest sample's relations: sort, filter and search done here. */
  relationPage(profileId: string, query: RelationPageQuery): RelationPage {
    return this.overviews.relationPage(profileId, query);
  }

  children(profileId: string, relationId: number): RelationRow[] {
    return this.overviews.children(profileId, relationId);
  }

  series(
    profileId: string,
    relationId: number | undefined,
    range: ChartRange,
    now: Date = this.clock(),
  ): Series {
    return this.seriesQuery.series(profileId, relationId, range, now);
  }

  /** Every stored sample in the range, unbucketed (exports); refuses a range too large to send. */
  readings(
    profileId: string,
    relationId: number | undefined,
    range: ChartRange,
    now: Date = this.clock(),
  ): SampleReadings {
    if (relationId === undefined) this.lookup.profile(profileId);
    else this.lookup.relation(profileId, relationId);
    const to = now.getTime();
    const span = rangeMs(range);
    const since = new Date(span === null ? 0 : to - span);
    const rows =
      relationId === undefined ? this.log.database(profileId, since) : this.log.relation(relationId, since);
    if (rows.length > MAX_EXPORTED_READINGS)
      throw new AppError(
        'invalid_input',
        `This range holds ${rows.length.toLocaleString('en-US')} samples, more than an export sends at once ` +
          `(${MAX_EXPORTED_READINGS.toLocaleString('en-US')}). Choose a shorter range, or use ` +
          '`tidemark history NAME --csv`.',
      );
    const readings = rows
      .filter((r) => r.takenAt.getTime() <= to)
      .map((r) => ({ t: r.takenAt.getTime(), bytes: r.totalBytes }));
    return { from: readings[0]?.t ?? to, to, readings };
  }

  /** WAL, slots, ages, bloat, index usage, temp files and tablespaces of the latest sample that has them. */
  latestDiskFactsView(profileId: string): DiskFactsView | null {
    this.lookup.profile(profileId);
    return this.diskFacts.latest(profileId);
  }

  /** The slow disk facts of the latest sample, to carry until they are due (see sampling/slow-disk-facts-cadence.ts). */
  latestSlowDiskFacts(profileId: string): SlowDiskFacts | null {
    return this.diskFacts.latestSlow(profileId);
  }

  /** Every profile's latest disk facts summary, for the fleet (one query). */
  latestDiskFactsSummaries(): Map<string, DiskFactsSummary> {
    return this.diskFacts.latestSummaries();
  }

  topGrowers(profileId: string, range: '24h' | '7d' | '30d' | '90d', limit = 10): Grower[] {
    return this.overviews.topGrowers(profileId, range, limit);
  }

  /** The database's (or a relation's) rate and forecast; none until the history meets the requirement. */
  growth(
    profileId: string,
    options: {
      relationId?: number | undefined;
      thresholdBytes?: number | undefined;
      requirement?: RateRequirement;
      now?: Date;
    } = {},
  ): Growth {
    const {
      relationId,
      thresholdBytes,
      requirement = DEFAULT_RATE_REQUIREMENT,
      now = this.clock(),
    } = options;
    return this.growthQuery.growth(profileId, relationId, thresholdBytes, requirement, now);
  }

  healthSummary(profileId: string, now: Date = this.clock()): HealthSummary {
    return this.health.summary(profileId, now);
  }

  /** Every profile's health, by name (the 'health:getOverview' channel). */
  healthOverview(now: Date = this.clock()): HealthSummary[] {
    return this.health.overview(now);
  }

  healthDetail(profileId: string, range: HealthRange, now: Date = this.clock()): HealthDetail {
    return this.health.detail(profileId, range, now);
  }

  /** What the history says of every server for the fleet overview, in one query per table. */
  fleet(now: Date, rulesOf: (profileId: string) => AlertRules): FleetFacts[] {
    return this.fleetQuery.facts(now, rulesOf);
  }
}
