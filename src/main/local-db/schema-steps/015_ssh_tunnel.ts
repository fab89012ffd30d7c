import type { SchemaStep } from './schema-step';

/**
 * Per profile: an optional SSH tunnel (an alias from ~/.ssh/config or a host,
 * with optional port, user and key file) and its secret (a key passphrase, or
 * the SSH password), kept encrypted like the database password and bound to
 * the SSH settings it was typed for. Existing profiles connect directly.
 */
export const step015SshTunnel: SchemaStep = {
  version: 15,
  name: 'ssh tunnel',
  up: (db) => {
    db.exec(`
      ALTER TABLE profiles ADD COLUMN ssh_host TEXT CHECK (ssh_host IS NULL OR length(ssh_host) > 0);
      ALTER TABLE profiles ADD COLUMN ssh_port INTEGER CHECK (ssh_port IS NULL OR ssh_port BETWEEN 1 AND 65535);
      ALTER TABLE profiles ADD COLUMN ssh_user TEXT;
      ALTER TABLE profiles ADD COLUMN ssh_key_file TEXT;
      ALTER TABLE profiles ADD COLUMN ssh_secret_mode TEXT NOT NULL DEFAULT 'none'
        CHECK (ssh_secret_mode IN ('none', 'store', 'ask'));
      ALTER TABLE profiles ADD COLUMN ssh_secret_cipher BLOB;
    `);
  },
};
