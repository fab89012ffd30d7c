import type Database from 'better-sqlite3';
import type { Settings, TierSettings } from '../../shared/storage';

export const DEFAULT_TIERS: TierSettings = { tierFineMinutes: 15, tierFineDays: 7, tierHourlyDays: 30 };
export const DEFAULT_SETTINGS: Settings = {
  sampleRetentionDays: 90,
  heartbeatRetentionDays: 60,
  ...DEFAULT_TIERS,
};

/** App-wide settings: one typed row (migrations 004, 011). Validation is the contract's settingsSchema. */
export class SettingsRepository {
  private readonly stmts;

  constructor(db: Database.Database) {
    this.stmts = {
      get: db.prepare<[], Required<Settings>>(`
        SELECT sample_retention_days AS sampleRetentionDays, heartbeat_retention_days AS heartbeatRetentionDays,
               tier_fine_minutes AS tierFineMinutes, tier_fine_days AS tierFineDays,
               tier_hourly_days AS tierHourlyDays
        FROM settings WHERE id = 1`),
      put: db.prepare<[Required<Settings>]>(`
        INSERT INTO settings (id, sample_retention_days, heartbeat_retention_days, tier_fine_minutes, tier_fine_days,
                              tier_hourly_days)
        VALUES (1, @sampleRetentionDays, @heartbeatRetentionDays, @tierFineMinutes, @tierFineDays, @tierHourlyDays)
        ON CONFLICT (id) DO UPDATE SET sample_retention_days = excluded.sample_retention_days,
          heartbeat_retention_days = excluded.heartbeat_retention_days,
          tier_fine_minutes = excluded.tier_fine_minutes, tier_fine_days = excluded.tier_fine_days,
          tier_hourly_days = excluded.tier_hourly_days`),
    };
  }

  get(): Required<Settings> {
    return this.stmts.get.get() ?? { ...DEFAULT_SETTINGS, ...DEFAULT_TIERS };
  }

  tiers(): TierSettings {
    const { tierFineMinutes, tierFineDays, tierHourlyDays } = this.get();
    return { tierFineMinutes, tierFineDays, tierHourlyDays };
  }

  /** Fields left out keep their stored value (older callers send the retention only). */
  update(settings: Settings): Required<Settings> {
    const current = this.get();
    this.stmts.put.run({
      sampleRetentionDays: settings.sampleRetentionDays,
      heartbeatRetentionDays: settings.heartbeatRetentionDays,
      tierFineMinutes: settings.tierFineMinutes ?? current.tierFineMinutes,
      tierFineDays: settings.tierFineDays ?? current.tierFineDays,
      tierHourlyDays: settings.tierHourlyDays ?? current.tierHourlyDays,
    });
    return this.get();
  }
}
