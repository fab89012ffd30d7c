import { z } from 'zod';
import type { RateRequirement } from './storage';

/**
 * Growth alerts. Absolute-size rules ("is big") and growth rules ("is getting
 * big fast") are different kinds with different names, so nobody confuses them.
 */
export const alertKinds = [
  'growth_warning',
  'relation_growth',
  'size_critical',
  'forecast_warning',
  'server_down',
  'relation_size',
  'partition_upkeep',
  'slot_retention',
  'wraparound',
  'disk_full',
] as const;
export type AlertKind = (typeof alertKinds)[number];

/** From the least to the most severe. */
export const alertSeverities = ['warning', 'critical'] as const;

export const alertSchema = z.object({
  id: z.number(),
  profileId: z.string(),
  kind: z.enum(alertKinds),
  severity: z.enum(alertSeverities),
  /** What it is about: the database, one relation, or the server. */
  subject: z.object({
    type: z.enum(['database', 'relation', 'server', 'slot']),
    /** "app" (database), "public.orders" (relation), "db1.example.com:5432" (server), "standby_1" (slot). */
    name: z.string(),
    /** The sampled relation's id in the history; null for partition_upkeep, which knows the table by name. */
    relationId: z.number().nullable(),
  }),
  /** Plain words, with the figures. */
  message: z.string(),
  currentBytes: z.number().nullable(),
  previousBytes: z.number().nullable(),
  /** Growth against the sample one growth window ago (24 h by default), in percent. */
  growthPct: z.number().nullable(),
  /** When the condition first held (this occurrence). */
  raisedAt: z.string(),
  /** The last evaluation at which it still held; message and figures are from then. */
  lastSeenAt: z.string(),
  /**
   * Acknowledged by the DBA: quiet (no banner, no notification) until the
   * condition clears (`until` null) or until the snooze ends. Null once a snooze has ended.
   */
  acknowledged: z.object({ at: z.string(), until: z.string().nullable() }).nullable(),
  resolvedAt: z.string().nullable(),
  /**
   * cleared: the condition no longer held; recovered: the server came back;
   * dismissed: resolved by hand (earlier versions of Tidemark).
   */
  resolution: z.enum(['dismissed', 'recovered', 'cleared']).nullable(),
});
export type Alert = z.infer<typeof alertSchema>;

const GiB = 1024 ** 3;

const pct = (what: string) =>
  z
    .number({ error: `${what} must be a number (percent).` })
    .gt(0, `${what} must be above 0 %.`)
    .max(100_000, `${what} must be at most 100000 %.`);
const bytes = (what: string) =>
  z
    .number({ error: `${what} must be a number of bytes.` })
    .int(`${what} must be a whole number of bytes.`)
    .min(0, `${what} cannot be negative.`);

const hours = (what: string) =>
  z
    .number({ error: `${what} must be a number of hours.` })
    .int(`${what} must be a whole number of hours.`)
    .min(1, `${what} must be at least 1 hour.`)
    .max(720, `${what} must be at most 720 hours (30 days).`);

/** A profile's alert rules; every rule can be switched off. */
export const alertRulesSchema = z
  .object({
    /** Growth rule: the database now against the sample one growth window ago, in percent. */
    growthWarningEnabled: z.boolean(),
    growthWarningPct: pct('Growth warning'),
    /** Growth rules ignore databases and relations below this size (a 16 kB table that doubles is not news). */
    growthFloorBytes: bytes('The size floor'),
    /** Growth rule for each relation above the floor. */
    relationGrowthEnabled: z.boolean(),
    relationGrowthPct: pct('Relation growth'),
    /** The growth rules' window: now against the sample nearest to this long ago (and only if history reaches it). */
    growthWindowHours: hours('The growth window'),
    /** Absolute growth rule, database and each relation above the floor: bytes a day over the growth window. */
    growthPerDayEnabled: z.boolean(),
    growthPerDayBytes: bytes('Growth a day').refine((v) => v > 0, 'Growth a day must be above 0.'),
    /** A rate or forecast needs samples spanning this long… */
    rateWindowHours: hours('The rate window'),
    /** …and at least this many of them. */
    rateMinSamples: z
      .number({ error: 'Samples for a rate must be a number.' })
      .int('Samples for a rate must be a whole number.')
      .min(3, 'A rate needs at least 3 samples: two always make a line.')
      .max(1000, 'Samples for a rate must be at most 1000.'),
    /** Absolute-size rule: database total above this. */
    sizeCriticalEnabled: z.boolean(),
    sizeCriticalBytes: bytes('Critical size').refine((v) => v > 0, 'Critical size must be above 0.'),
    /** Forecast rule: the current rate reaches the critical size within this many days. */
    forecastEnabled: z.boolean(),
    forecastDays: z
      .number({ error: 'Forecast days must be a number.' })
      .int('Forecast days must be a whole number.')
      .min(1, 'Forecast days must be at least 1.')
      .max(3650, 'Forecast days must be at most 3650.'),
    /** Server down: heartbeats failing for this many minutes. */
    serverDownEnabled: z.boolean(),
    serverDownMinutes: z
      .number({ error: 'Server-down minutes must be a number.' })
      .int('Server-down minutes must be a whole number.')
      .min(1, 'Server-down minutes must be at least 1.')
      .max(1440, 'Server-down minutes must be at most 1440 (a day).'),
    /** An inactive replication slot retaining more WAL than this. */
    slotRetainedEnabled: z.boolean(),
    slotRetainedBytes: bytes('WAL retained by a slot').refine(
      (v) => v > 0,
      'WAL retained by a slot must be above 0.',
    ),
    /** A database's transaction-ID or multixact age above this share of wraparound (2^31). */
    wraparoundEnabled: z.boolean(),
    wraparoundPct: z
      .number({ error: 'Wraparound must be a number (percent).' })
      .gt(0, 'Wraparound must be above 0 %.')
      .max(100, 'Wraparound must be at most 100 %.'),
    /**
     * Disk full: every database of the server (the latest sample) at the fitted
     * rate reaches the profile's disk size within this many days. Only for a
     * profile with a disk size.
     */
    diskFullEnabled: z.boolean(),
    diskFullDays: z
      .number({ error: 'Disk-full days must be a number.' })
      .int('Disk-full days must be a whole number.')
      .min(1, 'Disk-full days must be at least 1.')
      .max(3650, 'Disk-full days must be at most 3650.'),
  })
  .refine((r) => r.growthFloorBytes < r.sizeCriticalBytes, {
    message:
      'The size floor must be below the critical size, or no growth alert could fire before the critical one.',
    path: ['growthFloorBytes'],
  });
