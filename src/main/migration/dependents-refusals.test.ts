import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testServers } from '../../../test/support/database';
import {
  type Engine,
  PROFILE,
  plan,
  runToEnd,
  startEngine,
  why,
} from '../../../test/support/migration-engine';

/**
 * What the pre-flight refuses about the objects around a table (a foreign key
 * on the id alone, rules, exclusion constraints, publications with a row
 * filter...), each with the fix it proposes; and a partitioned table that
 * references the table. Split from dependents.test.ts, which moves the objects.
 */

let db: TestDatabase;
let admin: pg.Client;
let engine: Engine;
const tag = randomBytes(3).toString('hex');

describe.each(testServers)('on %s', (server) => {
  beforeAll(async () => {
    db = await createTestDatabase('migration refusals', server);
    admin = await db.admin();
    engine = startEngine(db.profile({ poolSize: 1 }), db.password);
  });
  afterAll(async () => {
    await engine?.close();
    await db?.cleanup();
  });

  describe('what the pre-flight refuses, with the fix', () => {
    const preflight = (table: string, settings = {}) =>
      engine.dispatch('migration:preflight', {
        profileId: PROFILE,
        schema: 'public',
        table,
        timeColumn: 't',
        target: 'partitions',
        settings: { acceptCompositeKey: true, confirmedFreeBytes: 1e12, ...settings },
      });

    it('a foreign key that references the id alone: blocking unless the DBA accepts dropping it', async () => {
      await admin.query(`
        CREATE TABLE public.parent (id int PRIMARY KEY, t timestamptz NOT NULL);
        CREATE TABLE public.child (parent_id int REFERENCES public.parent (id))`);
      const report = await preflight('parent');
      const item = report.items.find((i) => i.id.startsWith('dependent:fk_in:'));
      expect(item).toMatchObject({
        status: 'blocking',
        reason: expect.stringMatching(/will not be unique/),
        fix: expect.stringMatching(/reference \(\\?"?parent_id|"t"|dropUnsupportedForeignKeys/),
      });
      const accepted = await preflight('parent', { dropUnsupportedForeignKeys: true });
      expect(accepted.items.find((i) => i.id.startsWith('dependent:fk_in:'))?.status).toBe('warning');
      expect(accepted.blocked).toBe(false);
    });

    it('rules, exclusion constraints and materialized views with views on them are blocking', async () => {
      await admin.query(`
        CREATE EXTENSION IF NOT EXISTS btree_gist;
        CREATE TABLE public.ruled (id int PRIMARY KEY, t timestamptz NOT NULL);
        CREATE RULE keep_it AS ON DELETE TO public.ruled DO INSTEAD NOTHING;
        CREATE TABLE public.excluded (id int, t timestamptz NOT NULL, EXCLUDE USING gist (id WITH =));
        CREATE TABLE public.summed (id int PRIMARY KEY, t timestamptz NOT NULL);
        CREATE MATERIALIZED VIEW public.sums AS SELECT count(*) AS n FROM public.summed;
        CREATE VIEW public.on_sums AS SELECT n FROM public.sums`);
      await admin.query(`
        CREATE TABLE public.published (id int PRIMARY KEY, t timestamptz NOT NULL, region text);
        CREATE PUBLICATION only_eu_${tag} FOR TABLE public.published WHERE (region = 'eu')`);
      try {
        expect(
          (await preflight('published')).items.find((i) => i.id === 'dependent:publication_filter'),
        ).toMatchObject({
          status: 'blocking',
          sql: `ALTER PUBLICATION "only_eu_${tag}" SET (publish_via_partition_root = true);`,
        });
      } finally {
        await admin.query(`DROP PUBLICATION only_eu_${tag}`);
      }
      expect((await preflight('ruled')).items.find((i) => i.id === 'dependent:rules')?.status).toBe(
        'blocking',
      );
      expect(
        (await preflight('excluded')).items.find((i) => i.title.startsWith('Exclusion constraint'))?.status,
      ).toBe('blocking');
      expect(
        (await preflight('summed')).items.find((i) => i.id.startsWith('dependent:matview:')),
      ).toMatchObject({
        status: 'blocking',
        reason: expect.stringMatching(/on_sums/),
      });
    });
  });

  describe('a partitioned table that references the table', () => {
    it('keeps its foreign key through the swap and the rollback, checked inside the swap before PostgreSQL 18', async () => {
      await admin.query(`
        CREATE TABLE public.fk_parent (id int PRIMARY KEY, t timestamptz NOT NULL, UNIQUE (id, t));
        INSERT INTO public.fk_parent SELECT i, timestamptz '2026-01-01' + i * interval '1 hour' FROM generate_series(1, 200) i;
        CREATE TABLE public.fk_fills (parent int, parent_t timestamptz,
          CONSTRAINT "fill of" FOREIGN KEY (parent, parent_t) REFERENCES public.fk_parent (id, t)) PARTITION BY RANGE (parent_t);
        CREATE TABLE public.fk_fills_all PARTITION OF public.fk_fills DEFAULT;
        INSERT INTO public.fk_fills SELECT id, t FROM public.fk_parent WHERE id <= 10;`);
      const settings = { acceptCompositeKey: true, confirmedFreeBytes: 1e12, interval: '1 week' };
      const report = await engine.dispatch('migration:preflight', {
        profileId: PROFILE,
        schema: 'public',
        table: 'fk_parent',
        timeColumn: 't',
        target: 'partitions',
        settings,
      });
      expect(report.items.find((i) => i.id === 'dependent:fk_in:public.fk_fills.fill of')).toMatchObject(
        server === 'postgres'
          ? { status: 'pass', reason: expect.stringMatching(/added NOT VALID inside the swap/) }
          : { status: 'warning', reason: expect.stringMatching(/checked inside the swap/) },
      );
      const fill = async () =>
        (
          await admin.query(
            `SELECT convalidated AS validated, confrelid = 'public.fk_parent'::regclass AS live FROM pg_constraint
              WHERE conname = 'fill of' AND conrelid = 'public.fk_fills'::regclass`,
          )
        ).rows;
      const m = await plan(engine, 'public', 'fk_parent', 't', 'partitions', settings);
      const done = await runToEnd(engine, m.id);
      expect(done.state, why(done)).toBe('swapped');
      expect(await fill()).toEqual([{ validated: true, live: true }]);
      await expect(admin.query(`INSERT INTO public.fk_fills VALUES (999, now())`)).rejects.toMatchObject({
        code: '23503',
      });
      engine.service.rollback(m.id);
      const back = await engine.service.whenIdle(m.id);
      expect(back.state, why(back)).toBe('rolled_back');
      expect(await fill()).toEqual([{ validated: true, live: true }]);
    });

    it('that the swap drops (it references the id alone) comes back at the rollback', async () => {
      await admin.query(`
        CREATE TABLE public.fk_lone (id int PRIMARY KEY, t timestamptz NOT NULL);
        INSERT INTO public.fk_lone SELECT i, timestamptz '2026-01-01' + i * interval '1 hour' FROM generate_series(1, 200) i;
        CREATE TABLE public.fk_lone_refs (lone int CONSTRAINT "ref of" REFERENCES public.fk_lone (id), at timestamptz)
          PARTITION BY RANGE (at);
        CREATE TABLE public.fk_lone_refs_all PARTITION OF public.fk_lone_refs DEFAULT;
        INSERT INTO public.fk_lone_refs VALUES (1, now()), (2, now());`);
      const settings = {
        acceptCompositeKey: true,
        dropUnsupportedForeignKeys: true,
        confirmedFreeBytes: 1e12,
        interval: '1 week',
      };
      const report = await engine.dispatch('migration:preflight', {
        profileId: PROFILE,
        schema: 'public',
        table: 'fk_lone',
        timeColumn: 't',
        target: 'partitions',
        settings,
      });
      expect(report.items.find((i) => i.id === 'dependent:fk_in:public.fk_lone_refs.ref of')?.fix).toMatch(
        server === 'postgres'
          ? /restored by a rollback: added NOT VALID/
          : /restored by a rollback: checked inside it/,
      );
      const m = await plan(engine, 'public', 'fk_lone', 't', 'partitions', settings);
      const done = await runToEnd(engine, m.id);
      expect(done.state, why(done)).toBe('swapped');
      engine.service.rollback(m.id);
      const back = await engine.service.whenIdle(m.id);
      expect(back.state, why(back)).toBe('rolled_back');
      const fk = await admin.query(
        `SELECT convalidated AS validated FROM pg_constraint WHERE conname = 'ref of' AND conrelid = 'public.fk_lone_refs'::regclass`,
      );
      expect(fk.rows).toEqual([{ validated: true }]);
      await expect(admin.query(`INSERT INTO public.fk_lone_refs VALUES (999, now())`)).rejects.toMatchObject({
        code: '23503',
      });
    });
  });
});
