import type Database from 'better-sqlite3';
import { type AlertRules, alertRulesSchema, DEFAULT_ALERT_RULES } from '../../shared/alerts';
import {
  DEFAULT_SETTINGS,
  type Settings,
  type SettingsUpdate,
  type TierSettings,
} from '../../shared/storage';

type Row = Omit<Settings, 'defaultRules' | 'notifyDesktop'> & {
  defaultRules: string | null;
  notifyDesktop: number;
};

/**
 * Stored default rules, read leniently: a rule added by a later version takes its built-in default,
 * and rules that no longer validate fall back to the built-in ones rather than block the app.
 */
function rulesOf(json: string | null): AlertRules {
  if (json === null) return { ...DEFAULT_ALERT_RULES };
  const parsed = alertRulesSchema.safeParse({ ...DEFAULT_ALERT_RULES, ...(JSON.parse(json) as object) });
  return parsed.success ? parsed.data : { ...DEFAULT_ALERT_RULES };
}

/** App-wide settings: one typed row (schema steps 004, 011, 012, 017, 018, 020, 022). Validation is the contract's settingsSchema. */
export class SettingsRepository {
  private readonly stmts;

  constructor(db: Database.Database) {
    this.stmts = {
      get: db.prepare<[], Row>(`
        SELECT sample_retention_days AS sampleRetentionDays, heartbeat_retention_days AS heartbeatRetentionDays,
               database_size_every_minutes AS databaseSizeEveryMinutes,
               slow_disk_facts_every_minutes AS slowDiskFactsEveryMinutes, upkeep_every_minutes AS upkeepEveryMinutes,
               tier_fine_minutes AS tierFineMinutes, tier_fine_days AS tierFineDays,
               tier_hourly_days AS tierHourlyDays, theme, default_schedule AS defaultSchedule,
               default_heartbeat_seconds AS defaultHeartbeatSeconds, default_alert_rules AS defaultRules,
               notify_desktop AS notifyDesktop, notify_min_severity AS notifyMinSeverity
        FROM settings WHERE id = 1`),
      put: db.prepare<[Row]>(`
        INSERT INTO settings (id, sample_retention_days, heartbeat_retention_days, database_size_every_minutes,
                              slow_disk_facts_every_minutes, upkeep_every_minutes, tier_fine_minutes, tier_fine_days, tier_hourly_days, theme,
                              default_schedule, default_heartbeat_seconds, default_alert_rules, notify_desktop,
                              notify_min_severity)
        VALUES (1, @sampleRetentionDays, @heartbeatRetentionDays, @databaseSizeEveryMinutes,
                @slowDiskFactsEveryMinutes, @upkeepEveryMinutes, @tierFineMinutes, @tierFineDays, @tierHourlyDays, @theme, @defaultSchedule,
                @defaultHeartbeatSeconds, @defaultRules, @notifyDesktop, @notifyMinSeverity)
        ON CONFLICT (id) DO UPDATE SET sample_retention_days = excluded.sample_retention_days,
          heartbeat_retention_days = excluded.heartbeat_retention_days,
          database_size_every_minutes = excluded.database_size_every_minutes,
          slow_disk_facts_every_minutes = excluded.slow_disk_facts_every_minutes,
          upkeep_every_minutes = excluded.upkeep_every_minutes,
          tier_fine_minutes = excluded.tier_fine_minutes, tier_fine_days = excluded.tier_fine_days,
          tier_hourly_days = excluded.tier_hourly_days, theme = excluded.theme,
          default_schedule = excluded.default_schedule, default_heartbeat_seconds = excluded.default_heartbeat_seconds,
          default_alert_rules = excluded.default_alert_rules, notify_desktop = excluded.notify_desktop,
          notify_min_severity = excluded.notify_min_severity`),
    };
  }

  get(): Settings {
    const row = this.stmts.get.get();
    if (!row) return { ...DEFAULT_SETTINGS };
    return { ...row, defaultRules: rulesOf(row.defaultRules), notifyDesktop: row.notifyDesktop === 1 };
  }

  tiers(): TierSettings {
    const { tierFineMinutes, tierFineDays, tierHourlyDays } = this.get();
    return { tierFineMinutes, tierFineDays, tierHourlyDays };
  }

  /** Fields left out keep their stored value (older callers send the retention only). */
  update(update: SettingsUpdate): Settings {
    const current = this.get();
    const defined = Object.fromEntries(Object.entries(update).filter(([, v]) => v !== undefined));
    const next = { ...current, ...defined } as Settings;
    this.stmts.put.run({
      ...next,
      defaultRules: JSON.stringify(next.defaultRules),
      notifyDesktop: next.notifyDesktop ? 1 : 0,
    });
    return this.get();
  }
}