export type AlertRules = z.infer<typeof alertRulesSchema>;

export const DEFAULT_ALERT_RULES: AlertRules = {
  growthWarningEnabled: true,
  growthWarningPct: 20,
  growthFloorBytes: 1 * GiB,
  relationGrowthEnabled: true,
  relationGrowthPct: 20,
  growthWindowHours: 24,
  growthPerDayEnabled: true,
  growthPerDayBytes: 10 * GiB,
  rateWindowHours: 6,
  rateMinSamples: 3,
  sizeCriticalEnabled: true,
  sizeCriticalBytes: 50 * GiB,
  forecastEnabled: true,
  forecastDays: 14,
  serverDownEnabled: true,
  serverDownMinutes: 5,
  slotRetainedEnabled: true,
  slotRetainedBytes: 10 * GiB,
  wraparoundEnabled: true,
  wraparoundPct: 50,
  diskFullEnabled: true,
  diskFullDays: 14,
};

/** What a rate or forecast of this profile needs before it is shown or alerts. */
export const rateRequirementOf = (rules: AlertRules): RateRequirement => ({
  minWindowMs: rules.rateWindowHours * 3_600_000,
  minSamples: rules.rateMinSamples,
});

export const profileRulesSchema = z.object({
  profileId: z.string(),
  rules: alertRulesSchema,
  /** True while the profile uses the defaults (nothing stored). */
  isDefault: z.boolean(),
});
export type ProfileRules = z.infer<typeof profileRulesSchema>;

/** Snoozes a DBA can choose when acknowledging; without one, quiet until the condition clears. */
export const snoozeChoices = ['1h', '1d', '1w'] as const;
export type Snooze = (typeof snoozeChoices)[number];
export const snoozeMs: Record<Snooze, number> = { '1h': 3_600_000, '1d': 86_400_000, '1w': 604_800_000 };

/** Active and not acknowledged (or its snooze has ended): what banners, badges and counts show. */
export const isLoud = (alert: Pick<Alert, 'resolvedAt' | 'acknowledged'>) =>
  alert.resolvedAt === null && alert.acknowledged === null;

/**
 * One relation's overrides of its profile's rules: muted (no alert about it at
 * all), its own size limit (relation_size), its own growth threshold
 * (relation_growth; the profile's size floor still applies).
 */
export const relationRuleSchema = z.object({
  schema: z.string().min(1, 'Name the schema.'),
  name: z.string().min(1, 'Name the relation.'),
  muted: z.boolean(),
  sizeAboveBytes: z
    .number({ error: 'Size above must be a number of bytes.' })
    .int('Size above must be a whole number of bytes.')
    .positive('Size above must be above 0.')
    .nullable(),
  growthAbovePct: pct('Growth above').nullable(),
});
export type RelationRule = z.infer<typeof relationRuleSchema>;

export const alertCountsSchema = z.object({
  /** Active alerts not acknowledged, over all profiles (the window badge). */
  total: z.number(),
  byProfile: z.record(z.string(), z.object({ warning: z.number(), critical: z.number() })),
});
export type AlertCounts = z.infer<typeof alertCountsSchema>;
