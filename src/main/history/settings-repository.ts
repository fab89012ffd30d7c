import type Database from 'better-sqlite3';
import type { Settings } from '../../shared/storage';

export const DEFAULT_SETTINGS: Settings = { sampleRetentionDays: 90, heartbeatRetentionDays: 60 };

/** App-wide settings: one typed row (created by migration 004). Validation is the contract's settingsSchema. */
export class SettingsRepository {
  private readonly stmts;

  constructor(db: Database.Database) {
    this.stmts = {
      get: db.prepare<[], Settings>(`
        SELECT sample_retention_days AS sampleRetentionDays, heartbeat_retention_days AS heartbeatRetentionDays
        FROM settings WHERE id = 1`),
      put: db.prepare<[Settings]>(`
        INSERT INTO settings (id, sample_retention_days, heartbeat_retention_days)
        VALUES (1, @sampleRetentionDays, @heartbeatRetentionDays)
        ON CONFLICT (id) DO UPDATE SET sample_retention_days = excluded.sample_retention_days,
          heartbeat_retention_days = excluded.heartbeat_retention_days`),
    };
  }

  get(): Settings {
    return this.stmts.get.get() ?? { ...DEFAULT_SETTINGS };
  }

  update(settings: Settings): Settings {
    this.stmts.put.run({
      sampleRetentionDays: settings.sampleRetentionDays,
      heartbeatRetentionDays: settings.heartbeatRetentionDays,
    });
    return this.get();
  }
}
