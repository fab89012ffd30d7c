import type { Migration } from './migration';

/** The look: 'system' follows the OS light/dark setting, 'light' and 'dark' override it. */
export const migration017Theme: Migration = {
  version: 17,
  name: 'theme',
  up: (db) => {
    db.exec(`
      ALTER TABLE settings ADD COLUMN theme TEXT NOT NULL DEFAULT 'system'
        CHECK (theme IN ('system', 'light', 'dark'));
    `);
  },
};
