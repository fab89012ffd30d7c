import type { SchemaStep } from './schema-step';

/** Connection profiles. The password, if stored, is a ciphertext from the secret store. */
export const step001Profiles: SchemaStep = {
  version: 1,
  name: 'profiles',
  up: (db) => {
    db.exec(`
      CREATE TABLE profiles (
        id                   TEXT PRIMARY KEY,
        name                 TEXT NOT NULL COLLATE NOCASE UNIQUE,
        host                 TEXT NOT NULL,
        port                 INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
        database             TEXT NOT NULL,
        user_name            TEXT NOT NULL,
        sslmode              TEXT NOT NULL,
        ssl_root_cert        TEXT,
        ssl_cert             TEXT,
        ssl_key              TEXT,
        connect_timeout_sec  INTEGER NOT NULL,
        statement_timeout_ms INTEGER NOT NULL,
        pool_size            INTEGER NOT NULL CHECK (pool_size BETWEEN 1 AND 10),
        password_mode        TEXT NOT NULL CHECK (password_mode IN ('store', 'ask', 'pgpass')),
        password_cipher      BLOB,
        created_at           TEXT NOT NULL,
        updated_at           TEXT NOT NULL
      ) STRICT;
    `);
  },
};
