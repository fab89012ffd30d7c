import { z } from 'zod';
import { alertRulesSchema, DEFAULT_ALERT_RULES } from './alerts';

/**
 * Storage as the DBA sees it. Chunks and partitions are rolled up into their
 * hypertable or partitioned root; they appear only on drill-down.
 */
export const relationKinds = ['table', 'partitioned', 'hypertable', 'matview', 'partition', 'chunk'] as const;
export type RelationKind = (typeof relationKinds)[number];

const bytes = z.number().nullable();
const time = z.string().nullable();

export const relationRowSchema = z.object({
  /** Tidemark's own id for this relation of this profile; stable across samples. */
  relationId: z.number(),
  schema: z.string(),
  name: z.string(),
  kind: z.enum(relationKinds),
  /** The hypertable or partitioned root a chunk/partition rolls up into. */
  parentId: z.number().nullable(),
  /** False when this sample could not size it; sizes are then null, never zero. */
  measured: z.boolean(),
  /** Why it was not measured, in words (locked by another session, no privilege). */
  notMeasured: z.string().nullable(),
  heapBytes: bytes,
  toastBytes: bytes,
  indexBytes: bytes,
  totalBytes: bytes,
  rowEstimate: z.number().nullable(),
  deadTuples: z.number().nullable(),
  lastVacuum: time,
  lastAnalyze: time,
  /** Partitions or chunks rolled up into this row. */
  children: z.number().nullable(),
  compressedChildren: z.number().nullable(),
  /** TimescaleDB's figures, recorded when chunks were compressed. */
  beforeCompressionBytes: bytes,
  afterCompressionBytes: bytes,
  /** Growth of totalBytes over the last 7 days of history; null when not known. */
  growth7dBytes: bytes,
  /** The span that growth is really computed over: shorter than 7 days while history is. */
  growth7dSpanMs: z.number().nullable(),
});
export type RelationRow = z.infer<typeof relationRowSchema>;

/** Columns the relations table sorts by (in main: the table asks for a window of the sorted list). */
export const relationSortKeys = [
  'schema',
  'name',
  'kind',
  'rows',
  'heap',
  'toast',
  'indexes',
  'total',
  'dead',
  'lastVacuum',
  'lastAnalyze',
  'growth',
] as const;
export type RelationSortKey = (typeof relationSortKeys)[number];

/**
 * A window of the latest sample's relations, sorted and filtered in main. Without a search only
 * top-level relations are listed; a search also finds partitions and chunks by name.
 */
export const relationPageRequestSchema = z.object({
  sort: z
    .object({ key: z.enum(relationSortKeys), dir: z.enum(['asc', 'desc']) })
    .default({ key: 'total', dir: 'desc' }),
  /** Part of "schema.name", any case. */
  search: z.string().max(200).default(''),
  kind: z.enum(relationKinds).nullable().default(null),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(500).default(100),
});
export type RelationPageRequest = z.input<typeof relationPageRequestSchema>;
export type RelationPageQuery = z.infer<typeof relationPageRequestSchema>;

export const relationPageSchema = z.object({
  /** The sample the rows come from; null before the first sample. */
  sampleId: z.number().nullable(),
  /** How many relations match, in all windows. */
  total: z.number(),
  offset: z.number(),
  rows: z.array(relationRowSchema),
});
export type RelationPage = z.infer<typeof relationPageSchema>;

/** A change of size, with the span it is really computed over (the baseline sample to the latest). */
export const changeSchema = z
  .object({ bytes: z.number(), pct: z.number().nullable(), spanMs: z.number() })
  .nullable();

export const reachabilitySchema = z.object({
  state: z.enum(['unknown', 'up', 'down']),
  /** When the current state began (e.g. unreachable since). */
  since: time,
  lastCheckAt: time,
  lastSampleAt: time,
  lastSampleError: z.string().nullable(),
  message: z.string().nullable(),
});

