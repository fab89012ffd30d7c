import type Database from 'better-sqlite3';
import { type AlertRules, DEFAULT_ALERT_RULES, type ProfileRules } from '../../shared/alerts';
import { storeError } from '../history/store-error';

interface Row {
  growth_warning_enabled: number;
  growth_warning_pct: number;
  growth_floor_bytes: number;
  relation_growth_enabled: number;
  relation_growth_pct: number;
  growth_window_hours: number;
  growth_per_day_enabled: number;
  growth_per_day_bytes: number;
  rate_window_hours: number;
  rate_min_samples: number;
  size_critical_enabled: number;
  size_critical_bytes: number;
  forecast_enabled: number;
  forecast_days: number;
  server_down_enabled: number;
  server_down_minutes: number;
  slot_retained_enabled: number;
  slot_retained_bytes: number;
  wraparound_enabled: number;
  wraparound_pct: number;
  disk_full_enabled: number;
  disk_full_days: number;
}

const fromRow = (r: Row): AlertRules => ({
  growthWarningEnabled: r.growth_warning_enabled === 1,
  growthWarningPct: r.growth_warning_pct,
  growthFloorBytes: r.growth_floor_bytes,
  relationGrowthEnabled: r.relation_growth_enabled === 1,
  relationGrowthPct: r.relation_growth_pct,
  growthWindowHours: r.growth_window_hours,
  growthPerDayEnabled: r.growth_per_day_enabled === 1,
  growthPerDayBytes: r.growth_per_day_bytes,
  rateWindowHours: r.rate_window_hours,
  rateMinSamples: r.rate_min_samples,
  sizeCriticalEnabled: r.size_critical_enabled === 1,
  sizeCriticalBytes: r.size_critical_bytes,
  forecastEnabled: r.forecast_enabled === 1,
  forecastDays: r.forecast_days,
  serverDownEnabled: r.server_down_enabled === 1,
  serverDownMinutes: r.server_down_minutes,
  slotRetainedEnabled: r.slot_retained_enabled === 1,
  slotRetainedBytes: r.slot_retained_bytes,
  wraparoundEnabled: r.wraparound_enabled === 1,
  wraparoundPct: r.wraparound_pct,
  diskFullEnabled: r.disk_full_enabled === 1,
  diskFullDays: r.disk_full_days,
});

const sameRules = (a: AlertRules, b: AlertRules) =>
  (Object.keys(DEFAULT_ALERT_RULES) as (keyof AlertRules)[]).every((k) => a[k] === b[k]);

const toRow = (profileId: string, r: AlertRules, at: number) => ({
  profileId,
  at,
  growthWarningEnabled: r.growthWarningEnabled ? 1 : 0,
  growthWarningPct: r.growthWarningPct,
  growthFloorBytes: r.growthFloorBytes,
  relationGrowthEnabled: r.relationGrowthEnabled ? 1 : 0,
  relationGrowthPct: r.relationGrowthPct,
  growthWindowHours: r.growthWindowHours,
  growthPerDayEnabled: r.growthPerDayEnabled ? 1 : 0,
  growthPerDayBytes: r.growthPerDayBytes,
  rateWindowHours: r.rateWindowHours,
  rateMinSamples: r.rateMinSamples,
  sizeCriticalEnabled: r.sizeCriticalEnabled ? 1 : 0,
  sizeCriticalBytes: r.sizeCriticalBytes,
  forecastEnabled: r.forecastEnabled ? 1 : 0,
  forecastDays: r.forecastDays,
  serverDownEnabled: r.serverDownEnabled ? 1 : 0,
  serverDownMinutes: r.serverDownMinutes,
  slotRetainedEnabled: r.slotRetainedEnabled ? 1 : 0,
  slotRetainedBytes: r.slotRetainedBytes,
  wraparoundEnabled: r.wraparoundEnabled ? 1 : 0,
  wraparoundPct: r.wraparoundPct,
  diskFullEnabled: r.diskFullEnabled ? 1 : 0,
  diskFullDays: r.diskFullDays,
});

/**
 * Alert rules per profile. A profile without a row uses DEFAULT_ALERT_RULES;
 * rules are read on every evaluation, so an edit applies from the next sample
 * or heartbeat. Callers validate with alertRulesSchema first (the router
 * does); the table's CHECKs are the last line.
 */
export class RulesRepository {
  private readonly stmts;
  private readonly setTx: (profileIds: string[], rules: AlertRules, at: number) => void;

