import type Database from 'better-sqlite3';
import type { PasswordMode, Profile, ProfileFields, SshSecretMode, SslMode } from '../../shared/profile';

interface ProfileRow {
  id: string;
  name: string;
  host: string;
  port: number;
  database: string;
  user_name: string;
  sslmode: string;
  ssl_root_cert: string | null;
  ssl_cert: string | null;
  ssl_key: string | null;
  connect_timeout_sec: number;
  statement_timeout_ms: number;
  pool_size: number;
  password_mode: string;
  password_cipher: Buffer | null;
  allow_cleartext_password: number;
  tags: string;
  disk_bytes: number | null;
  ssh_host: string | null;
  ssh_port: number | null;
  ssh_user: string | null;
  ssh_key_file: string | null;
  ssh_secret_mode: string;
  ssh_secret_cipher: Buffer | null;
  created_at: string;
  updated_at: string;
  archived_at: string | null;
}

export interface StoredProfile {
  profile: Profile;
  passwordCipher: Buffer | null;
  sshSecretCipher: Buffer | null;
}

/** The ciphertexts kept with a profile. */
export interface ProfileCiphers {
  password: Buffer | null;
  sshSecret: Buffer | null;
}

function toStored(row: ProfileRow): StoredProfile {
  return {
    passwordCipher: row.password_cipher,
    sshSecretCipher: row.ssh_secret_cipher,
    profile: {
      id: row.id,
      name: row.name,
      host: row.host,
      port: row.port,
      database: row.database,
      user: row.user_name,
      sslmode: row.sslmode as SslMode,
      sslRootCert: row.ssl_root_cert ?? undefined,
      sslCert: row.ssl_cert ?? undefined,
      sslKey: row.ssl_key ?? undefined,
      connectTimeoutSec: row.connect_timeout_sec,
      statementTimeoutMs: row.statement_timeout_ms,
      poolSize: row.pool_size,
      passwordMode: row.password_mode as PasswordMode,
      allowCleartextPassword: row.allow_cleartext_password === 1,
      tags: JSON.parse(row.tags) as string[],
      diskBytes: row.disk_bytes,
      hasStoredPassword: row.password_cipher !== null,
      sshHost: row.ssh_host ?? undefined,
      sshPort: row.ssh_port ?? undefined,
      sshUser: row.ssh_user ?? undefined,
      sshKeyFile: row.ssh_key_file ?? undefined,
      sshSecretMode: row.ssh_secret_mode as SshSecretMode,
      hasStoredSshSecret: row.ssh_secret_cipher !== null,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      ...(row.archived_at ? { archivedAt: row.archived_at } : {}),
    },
  };
}

function params(id: string, f: ProfileFields, ciphers: ProfileCiphers, now: string) {
  return {
    id,
    name: f.name,
    host: f.host,
    port: f.port,
    database: f.database,
    user_name: f.user,
    sslmode: f.sslmode,
    ssl_root_cert: f.sslRootCert ?? null,
    ssl_cert: f.sslCert ?? null,
    ssl_key: f.sslKey ?? null,
    connect_timeout_sec: f.connectTimeoutSec,
    statement_timeout_ms: f.statementTimeoutMs,
    pool_size: f.poolSize,
    password_mode: f.passwordMode,
    password_cipher: ciphers.password,
    allow_cleartext_password: f.allowCleartextPassword ? 1 : 0,
    tags: JSON.stringify(f.tags),
    disk_bytes: f.diskBytes,
    ssh_host: f.sshHost ?? null,
    ssh_port: f.sshPort ?? null,
    ssh_user: f.sshUser ?? null,
    ssh_key_file: f.sshKeyFile ?? null,
    ssh_secret_mode: f.sshSecretMode,
    ssh_secret_cipher: ciphers.sshSecret,
    now,
  };
}

/** Profiles in SQLite, through prepared statements. Knows nothing of validation or secrets. */
export class ProfileRepository {
  private readonly stmts;

