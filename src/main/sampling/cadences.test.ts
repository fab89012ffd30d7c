import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, type TestServer } from '../../../test/support/database';
import type { DiskFactsView } from '../../shared/disk-facts';
import type { RelationPage, StorageOverview } from '../../shared/storage';
import { createTidemark, type Tidemark } from '../app';
import { DB_FILE } from '../local-db/database';
import { KeyFileSecretStore } from '../secrets/key-file-secret-store';

/**
 * The slower cadences through the app as the timers run them. A scheduled
 * sample carries the oldest tables, bloat estimate, index findings and
 * tablespaces of the sample that last read them until
 * settings.slowDiskFactsEveryMinutes has passed, and the relations' dead tuples
 * and vacuum/analyze times until settings.upkeepEveryMinutes has (the relation
 * statement then does not read them, and none are stored); WAL, slots, the
 * databases' ages and the sizes are read every time. Each carried figure says
 * when it was read. The DBA's "Sample now" reads everything.
 */
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe.each<TestServer>(['postgres', 'postgres15'])('the slower cadences on %s', (server) => {
  let app: Tidemark;
  let db: TestDatabase;
  let dataDir: string;
  let clock = Date.parse('2026-03-02T12:00:00Z');

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tidemark-cadences-'));
    db = await createTestDatabase('cadences', server);
    app = await createTidemark({
      dataDir,
      mode: 'browser',
      secretStore: new KeyFileSecretStore(dataDir),
      now: () => new Date(clock),
    });
  });
  afterAll(async () => {
    await app?.close();
    await db?.cleanup();
  });

  interface Seen {
    disk: DiskFactsView;
    overview: NonNullable<StorageOverview['latest']>;
    widgets: RelationPage['rows'][number];
  }

  /** One sample at `at`, as the schedule takes it or as the DBA's "Sample now" does, and what the app shows then. */
  async function sampleAt(profileId: string, at: number, reason: 'schedule' | 'manual'): Promise<Seen> {
    clock = at;
    if (reason === 'manual') {
      expect(await app.router.dispatch('storage:sampleNow', { profileId })).toMatchObject({ ok: true });
    } else {
      await app.monitoring.runner.run(profileId, 'schedule');
    }
    const value = async <T>(result: Promise<unknown>) => ((await result) as { value: T }).value;
    const disk = await value<DiskFactsView>(app.router.dispatch('storage:getDiskFacts', { profileId }));
    const overview = await value<StorageOverview>(
      app.router.dispatch('storage:getOverview', { profileId, relations: false }),
    );
    const page = await value<RelationPage>(
      app.router.dispatch('storage:listRelations', {
        profileId,
        query: { offset: 0, limit: 50, search: 'widgets' },
      }),
    );
    const widgets = page.rows.find((r) => r.name === 'widgets');
    expect(widgets).toBeDefined();
    return { disk, overview: overview.latest!, widgets: widgets! };
  }

  it('carries the slow disk facts and the upkeep figures until due, with their time; Sample now reads all', async () => {
    const admin = await db.admin();
    await admin.query('CREATE TABLE widgets (id int, v text); CREATE INDEX widgets_v ON widgets (v)');
    const { id } = app.profiles.create({ ...db.fields, password: db.password });
    app.monitoring.history.settings.update({
      sampleRetentionDays: 90,
      heartbeatRetentionDays: 60,
      slowDiskFactsEveryMinutes: 30,
      upkeepEveryMinutes: 60,
    });
    const t0 = clock;
    const first = await sampleAt(id, t0, 'schedule');
    expect(Object.values(first.disk.facts.measuredAt)).toEqual(Array(7).fill(iso(t0)));
    expect(first.disk.facts.indexes.map((i) => i.name)).toContain('widgets_v');
    expect(first.overview.upkeepReadAt).toBe(iso(t0));
    expect(first.widgets.lastVacuum).toBeNull();

    // A new unused index and a vacuum are not seen until their cadence comes round...
    await admin.query('CREATE INDEX widgets_id ON widgets (id)');
    await admin.query('VACUUM widgets');
    const second = await sampleAt(id, t0 + 10 * MIN, 'schedule');
    expect(second.disk.facts.measuredAt).toMatchObject({
      slots: iso(t0 + 10 * MIN),
      databases: iso(t0 + 10 * MIN),
      oldestTables: iso(t0),
      bloat: iso(t0),
      indexes: iso(t0),
      tablespaces: iso(t0),
    });
    expect(second.disk.facts.indexes).toEqual(first.disk.facts.indexes);
    expect(second.disk.facts.oldestTables).toEqual(first.disk.facts.oldestTables);
    // The history carries the upkeep read at t0 (never vacuumed then), and says so; the sizes are today's.
    expect(second.overview.takenAt).toBe(iso(t0 + 10 * MIN));
    expect(second.overview.upkeepReadAt).toBe(iso(t0));
    expect(second.widgets.lastVacuum).toBeNull();
    expect(second.widgets.deadTuples).toBe(first.widgets.deadTuples);
    expect(second.widgets.totalBytes).toBeGreaterThan(0);

    // ...or until the DBA asks: "Sample now" reads everything.
    const manual = await sampleAt(id, t0 + 15 * MIN, 'manual');
    expect(Object.values(manual.disk.facts.measuredAt)).toEqual(Array(7).fill(iso(t0 + 15 * MIN)));
    expect(manual.disk.facts.indexes.map((i) => i.name)).toContain('widgets_id');
    expect(manual.overview.upkeepReadAt).toBe(iso(t0 + 15 * MIN));
    expect(manual.widgets.lastVacuum).not.toBeNull();
    const vacuumed = manual.widgets.lastVacuum;

    // The next scheduled samples carry from the manual one until each cadence is due again.
    await admin.query('VACUUM widgets');
    const third = await sampleAt(id, t0 + 50 * MIN, 'schedule');
    expect(third.disk.facts.measuredAt.bloat).toBe(iso(t0 + 50 * MIN));
    expect(third.overview.upkeepReadAt).toBe(iso(t0 + 15 * MIN));
    expect(third.widgets.lastVacuum).toBe(vacuumed);
    const fourth = await sampleAt(id, t0 + 75 * MIN, 'schedule');
    expect(fourth.overview.upkeepReadAt).toBe(iso(t0 + 75 * MIN));
    expect(Date.parse(fourth.widgets.lastVacuum!)).toBeGreaterThan(Date.parse(vacuumed!));

    // Reading the history back: every sample holds the upkeep it carried, none stored by the carrying ones.
    const file = new Database(join(dataDir, DB_FILE), { readonly: true });
    const stored = file
      .prepare<[], { taken_at: number; upkeep_at: number | null; upkeep_rows: number }>(`
        SELECT s.taken_at, s.upkeep_at,
               (SELECT count(*) FROM relation_upkeep u JOIN relations r ON r.id = u.relation_id
                WHERE r.profile_id = s.profile_id AND u.taken_at = s.taken_at) AS upkeep_rows
        FROM samples s ORDER BY s.taken_at`)
      .all();
    expect(stored.map((s) => [s.taken_at - t0, s.upkeep_at === null ? null : s.upkeep_at - t0])).toEqual([
      [0, null],
      [10 * MIN, 0],
      [15 * MIN, null],
      [50 * MIN, 15 * MIN],
      [75 * MIN, null],
    ]);
    expect(stored.map((s) => s.upkeep_rows > 0)).toEqual([true, false, true, false, true]);
    file.close();
    await admin.end();
  });
});