export const storageOverviewSchema = z.object({
  profileId: z.string(),
  latest: z
    .object({
      sampleId: z.number(),
      takenAt: z.string(),
      durationMs: z.number(),
      databaseName: z.string(),
      databaseBytes: z.number(),
      change24h: changeSchema,
      change7d: changeSchema,
      /** sizedAt: when a figure carried from an earlier sample was taken (other databases, slower cadence); null = by this sample. */
      databases: z.array(z.object({ name: z.string(), bytes: z.number(), sizedAt: z.string().nullable() })),
      /**
       * When the relations' dead tuples and vacuum/analyze times were read: takenAt when by this sample, an
       * earlier sample's time when carried (their own, slower cadence).
       */
      upkeepReadAt: z.string(),
      /** What this sample could not see, as sentences a DBA reads. */
      gaps: z.array(z.string()),
    })
    .nullable(),
  /** Top-level relations of the latest sample (no chunks or partitions). */
  relations: z.array(relationRowSchema),
  status: reachabilitySchema,
});
export type StorageOverview = z.infer<typeof storageOverviewSchema>;

export const chartRanges = ['24h', '7d', '30d', '90d', 'all'] as const;
export type ChartRange = (typeof chartRanges)[number];

/** The spans the top growers are ranked over (the chart's, without "all"). */
export const growerRanges = ['24h', '7d', '30d', '90d'] as const satisfies readonly ChartRange[];
export type GrowerRange = (typeof growerRanges)[number];

/** The spans the Health page shows heartbeats over. */
export const healthRanges = ['24h', '7d', '30d'] as const;
export type HealthRange = (typeof healthRanges)[number];

/** A chart-ready series: at most ~1000 points, `bytes: null` where there was no sample (a gap). */
export const seriesSchema = z.object({
  from: z.number(),
  to: z.number(),
  bucketMs: z.number(),
  points: z.array(z.object({ t: z.number(), bytes: z.number().nullable() })),
});
export type Series = z.infer<typeof seriesSchema>;

/**
 * Every stored sample of the database total (no relation) or of one relation
 * in a range, unbucketed, for exports. `bytes: null` is a relation that was
 * not measured in that sample (it was locked), never a missing sample.
 */
export const sampleReadingsSchema = z.object({
  from: z.number(),
  to: z.number(),
  readings: z.array(z.object({ t: z.number(), bytes: z.number().nullable() })),
});
export type SampleReadings = z.infer<typeof sampleReadingsSchema>;

export const growerSchema = z.object({
  relationId: z.number(),
  schema: z.string(),
  name: z.string(),
  kind: z.enum(relationKinds),
  fromBytes: z.number(),
  toBytes: z.number(),
  growthBytes: z.number(),
  growthPct: z.number().nullable(),
  /** The span the growth is really computed over: shorter than the range while history is. */
  spanMs: z.number(),
});
export type Grower = z.infer<typeof growerSchema>;

/** What a rate needs before it is shown or alerts (the profile's alert rules say how much). */
export const rateRequirementSchema = z.object({ minWindowMs: z.number(), minSamples: z.number() });
export type RateRequirement = z.infer<typeof rateRequirementSchema>;

/** The readings a rate was fitted over: the window, really spanned, and how many. */
export const rateFitSchema = z.object({
  method: z.literal('theil-sen'),
  from: z.string(),
  to: z.string(),
  spanMs: z.number(),
  samples: z.number(),
});
export type RateFit = z.infer<typeof rateFitSchema>;

export const growthSchema = z.object({
  currentBytes: z.number().nullable(),
  /** Median of pairwise slopes over `fit`; null until the history meets `requirement`. */
  bytesPerDay: z.number().nullable(),
  fit: rateFitSchema.nullable(),
  requirement: rateRequirementSchema,
  /** Why there is no rate, in words: "not enough history yet (2 samples over 46 s; a rate needs 6 h)". */
  noRate: z.string().nullable(),
  thresholdBytes: z.number(),
  /** When the threshold is reached at this rate; null if never (flat or shrinking) or unknown. */
  reachesAt: time,
  daysLeft: z.number().nullable(),
});
export type Growth = z.infer<typeof growthSchema>;

export const sampleResultSchema = z.object({
  sampleId: z.number(),
  takenAt: z.string(),
  durationMs: z.number(),
  /** Every relation measured, partitions and chunks included. */
  relationCount: z.number(),
  /** The rows of the relations table: partitions and chunks rolled up into their parent. */
  topLevelCount: z.number(),
  gaps: z.array(z.string()),
});
export type SampleResult = z.infer<typeof sampleResultSchema>;

/**
 * A storage schedule as the DBA writes it: "daily 03:00" (UTC), "every 15m",
 * "every 2h", or a 5-field cron expression in UTC.
 */