  constructor(db: Database.Database) {
    this.stmts = {
      all: db.prepare<[], ProfileRow>(
        'SELECT * FROM profiles WHERE archived_at IS NULL ORDER BY name COLLATE NOCASE',
      ),
      archived: db.prepare<[], ProfileRow>(
        'SELECT * FROM profiles WHERE archived_at IS NOT NULL ORDER BY name COLLATE NOCASE',
      ),
      // Secrets go; a stored password becomes "ask every time", so a restored profile asks for it.
      archive: db.prepare<[{ id: string; now: string }]>(`
        UPDATE profiles SET archived_at = @now, password_cipher = NULL, ssh_secret_cipher = NULL,
          password_mode = CASE password_mode WHEN 'store' THEN 'ask' ELSE password_mode END,
          ssh_secret_mode = CASE ssh_secret_mode WHEN 'store' THEN 'ask' ELSE ssh_secret_mode END,
          updated_at = @now
        WHERE id = @id AND archived_at IS NULL`),
      restore: db.prepare<[{ id: string; now: string }]>(
        'UPDATE profiles SET archived_at = NULL, updated_at = @now WHERE id = @id AND archived_at IS NOT NULL',
      ),
      byId: db.prepare<[string], ProfileRow>('SELECT * FROM profiles WHERE id = ?'),
      byName: db.prepare<[string], ProfileRow>('SELECT * FROM profiles WHERE name = ?'),
      insert: db.prepare(`
        INSERT INTO profiles (id, name, host, port, database, user_name, sslmode, ssl_root_cert, ssl_cert, ssl_key,
          connect_timeout_sec, statement_timeout_ms, pool_size, password_mode, password_cipher, allow_cleartext_password,
          tags, disk_bytes, ssh_host, ssh_port, ssh_user, ssh_key_file, ssh_secret_mode, ssh_secret_cipher,
          created_at, updated_at)
        VALUES (@id, @name, @host, @port, @database, @user_name, @sslmode, @ssl_root_cert, @ssl_cert, @ssl_key,
          @connect_timeout_sec, @statement_timeout_ms, @pool_size, @password_mode, @password_cipher,
          @allow_cleartext_password, @tags, @disk_bytes, @ssh_host, @ssh_port, @ssh_user, @ssh_key_file,
          @ssh_secret_mode, @ssh_secret_cipher, @now, @now)`),
      update: db.prepare(`
        UPDATE profiles SET name = @name, host = @host, port = @port, database = @database, user_name = @user_name,
          sslmode = @sslmode, ssl_root_cert = @ssl_root_cert, ssl_cert = @ssl_cert, ssl_key = @ssl_key,
          connect_timeout_sec = @connect_timeout_sec, statement_timeout_ms = @statement_timeout_ms,
          pool_size = @pool_size, password_mode = @password_mode, password_cipher = @password_cipher,
          allow_cleartext_password = @allow_cleartext_password, tags = @tags, disk_bytes = @disk_bytes,
          ssh_host = @ssh_host, ssh_port = @ssh_port, ssh_user = @ssh_user, ssh_key_file = @ssh_key_file,
          ssh_secret_mode = @ssh_secret_mode, ssh_secret_cipher = @ssh_secret_cipher, updated_at = @now
        WHERE id = @id`),
      delete: db.prepare<[string]>('DELETE FROM profiles WHERE id = ?'),
      setCipher: db.prepare<[Buffer, string]>('UPDATE profiles SET password_cipher = ? WHERE id = ?'),
    };
  }

  /** Live profiles: the ones watched. Archived ones are listed by `archived()`. */
  list(): StoredProfile[] {
    return this.stmts.all.all().map(toStored);
  }

  archived(): StoredProfile[] {
    return this.stmts.archived.all().map(toStored);
  }

  /** Stops being watched, secrets dropped; its history rows keep pointing at it. False if not live. */
  archive(id: string, now: string): boolean {
    return this.stmts.archive.run({ id, now }).changes > 0;
  }

  restore(id: string, now: string): boolean {
    return this.stmts.restore.run({ id, now }).changes > 0;
  }

  get(id: string): StoredProfile | undefined {
    const row = this.stmts.byId.get(id);
    return row ? toStored(row) : undefined;
  }

  findByName(name: string): StoredProfile | undefined {
    const row = this.stmts.byName.get(name);
    return row ? toStored(row) : undefined;
  }

  insert(id: string, fields: ProfileFields, ciphers: ProfileCiphers, now: string): void {
    this.stmts.insert.run(params(id, fields, ciphers, now));
  }

  update(id: string, fields: ProfileFields, ciphers: ProfileCiphers, now: string): void {
    this.stmts.update.run(params(id, fields, ciphers, now));
  }

  /** Re-encrypts in place (binding an old ciphertext to its server); not an edit of the profile. */
  setPasswordCipher(id: string, cipher: Buffer): void {
    this.stmts.setCipher.run(cipher, id);
  }

  delete(id: string): boolean {
    return this.stmts.delete.run(id).changes > 0;
  }
}
