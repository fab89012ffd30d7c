import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { step004SettingsAndSchedules } from './004_settings_and_schedules';
import { step017Theme } from './017_theme';

describe('migration 017: theme', () => {
  it('keeps the stored settings, follows the system by default and refuses an unknown theme', () => {
    const db = new Database(':memory:');
    step004SettingsAndSchedules.up(db);
    db.exec('UPDATE settings SET sample_retention_days = 30');

    step017Theme.up(db);
    expect(db.prepare('SELECT sample_retention_days AS days, theme FROM settings').get()).toEqual({
      days: 30,
      theme: 'system',
    });
    db.exec(`UPDATE settings SET theme = 'dark'`);
    expect(() => db.exec(`UPDATE settings SET theme = 'blue'`)).toThrow(/CHECK/);
  });
});
