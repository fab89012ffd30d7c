import type Database from 'better-sqlite3';
import type { Settings, SettingsUpdate, TierSettings } from '../../shared/storage';

export const DEFAULT_TIERS: TierSettings = { tierFineMinutes: 15, tierFineDays: 7, tierHourlyDays: 30 };
export const DEFAULT_SETTINGS: Settings = {
  sampleRetentionDays: 90,
  heartbeatRetentionDays: 60,
  databaseSizeEveryMinutes: 60,
  slowDiskFactsEveryMinutes: 60,
  ...DEFAULT_TIERS,
  theme: 'system',
};

/** App-wide settings: one typed row (schema steps 004, 011, 012, 017, 020). Validation is the contract's settingsSchema. */
export class SettingsRepository {
  private readonly stmts;

  constructor(db: Database.Database) {
    this.stmts = {
      get: db.prepare<[], Settings>(`
        SELECT sample_retention_days AS sampleRetentionDays, heartbeat_retention_days AS heartbeatRetentionDays,
               database_size_every_minutes AS databaseSizeEveryMinutes,
               slow_disk_facts_every_minutes AS slowDiskFactsEveryMinutes,
               tier_fine_minutes AS tierFineMinutes, tier_fine_days AS tierFineDays,
               tier_hourly_days AS tierHourlyDays, theme
        FROM settings WHERE id = 1`),
      put: db.prepare<[Settings]>(`
        INSERT INTO settings (id, sample_retention_days, heartbeat_retention_days, database_size_every_minutes,
                              slow_disk_facts_every_minutes, tier_fine_minutes, tier_fine_days, tier_hourly_days, theme)
        VALUES (1, @sampleRetentionDays, @heartbeatRetentionDays, @databaseSizeEveryMinutes,
                @slowDiskFactsEveryMinutes, @tierFineMinutes, @tierFineDays, @tierHourlyDays, @theme)
        ON CONFLICT (id) DO UPDATE SET sample_retention_days = excluded.sample_retention_days,
          heartbeat_retention_days = excluded.heartbeat_retention_days,
          database_size_every_minutes = excluded.database_size_every_minutes,
          slow_disk_facts_every_minutes = excluded.slow_disk_facts_every_minutes,
          tier_fine_minutes = excluded.tier_fine_minutes, tier_fine_days = excluded.tier_fine_days,
          tier_hourly_days = excluded.tier_hourly_days, theme = excluded.theme`),
    };
  }

  get(): Settings {
    return this.stmts.get.get() ?? { ...DEFAULT_SETTINGS };
  }

  tiers(): TierSettings {
    const { tierFineMinutes, tierFineDays, tierHourlyDays } = this.get();
    return { tierFineMinutes, tierFineDays, tierHourlyDays };
  }

  /** Fields left out keep their stored value (older callers send the retention only). */
  update(update: SettingsUpdate): Settings {
    const current = this.get();
    const defined = Object.fromEntries(Object.entries(update).filter(([, v]) => v !== undefined));
    this.stmts.put.run({ ...current, ...defined } as Settings);
    return this.get();
  }
}