  /** `defaults`: the rules new profiles start with and a reset goes back to (Settings; built-in until changed). */
  constructor(
    db: Database.Database,
    private readonly defaults: () => AlertRules = () => DEFAULT_ALERT_RULES,
  ) {
    this.stmts = {
      get: db.prepare<[string], Row>('SELECT * FROM alert_rules WHERE profile_id = ?'),
      all: db.prepare<[], Row & { profile_id: string }>('SELECT * FROM alert_rules'),
      upsert: db.prepare(`
        INSERT INTO alert_rules (profile_id, growth_warning_enabled, growth_warning_pct, growth_floor_bytes,
          relation_growth_enabled, relation_growth_pct, size_critical_enabled, size_critical_bytes,
          forecast_enabled, forecast_days, server_down_enabled, server_down_minutes, growth_window_hours,
          growth_per_day_enabled, growth_per_day_bytes, rate_window_hours, rate_min_samples, slot_retained_enabled,
          slot_retained_bytes, wraparound_enabled, wraparound_pct, disk_full_enabled, disk_full_days, updated_at)
        VALUES (@profileId, @growthWarningEnabled, @growthWarningPct, @growthFloorBytes, @relationGrowthEnabled,
          @relationGrowthPct, @sizeCriticalEnabled, @sizeCriticalBytes, @forecastEnabled, @forecastDays,
          @serverDownEnabled, @serverDownMinutes, @growthWindowHours, @growthPerDayEnabled, @growthPerDayBytes,
          @rateWindowHours, @rateMinSamples, @slotRetainedEnabled, @slotRetainedBytes, @wraparoundEnabled,
          @wraparoundPct, @diskFullEnabled, @diskFullDays, @at)
        ON CONFLICT (profile_id) DO UPDATE SET
          growth_warning_enabled = excluded.growth_warning_enabled,
          growth_warning_pct = excluded.growth_warning_pct,
          growth_floor_bytes = excluded.growth_floor_bytes,
          relation_growth_enabled = excluded.relation_growth_enabled,
          relation_growth_pct = excluded.relation_growth_pct,
          size_critical_enabled = excluded.size_critical_enabled,
          size_critical_bytes = excluded.size_critical_bytes,
          forecast_enabled = excluded.forecast_enabled,
          forecast_days = excluded.forecast_days,
          server_down_enabled = excluded.server_down_enabled,
          server_down_minutes = excluded.server_down_minutes,
          growth_window_hours = excluded.growth_window_hours,
          growth_per_day_enabled = excluded.growth_per_day_enabled,
          growth_per_day_bytes = excluded.growth_per_day_bytes,
          rate_window_hours = excluded.rate_window_hours,
          rate_min_samples = excluded.rate_min_samples,
          slot_retained_enabled = excluded.slot_retained_enabled,
          slot_retained_bytes = excluded.slot_retained_bytes,
          wraparound_enabled = excluded.wraparound_enabled,
          wraparound_pct = excluded.wraparound_pct,
          disk_full_enabled = excluded.disk_full_enabled,
          disk_full_days = excluded.disk_full_days,
          updated_at = excluded.updated_at`),
    };
    this.setTx = db.transaction((profileIds: string[], rules: AlertRules, at: number) => {
      for (const id of profileIds) this.stmts.upsert.run(toRow(id, rules, at));
    });
  }

  /**
   * The profile's rules; the built-in ones when it has none stored (a profile made before default rules
   * existed and never edited). `isDefault`: they are the defaults new profiles get today.
   */
  get(profileId: string): ProfileRules {
    const row = this.stmts.get.get(profileId);
    const rules = row ? fromRow(row) : { ...DEFAULT_ALERT_RULES };
    return { profileId, rules, isDefault: sameRules(rules, this.defaults()) };
  }

  /** Every profile's rules in one query (the fleet overview); `of` gives the defaults for a profile without a row. */
  all(): { of(profileId: string): AlertRules } {
    const stored = new Map(this.stmts.all.all().map((row) => [row.profile_id, fromRow(row)]));
    return { of: (profileId) => stored.get(profileId) ?? { ...DEFAULT_ALERT_RULES } };
  }

  /** The same rules for every profile named, in ONE transaction: all or none. */
  set(profileIds: string[], rules: AlertRules, at: Date): ProfileRules[] {
    try {
      this.setTx(profileIds, rules, at.getTime());
    } catch (err) {
      throw storeError(err, 'The alert rules');
    }
    return profileIds.map((id) => this.get(id));
  }

  /** Back to the defaults of the moment (Settings), in one transaction. */
  reset(profileIds: string[], at: Date): ProfileRules[] {
    return this.set(profileIds, this.defaults(), at);
  }
}
