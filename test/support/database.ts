import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { type ProfileFields, type ProfileInput, profileInputSchema } from '../../src/shared/profile';
import './context';
import type { PostgresInfo } from './servers';

export interface TestDatabase {
  /** The database's name on its test server. */
  name: string;
  /** A profile that reaches it as the superuser over TCP (sslmode 'prefer', the product default). */
  fields: ProfileFields;
  /** The superuser's password (profiles never hold it: pass it next to them, as the app does). */
  password: string;
  server: PostgresInfo;
  /** The same profile with some fields changed, run through the real profile schema. */
  profile(overrides?: Partial<ProfileInput>): ProfileFields;
  /** A connected superuser client on this database, ended by cleanup(). */
  admin(): Promise<pg.Client>;
  /** Ends admin clients and drops the database (also kicking out leftover sessions). */
  cleanup(): Promise<void>;
}

function serverClient(server: PostgresInfo, database: string): pg.Client {
  return new pg.Client({
    host: server.host,
    port: server.port,
    user: server.user,
    password: server.password,
    database,
    ssl: false,
  });
}

/** The real servers a suite can run against: PostgreSQL 18 (embedded) and 15 (Debian). */
export const testServers = ['postgres', 'postgres15'] as const;
export type TestServer = (typeof testServers)[number];

/** A fresh database on a test server (PostgreSQL 18 unless said), one per test file. */
export async function createTestDatabase(label: string, on: TestServer = 'postgres'): Promise<TestDatabase> {
  const server = inject(on);
  const slug = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 30);
  const name = `t_${slug}_${randomBytes(4).toString('hex')}`;

  const root = serverClient(server, 'postgres');
  await root.connect();
  try {
    await root.query(`CREATE DATABASE ${root.escapeIdentifier(name)}`);
  } finally {
    await root.end();
  }

  const base: ProfileInput = {
    name: `test ${label}`,
    host: server.host,
    port: server.port,
    database: name,
    user: server.user,
    sslmode: 'prefer',
    connectTimeoutSec: 10,
    passwordMode: 'store',
  };
  const profile = (overrides: Partial<ProfileInput> = {}) =>
    profileInputSchema.parse({ ...base, ...overrides });
  const admins: pg.Client[] = [];

  return {
    name,
    fields: profile(),
    password: server.password,
    server,
    profile,
    admin: async () => {
      const client = serverClient(server, name);
      // A test that terminates sessions may hit this one: never crash the worker.
      client.on('error', () => {});
      await client.connect();
      admins.push(client);
      return client;
    },
    cleanup: async () => {
      await Promise.allSettled(admins.map((c) => c.end()));
      const dropper = serverClient(server, 'postgres');
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS ${dropper.escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}
