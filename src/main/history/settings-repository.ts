import type Database from 'better-sqlite3';
import type { Settings, SettingsUpdate } from '../../shared/storage';

export const DEFAULT_SETTINGS: Settings = {
  sampleRetentionDays: 90,
  heartbeatRetentionDays: 60,
  databaseSizeEveryMinutes: 60,
};

/** App-wide settings: one typed row (created by migration 004). Validation is the contract's settingsSchema. */
export class SettingsRepository {
  private readonly stmts;

  constructor(db: Database.Database) {
    this.stmts = {
      get: db.prepare<[], Settings>(`
        SELECT sample_retention_days AS sampleRetentionDays, heartbeat_retention_days AS heartbeatRetentionDays,
               database_size_every_minutes AS databaseSizeEveryMinutes
        FROM settings WHERE id = 1`),
      put: db.prepare<[Settings]>(`
        INSERT INTO settings (id, sample_retention_days, heartbeat_retention_days, database_size_every_minutes)
        VALUES (1, @sampleRetentionDays, @heartbeatRetentionDays, @databaseSizeEveryMinutes)
        ON CONFLICT (id) DO UPDATE SET sample_retention_days = excluded.sample_retention_days,
          heartbeat_retention_days = excluded.heartbeat_retention_days,
          database_size_every_minutes = excluded.database_size_every_minutes`),
    };
  }

  get(): Settings {
    return this.stmts.get.get() ?? { ...DEFAULT_SETTINGS };
  }

  update(update: SettingsUpdate): Settings {
    const settings = { ...this.get(), ...update };
    this.stmts.put.run({
      sampleRetentionDays: settings.sampleRetentionDays,
      heartbeatRetentionDays: settings.heartbeatRetentionDays,
      databaseSizeEveryMinutes: update.databaseSizeEveryMinutes ?? settings.databaseSizeEveryMinutes,
    });
    return this.get();
  }
}
