import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import type { AlertNotification } from '../../src/main/alerts/notifier';
import { createTidemark, type Tidemark, type TidemarkOptions } from '../../src/main/app';
import { KeyFileSecretStore } from '../../src/main/secrets/key-file-secret-store';
import type { Alert, AlertRules } from '../../src/shared/alerts';
import { DEFAULT_ALERT_RULES } from '../../src/shared/alerts';
import type { EventOf } from '../../src/shared/contract';
import type { ProfileFields } from '../../src/shared/profile';
import type { Result } from '../../src/shared/result';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
export const KiB = 1024;
export const MiB = 1024 ** 2;

/**
 * A real Tidemark (real SQLite file in a temp folder, real logger writing to
 * <dataDir>/logs) with no timers, a clock the test moves, and a notifier
 * that records what it is asked to show.
 */
export interface AlertRig {
  app: Tidemark;
  dataDir: string;
  clock: { ms: number; advance(ms: number): Date; at(iso: string): Date };
  notified: AlertNotification[];
  badge: number[];
  changes: Array<EventOf<'alerts:changed'>>;
  addProfile(fields: ProfileFields & { password?: string }): string;
  /** A router call, as the renderer or CLI makes it; throws on an error envelope. */
  call<T = unknown>(channel: string, payload: unknown): Promise<T>;
  /** The raw envelope, for refusals. */
  dispatch(channel: string, payload: unknown): Promise<Result<unknown>>;
  setRules(profileIds: string[], rules: Partial<AlertRules>): Promise<void>;
  sample(profileId: string): Promise<void>;
  alerts(profileId: string, include?: 'active' | 'all'): Promise<Alert[]>;
  close(): Promise<void>;
}

export async function startRig(
  startIso = '2026-03-02T03:00:00Z',
  webhooks?: TidemarkOptions['webhooks'],
): Promise<AlertRig> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tidemark-alerts-'));
  const clock = {
    ms: Date.parse(startIso),
    advance(ms: number) {
      clock.ms += ms;
      return new Date(clock.ms);
    },
    at(iso: string) {
      clock.ms = Date.parse(iso);
      return new Date(clock.ms);
    },
  };
  const notified: AlertNotification[] = [];
  const badge: number[] = [];
  const app = await createTidemark({
    dataDir,
    mode: 'browser',
    secretStore: new KeyFileSecretStore(dataDir),
    now: () => new Date(clock.ms),
    background: false,
    ...(webhooks ? { webhooks } : {}),
    notifier: {
      notify: (n) => notified.push(n),
      setBadgeCount: (count) => badge.push(count),
    },
  });
  const changes: AlertRig['changes'] = [];
  app.events.subscribe((m) => {
    if (m.event === 'alerts:changed') changes.push(m.payload);
  });
  const dispatch = (channel: string, payload: unknown) => app.router.dispatch(channel, payload, 'test');
  const call = async <T>(channel: string, payload: unknown): Promise<T> => {
    const result = await dispatch(channel, payload);
    if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
    return result.value as T;
  };
  return {
    app,
    dataDir,
    clock,
    notified,
    badge,
    changes,
    addProfile: (fields) => app.profiles.create(fields).id,
    call,
    dispatch,
    setRules: async (profileIds, rules) => {
      await call('rules:set', { profileIds, rules: { ...DEFAULT_ALERT_RULES, ...rules } });
    },
    // Evaluation runs inside the 'storage:sampled' handler: when run() resolves, the alerts are stored.
    sample: async (profileId) => {
      await app.monitoring.runner.run(profileId, 'manual');
    },
    alerts: (profileId, include = 'active') => call<Alert[]>('alerts:list', { profileId, include }),
    close: () => app.close(),
  };
}

/** Size of a relation or of the current database, as the server reports it. */
export async function sizeOf(admin: pg.Client, relation?: string): Promise<number> {
  const { rows } = relation
    ? await admin.query<{ n: string }>('SELECT pg_total_relation_size($1::regclass) AS n', [relation])
    : await admin.query<{ n: string }>('SELECT pg_database_size(current_database()) AS n');
  return Number(rows[0]!.n);
}

/**
 * Inserts ~1 kB rows (stored inline, uncompressed) into `table(body text)`
 * until the relation — or, with `of: 'database'`, the whole database —
 * reaches `target` bytes. Returns the size reached.
 */
export async function growTo(
  admin: pg.Client,
  table: string,
  target: number,
  of: 'relation' | 'database' = 'relation',
): Promise<number> {
  for (;;) {
    const size = await sizeOf(admin, of === 'relation' ? table : undefined);
    if (size >= target) return size;
    const rows = Math.max(16, Math.ceil((target - size) / 1100));
    await admin.query(`INSERT INTO ${table} (body) SELECT repeat('x', 900) FROM generate_series(1, $1)`, [
      rows,
    ]);
  }
}