export const scheduleSchema = z.object({
  storage: z.string().trim().min(1, 'Enter a schedule, e.g. "daily 03:00" or "every 15m".'),
  heartbeatSeconds: z
    .number({ error: 'The heartbeat interval must be a number of seconds.' })
    .int()
    .min(10, 'The heartbeat interval must be at least 10 seconds.')
    .max(3600, 'The heartbeat interval must be at most one hour.'),
});
export type Schedule = z.infer<typeof scheduleSchema>;

export const scheduleStateSchema = scheduleSchema.extend({
  lastSampleAt: time,
  nextSampleAt: time,
});
export type ScheduleState = z.infer<typeof scheduleStateSchema>;

export const settingsSchema = z.object({
  sampleRetentionDays: z
    .number({ error: 'Sample retention must be a number of days.' })
    .int()
    .min(1, 'Keep samples at least 1 day.')
    .max(3650, 'Keep samples at most 10 years.'),
  heartbeatRetentionDays: z
    .number({ error: 'Heartbeat retention must be a number of days.' })
    .int()
    .min(1, 'Keep heartbeats at least 1 day.')
    .max(3650, 'Keep heartbeats at most 10 years.'),
  /** The other databases of a server are sized this often; the samples between carry their last figure. */
  databaseSizeEveryMinutes: z
    .number({ error: 'The other databases’ sizing interval must be a number of minutes.' })
    .int()
    .min(5, 'Size the other databases at most every 5 minutes.')
    .max(1440, 'Size the other databases at least once a day (1440 minutes).'),
  /** The costly disk facts (oldest tables, bloat estimate, index findings, tablespaces) are read this often; samples between carry them. */
  slowDiskFactsEveryMinutes: z
    .number({ error: 'The interval for bloat, index findings and tablespaces must be a number of minutes.' })
    .int()
    .min(5, 'Read bloat, index findings and tablespaces at most every 5 minutes.')
    .max(1440, 'Read bloat, index findings and tablespaces at least once a day (1440 minutes).'),
  /** Dead tuples and vacuum/analyze times are read this often; the samples between carry the last reading. */
  upkeepEveryMinutes: z
    .number({ error: 'The interval for dead tuples and vacuum times must be a number of minutes.' })
    .int()
    .min(5, 'Read dead tuples and vacuum times at most every 5 minutes.')
    .max(1440, 'Read dead tuples and vacuum times at least once a day (1440 minutes).'),
  /** Downsampling tiers of the storage history: fine samples this often for this long, then hourly, then daily. */
  tierFineMinutes: z
    .number({ error: 'The fine tier must be a number of minutes.' })
    .int()
    .min(1, 'The fine tier is at least 1 minute.')
    .max(1440, 'The fine tier is at most 1,440 minutes (a day).'),
  tierFineDays: z
    .number({ error: 'The fine tier must last a number of days.' })
    .int()
    .min(1, 'Keep fine samples at least 1 day.')
    .max(3650, 'Keep fine samples at most 10 years.'),
  tierHourlyDays: z
    .number({ error: 'The hourly tier must last a number of days.' })
    .int()
    .min(1, 'Keep hourly samples at least 1 day.')
    .max(3650, 'Keep hourly samples at most 10 years.'),
  /** The look: 'system' follows the OS light/dark setting. */
  theme: z.enum(['system', 'light', 'dark'], { error: 'The theme is system, light or dark.' }),
  /** What a NEW profile starts with: its storage schedule, heartbeat and alert rules (existing ones keep theirs). */
  defaultSchedule: scheduleSchema.shape.storage,
  defaultHeartbeatSeconds: scheduleSchema.shape.heartbeatSeconds,
  /** Also what "Reset to defaults" on a profile's rules goes back to. */
  defaultRules: alertRulesSchema,
  /** Desktop notifications for raised alerts (Electron's, or the browser's in browser mode); toasts stay. */
  notifyDesktop: z.boolean({ error: 'Desktop notifications are on or off.' }),
  notifyMinSeverity: z.enum(['warning', 'critical'], {
    error: 'Notify for warnings and critical alerts, or critical alerts only.',
  }),
});
export type Theme = z.infer<typeof settingsSchema>['theme'];
export type Settings = z.infer<typeof settingsSchema>;
/** The downsampling tiers. */
export type TierSettings = Pick<Settings, 'tierFineMinutes' | 'tierFineDays' | 'tierHourlyDays'>;

