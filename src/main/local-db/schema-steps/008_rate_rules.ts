import type { SchemaStep } from './schema-step';

/**
 * The rules that make growth figures honest: the growth rules' comparison
 * window, an absolute growth rule in bytes a day, and how much history a
 * rate or forecast needs. Existing rows get the defaults of DEFAULT_ALERT_RULES.
 */
export const step008RateRules: SchemaStep = {
  version: 8,
  name: 'rate rules',
  up: (db) => {
    db.exec(`
      ALTER TABLE alert_rules ADD COLUMN growth_window_hours INTEGER NOT NULL DEFAULT 24
        CHECK (growth_window_hours BETWEEN 1 AND 720);
      ALTER TABLE alert_rules ADD COLUMN growth_per_day_enabled INTEGER NOT NULL DEFAULT 1
        CHECK (growth_per_day_enabled IN (0, 1));
      ALTER TABLE alert_rules ADD COLUMN growth_per_day_bytes INTEGER NOT NULL DEFAULT 10737418240
        CHECK (growth_per_day_bytes > 0);
      ALTER TABLE alert_rules ADD COLUMN rate_window_hours INTEGER NOT NULL DEFAULT 6
        CHECK (rate_window_hours BETWEEN 1 AND 720);
      ALTER TABLE alert_rules ADD COLUMN rate_min_samples INTEGER NOT NULL DEFAULT 3
        CHECK (rate_min_samples BETWEEN 3 AND 1000);
    `);
  },
};
