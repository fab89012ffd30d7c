import type { SchemaStep } from './schema-step';

/** The look: 'system' follows the OS light/dark setting, 'light' and 'dark' override it. */
export const step017Theme: SchemaStep = {
  version: 17,
  name: 'theme',
  up: (db) => {
    db.exec(`
      ALTER TABLE settings ADD COLUMN theme TEXT NOT NULL DEFAULT 'system'
        CHECK (theme IN ('system', 'light', 'dark'));
    `);
  },
};