/** What a fresh install starts with (main stores them; the Settings page names them). */
export const DEFAULT_SETTINGS: Settings = {
  sampleRetentionDays: 90,
  heartbeatRetentionDays: 60,
  databaseSizeEveryMinutes: 60,
  slowDiskFactsEveryMinutes: 60,
  upkeepEveryMinutes: 60,
  tierFineMinutes: 15,
  tierFineDays: 7,
  tierHourlyDays: 30,
  theme: 'system',
  defaultSchedule: 'daily 03:00',
  defaultHeartbeatSeconds: 60,
  defaultRules: DEFAULT_ALERT_RULES,
  notifyDesktop: true,
  notifyMinSeverity: 'warning',
};

/** The heartbeat interval's range, as the schema checks it ("10 to 3,600"). */
export const heartbeatRangeText = `${scheduleSchema.shape.heartbeatSeconds.minValue} to ${scheduleSchema.shape.heartbeatSeconds.maxValue?.toLocaleString('en-US')}`;

/** An update may leave out the newer settings: what it leaves out keeps its current value. */
export const settingsUpdateSchema = settingsSchema.extend({
  databaseSizeEveryMinutes: settingsSchema.shape.databaseSizeEveryMinutes.optional(),
  slowDiskFactsEveryMinutes: settingsSchema.shape.slowDiskFactsEveryMinutes.optional(),
  upkeepEveryMinutes: settingsSchema.shape.upkeepEveryMinutes.optional(),
  tierFineMinutes: settingsSchema.shape.tierFineMinutes.optional(),
  tierFineDays: settingsSchema.shape.tierFineDays.optional(),
  tierHourlyDays: settingsSchema.shape.tierHourlyDays.optional(),
  theme: settingsSchema.shape.theme.optional(),
  defaultSchedule: settingsSchema.shape.defaultSchedule.optional(),
  defaultHeartbeatSeconds: settingsSchema.shape.defaultHeartbeatSeconds.optional(),
  defaultRules: settingsSchema.shape.defaultRules.optional(),
  notifyDesktop: settingsSchema.shape.notifyDesktop.optional(),
  notifyMinSeverity: settingsSchema.shape.notifyMinSeverity.optional(),
});
export type SettingsUpdate = z.infer<typeof settingsUpdateSchema>;

/** Where the data folder is and what takes its room, each part said on its own. */
export const dataFolderSchema = z.object({
  path: z.string(),
  /** The SQLite history file, its write-ahead log and shared-memory index (0 when absent). */
  databaseBytes: z.number(),
  walBytes: z.number(),
  shmBytes: z.number(),
  /** The demo server's cluster, when it was set up (it may live outside the data folder as root). */
  demo: z.object({ path: z.string(), inDataFolder: z.boolean(), bytes: z.number() }).nullable(),
  /** Log files in the data folder. */
  logBytes: z.number(),
});
export type DataFolder = z.infer<typeof dataFolderSchema>;

export const outageSchema = z.object({ start: z.string(), end: time, durationMs: z.number() });
export type Outage = z.infer<typeof outageSchema>;

/** Percent of heartbeats answered, over the span really observed (first to last beat in the window). */
const uptimeFigureSchema = z.object({ pct: z.number(), spanMs: z.number(), beats: z.number() }).nullable();

export const uptimeSchema = z.object({
  /** Null with no heartbeats in the window. */
  h24: uptimeFigureSchema,
  d7: uptimeFigureSchema,
  d30: uptimeFigureSchema,
});
export type UptimeFigure = z.infer<typeof uptimeFigureSchema>;

export const healthSummarySchema = z.object({
  profileId: z.string(),
  name: z.string(),
  status: reachabilitySchema,
  latencyMs: z.number().nullable(),
  uptime: uptimeSchema,
});
export type HealthSummary = z.infer<typeof healthSummarySchema>;

export const healthDetailSchema = healthSummarySchema.extend({
  outages: z.array(outageSchema),
  /** Latency over the range, downsampled; null where the server did not answer. */
  latency: z.array(z.object({ t: z.number(), ms: z.number().nullable() })),
});
export type HealthDetail = z.infer<typeof healthDetailSchema>;
