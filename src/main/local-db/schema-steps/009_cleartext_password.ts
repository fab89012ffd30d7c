import type { SchemaStep } from './schema-step';

/**
 * Per profile: may the password go in clear text (pg_hba.conf "password") over
 * a connection whose server is not verified? Off for every existing profile.
 */
export const step009CleartextPassword: SchemaStep = {
  version: 9,
  name: 'cleartext password',
  up: (db) => {
    db.exec(`
      ALTER TABLE profiles ADD COLUMN allow_cleartext_password INTEGER NOT NULL DEFAULT 0
        CHECK (allow_cleartext_password IN (0, 1));
    `);
  },
};
