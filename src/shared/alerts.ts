import { z } from 'zod';

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
] as const;
export type AlertKind = (typeof alertKinds)[number];

export const alertSchema = z.object({
  id: z.number(),
  profileId: z.string(),
  kind: z.enum(alertKinds),
  severity: z.enum(['warning', 'critical']),
  /** What it is about: the database, one relation, or the server. */
  subject: z.object({
    type: z.enum(['database', 'relation', 'server']),
    /** "app" (database), "public.orders" (relation), "db1.example.com:5432" (server). */
    name: z.string(),
    relationId: z.number().nullable(),
  }),
  /** Plain words, with the figures. */
  message: z.string(),
  currentBytes: z.number().nullable(),
  previousBytes: z.number().nullable(),
  /** Growth between the two samples, normalised to 24 h. */
  growthPct: z.number().nullable(),
  raisedAt: z.string(),
  resolvedAt: z.string().nullable(),
  /** dismissed by the DBA, or recovered by itself (a server that came back). */
  resolution: z.enum(['dismissed', 'recovered']).nullable(),
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

/** A profile's alert rules; every rule can be switched off. */
export const alertRulesSchema = z
  .object({
    /** Growth rule: database growth between consecutive samples, normalised to 24 h. */
    growthWarningEnabled: z.boolean(),
    growthWarningPct: pct('Growth warning'),
    /** Growth rules ignore databases and relations below this size (a 16 kB table that doubles is not news). */
    growthFloorBytes: bytes('The size floor'),
    /** Growth rule for each relation above the floor. */
    relationGrowthEnabled: z.boolean(),
    relationGrowthPct: pct('Relation growth'),
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
  sizeCriticalEnabled: true,
  sizeCriticalBytes: 50 * GiB,
  forecastEnabled: true,
  forecastDays: 14,
  serverDownEnabled: true,
  serverDownMinutes: 5,
};

export const profileRulesSchema = z.object({
  profileId: z.string(),
  rules: alertRulesSchema,
  /** True while the profile uses the defaults (nothing stored). */
  isDefault: z.boolean(),
});
export type ProfileRules = z.infer<typeof profileRulesSchema>;

export const alertCountsSchema = z.object({
  /** Active alerts over all profiles (the window badge). */
  total: z.number(),
  byProfile: z.record(z.string(), z.object({ warning: z.number(), critical: z.number() })),
});
export type AlertCounts = z.infer<typeof alertCountsSchema>;
