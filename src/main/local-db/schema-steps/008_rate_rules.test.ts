import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_RULES } from '../../../shared/alerts';
import { step001Profiles } from './001_profiles';
import { step006Alerts } from './006_alerts';
import { step008RateRules } from './008_rate_rules';

function dbWithRulesRow() {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  step001Profiles.up(db);
  step006Alerts.up(db);
  db.exec(
    `INSERT INTO profiles VALUES ('p','Prod','h',5432,'d','u','prefer',NULL,NULL,NULL,10,15000,2,'pgpass',NULL,'t','t')`,
  );
  // A profile with rules of its own, stored before this step.
  db.exec(`INSERT INTO alert_rules VALUES ('p', 1, 15, 1073741824, 1, 20, 1, 53687091200, 1, 14, 1, 5, 1)`);
  return db;
}

describe('migration 008: rate rules', () => {
  it('gives rules stored before it the defaults, and keeps what they had', () => {
    const db = dbWithRulesRow();
    step008RateRules.up(db);
    const row = db.prepare('SELECT * FROM alert_rules').get() as Record<string, number>;
    expect(row).toMatchObject({
      growth_warning_pct: 15,
      growth_window_hours: DEFAULT_ALERT_RULES.growthWindowHours,
      growth_per_day_enabled: 1,
      growth_per_day_bytes: DEFAULT_ALERT_RULES.growthPerDayBytes,
      rate_window_hours: DEFAULT_ALERT_RULES.rateWindowHours,
      rate_min_samples: DEFAULT_ALERT_RULES.rateMinSamples,
    });
  });

  it('refuses what the rules schema refuses', () => {
    const db = dbWithRulesRow();
    step008RateRules.up(db);
    const set = (column: string, value: number) => () =>
      db.prepare(`UPDATE alert_rules SET ${column} = ?`).run(value);
    expect(set('growth_window_hours', 0)).toThrow(/CHECK/);
    expect(set('growth_window_hours', 721)).toThrow(/CHECK/);
    expect(set('growth_per_day_enabled', 2)).toThrow(/CHECK/);
    expect(set('growth_per_day_bytes', 0)).toThrow(/CHECK/);
    expect(set('rate_window_hours', 0)).toThrow(/CHECK/);
    expect(set('rate_min_samples', 2)).toThrow(/CHECK/);
    set('rate_min_samples', 12)();
    expect(db.prepare('SELECT rate_min_samples FROM alert_rules').pluck().get()).toBe(12);
  });
});
