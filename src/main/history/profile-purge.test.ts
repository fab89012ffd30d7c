import { describe, expect, it } from 'vitest';
import { MINUTE_MS, MiB, rel, rig, sample, saveMany, T0 } from '../../../test/support/history-fixtures';
import type { DiskFacts } from '../../shared/disk-facts';
import { AlertRepository } from '../alerts/alert-repository';
import { EventBus } from '../events';
import { ProfileRepository } from '../local-db/profile-repository';
import { ProfileService } from '../profiles/profile-service';
import { KeyFileSecretStore } from '../secrets/key-file-secret-store';
import { ProfilePurge } from './profile-purge';

const facts: DiskFacts = {
  inRecovery: false,
  wal: { bytes: MiB, files: 1 },
  slots: [
    {
      name: 'slot',
      kind: 'physical',
      database: null,
      active: true,
      walStatus: 'reserved',
      retainedBytes: MiB,
      inactiveSince: null,
      fixSql: "SELECT pg_catalog.pg_drop_replication_slot('slot');",
    },
  ],
  freezeMaxAge: 200_000_000,
  multixactFreezeMaxAge: 400_000_000,
  databases: [{ name: 'app', xidAge: 10, mxidAge: 5, tempBytes: 0, tempFiles: 0, statsReset: null }],
  oldestTables: [],
  bloat: [],
  indexes: [],
  statsReset: null,
  tablespaces: [],
  gaps: [],
  measuredAt: {
    wal: null,
    slots: null,
    databases: null,
    oldestTables: null,
    bloat: null,
    indexes: null,
    tablespaces: null,
  },
  slowGaps: [],
};

/** Samples whose relations change every sample (so runs pile up), disk facts, beats and alerts. */
function history(r: ReturnType<typeof rig>, p: string, samples: number) {
  saveMany(
    r,
    p,
    Array.from({ length: samples }, (_, i) => ({
      ...sample(T0 - (samples - i) * MINUTE_MS, [
        rel('public.events', MiB * (i + 1)),
        rel('public.events_p1', MiB * (i + 2), { parent: { schema: 'public', name: 'events' } }),
        rel('public.users', MiB),
      ]),
      diskFacts: facts,
    })),
  );
  r.db.transaction(() => {
    for (let i = 0; i < samples; i++) {
      r.history.recordBeat(p, { at: new Date(T0 - i * MINUTE_MS), ok: true, latencyMs: 2, message: null });
    }
  })();
  const alerts = new AlertRepository(r.db);
  for (let i = 0; i < 5; i++) {
    const draft = {
      kind: 'wraparound' as const,
      severity: 'warning' as const,
      subject: { type: 'database' as const, name: `db${i}`, relationId: null },
      message: 'big',
      currentBytes: MiB,
      previousBytes: null,
      growthPct: null,
    };
    alerts.raise(p, draft, new Date(T0));
  }
}

const OWNED = {
  samples: "profile_id = '$'",
  sample_databases: "sample_id IN (SELECT id FROM samples WHERE profile_id = '$')",
  relations: "profile_id = '$'",
  relation_runs: "relation_id IN (SELECT id FROM relations WHERE profile_id = '$')",
  relation_upkeep: "relation_id IN (SELECT id FROM relations WHERE profile_id = '$')",
  heartbeat_history: "profile_id = '$'",
  disk_fact_samples: "profile_id = '$'",
  disk_fact_slots: "sample_id IN (SELECT sample_id FROM disk_fact_samples WHERE profile_id = '$')",
  disk_fact_databases: "sample_id IN (SELECT sample_id FROM disk_fact_samples WHERE profile_id = '$')",
  alerts: "profile_id = '$'",
};

function rows(r: ReturnType<typeof rig>, p: string): Record<string, number> {
  return Object.fromEntries(
    Object.entries(OWNED).map(([table, where]) => [table, r.count(table, where.replaceAll('$', p))]),
  );
}

describe('deleting a profile with its history', () => {
  it('deletes the history in bounded batches, yielding between them, and leaves nothing of it', async () => {
    const r = rig();
    const gone = r.addProfile();
    const stays = r.addProfile();
    history(r, gone, 400);
    history(r, stays, 20);
    const before = rows(r, gone);
    for (const [table, n] of Object.entries(before)) expect(n, table).toBeGreaterThan(0);
    const total = Object.values(before).reduce((a, b) => a + b, 0);
    const othersBefore = rows(r, stays);

    const purge = new ProfilePurge(r.db);
    let pauses = 0;
    const result = await purge.purge(gone, {
      batchRows: 500,
      pause: async () => {
        pauses++;
      },
    });
    expect(result.rows).toBe(total);
    // Each batch is full but the last: ceil(total / 500), or one more when the last batch ended exactly full.
    expect(result.batches).toBeGreaterThanOrEqual(Math.ceil(total / 500));
    expect(result.batches).toBeLessThanOrEqual(Math.ceil(total / 500) + 1);
    expect(result.batches).toBeGreaterThan(3);
    expect(pauses).toBe(result.batches - 1);
    for (const [table, n] of Object.entries(rows(r, gone))) expect(n, table).toBe(0);
    expect(rows(r, stays)).toEqual(othersBefore);
  });

  it('is what ProfileService.delete does before the profile row goes', async () => {
    const r = rig();
    const gone = r.addProfile();
    history(r, gone, 50);
    let purged: { batches: number } | undefined;
    const purge = new ProfilePurge(r.db);
    const service = new ProfileService(
      new ProfileRepository(r.db),
      new KeyFileSecretStore(r.dir),
      () => new Date(T0),
      new EventBus(),
      {
        purge: async (id) => {
          purged = await purge.purge(id, { batchRows: 100 });
          return purged;
        },
      },
    );
    await service.delete(gone);
    expect(purged?.batches).toBeGreaterThan(1);
    for (const [table, n] of Object.entries(rows(r, gone))) expect(n, table).toBe(0);
    expect(r.count('profiles', `id = '${gone}'`)).toBe(0);
    await expect(service.delete(gone)).rejects.toThrow('no longer exists');
  });
});
