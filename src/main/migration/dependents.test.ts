import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testServers } from '../../../test/support/database';
import {
  type Engine,
  PROFILE,
  plan,
  qIdent,
  runToEnd,
  startEngine,
  why,
} from '../../../test/support/migration-engine';
import type { Migration } from '../../shared/migration';

/**
 * Everything the application relies on moves with the table name, and back on
 * rollback. Each kind the engine handles is checked the way the application
 * would notice it: the view returns new rows, the foreign keys are enforced,
 * the sequences continue, a non-owner's grants work, the trigger fires, RLS
 * filters, the publication publishes the new table. Schema, table, column and
 * role names need quoting.
 */

let db: TestDatabase;
let admin: pg.Client;
let engine: Engine;
const tag = randomBytes(3).toString('hex');
const reader = `Desk Reader ${tag}`;
const owner = `Desk Owner ${tag}`;
const S = '"Trading Desk"';
const T = `${S}."Trade Log"`;

async function asReader<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = await db.admin();
  await c.query(`SET ROLE ${qIdent(reader)}`);
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

const insertTrade = (c: pg.Client | pg.PoolClient, account: number, symbol: string, at: string, amount = 1) =>
  c.query(
    `INSERT INTO ${T} ("Account Id", "Symbol", "Executed At", amount) VALUES ($1, $2, $3, $4) RETURNING *`,
    [account, symbol, at, amount],
  );

describe.each(testServers)('on %s', (server) => {
  beforeAll(async () => {
    db = await createTestDatabase('migration dependents', server);
    admin = await db.admin();
    await admin.query(`CREATE ROLE ${qIdent(reader)}; CREATE ROLE ${qIdent(owner)}`);
    await admin.query(`
      CREATE SCHEMA ${S};
      GRANT USAGE ON SCHEMA ${S} TO ${qIdent(reader)};
      GRANT USAGE ON SCHEMA ${S} TO ${qIdent(owner)};
      CREATE TABLE ${S}.accounts (id int PRIMARY KEY);
      INSERT INTO ${S}.accounts SELECT generate_series(1, 20);
      CREATE TABLE ${T} (
        "Trade Id"    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        "Account Id"  int NOT NULL REFERENCES ${S}.accounts (id),
        "Symbol"      text NOT NULL,
        "Executed At" timestamptz NOT NULL,
        amount        numeric NOT NULL CHECK (amount >= 0),
        "Gross"       numeric GENERATED ALWAYS AS (amount * 2) STORED,
        ref_no        bigserial,
        CONSTRAINT "Trade Log key with time" UNIQUE ("Trade Id", "Executed At")
      );
      CREATE INDEX "Trade Log by symbol" ON ${T} ("Symbol", "Executed At" DESC) WHERE amount > 0;
      INSERT INTO ${T} ("Account Id", "Symbol", "Executed At", amount)
        SELECT 1 + i % 20, CASE WHEN i % 50 = 0 THEN 'HIDDEN' ELSE 'S' || i % 5 END,
               timestamptz '2026-02-01' + i * interval '7 minutes', i % 100
          FROM generate_series(1, 3000) i;
      CREATE TABLE ${S}."Trade Notes" (
        trade_id bigint NOT NULL, trade_at timestamptz NOT NULL, body text,
        CONSTRAINT "note of a trade" FOREIGN KEY (trade_id, trade_at) REFERENCES ${T} ("Trade Id", "Executed At")
      );
      INSERT INTO ${S}."Trade Notes" SELECT "Trade Id", "Executed At", 'first' FROM ${T} WHERE "Trade Id" <= 10;
      CREATE TABLE ${S}.audit (trade_id bigint, at timestamptz DEFAULT now());
      CREATE FUNCTION ${S}.audit_trade() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
        BEGIN INSERT INTO "Trading Desk".audit (trade_id) VALUES (NEW."Trade Id"); RETURN NEW; END $$;
      CREATE TRIGGER "audit every trade" AFTER INSERT ON ${T} FOR EACH ROW EXECUTE FUNCTION ${S}.audit_trade();
      CREATE FUNCTION ${S}.refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'must stay disabled'; END $$;
      CREATE TRIGGER "switched off" BEFORE INSERT ON ${T} FOR EACH ROW EXECUTE FUNCTION ${S}.refuse();
      ALTER TABLE ${T} DISABLE TRIGGER "switched off";
      CREATE VIEW ${S}."Trade View" AS SELECT "Trade Id", "Symbol", "Gross", "Executed At" FROM ${T};
      CREATE VIEW ${S}."Big Trades" AS SELECT * FROM ${S}."Trade View" WHERE "Gross" > 150;
      CREATE MATERIALIZED VIEW ${S}."Daily Totals" AS
        SELECT date_trunc('day', "Executed At") AS day, sum(amount) AS total, count(*) AS trades FROM ${T} GROUP BY 1;
      CREATE UNIQUE INDEX "Daily Totals by day" ON ${S}."Daily Totals" (day);
      CREATE FUNCTION ${S}.trade_count() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT count(*) FROM ${T}; END;
      ALTER TABLE ${T} OWNER TO ${qIdent(owner)};
      GRANT SELECT, INSERT ON ${T} TO ${qIdent(reader)};
      GRANT UPDATE ("Symbol") ON ${T} TO ${qIdent(reader)};
      GRANT SELECT ON ${S}."Trade View", ${S}."Big Trades", ${S}."Daily Totals" TO ${qIdent(reader)};
      GRANT USAGE ON ALL SEQUENCES IN SCHEMA ${S} TO ${qIdent(reader)};
      COMMENT ON TABLE ${T} IS 'Every trade, as booked';
      COMMENT ON COLUMN ${T}."Symbol" IS 'Ticker';
      ALTER TABLE ${T} ENABLE ROW LEVEL SECURITY;
      CREATE POLICY "reader sees visible trades" ON ${T} FOR SELECT TO ${qIdent(reader)} USING ("Symbol" <> 'HIDDEN');
      CREATE POLICY "reader books trades" ON ${T} FOR INSERT TO ${qIdent(reader)} WITH CHECK (amount < 1000);
      CREATE POLICY "reader renames" ON ${T} FOR UPDATE TO ${qIdent(reader)} USING (true);
      ALTER TABLE ${T} REPLICA IDENTITY FULL;
      ALTER TABLE ${T} ALTER COLUMN "Symbol" SET STATISTICS 500;
      CREATE PUBLICATION "Desk Pub ${tag}" FOR TABLE ${T};
      ANALYZE ${T};
    `);
    engine = startEngine(db.profile({ poolSize: 1 }), db.password);
  });
  afterAll(async () => {
    await engine?.close();
    await admin?.query(`DROP PUBLICATION IF EXISTS "Desk Pub ${tag}"`).catch(() => {});
    await db?.cleanup();
    const root = new pg.Client({ ...db.server, database: 'postgres', ssl: false });
    await root.connect();
    await root
      .query(`DROP ROLE IF EXISTS ${qIdent(reader)}; DROP ROLE IF EXISTS ${qIdent(owner)}`)
      .catch(() => {});
    await root.end();
  });

  const oidOf = async (rel: string) =>
    Number((await admin.query(`SELECT $1::regclass::oid::int8 AS o`, [rel])).rows[0].o);

  describe('what depends on the table follows it to the new table, and back', () => {
    let m: Migration;
    let maxIdBefore: number;
    let auditBefore: number;

    it('the pre-flight lists what will move', async () => {
      const report = await engine.dispatch('migration:preflight', {
        profileId: PROFILE,
        schema: 'Trading Desk',
        table: 'Trade Log',
        timeColumn: 'Executed At',
        target: 'partitions',
        settings: { acceptCompositeKey: true, confirmedFreeBytes: 1e12 },
      });
      expect(report.blocked, JSON.stringify(report.items.filter((i) => i.status === 'blocking'))).toBe(false);
      const byId = Object.fromEntries(report.items.map((i) => [i.id, i]));
      expect(report.items.find((i) => i.id.startsWith('dependent:fk_in:'))).toMatchObject({
        status: 'pass',
        objects: ['"Trading Desk"."Trade Notes".note of a trade'],
      });
      // Before PostgreSQL 18 they cannot be added NOT VALID to a partitioned table: checked under the swap's lock.
      expect(byId['dependent:fk_out']?.status).toBe(server === 'postgres' ? 'pass' : 'warning');
      expect(byId['dependent:views']?.objects).toEqual(['"Trading Desk"."Trade View"']);
      expect(byId['dependent:matview:Trading Desk.Daily Totals']?.status).toBe('warning');
      for (const id of [
        'triggers',
        'policies',
        'grants',
        'sequences',
        'identity',
        'functions',
        'publications',
      ]) {
        expect(byId[`dependent:${id}`], id).toBeDefined();
      }
      expect(report.captureKey).toEqual(['Trade Id']);
    });

    it('after the swap the application sees every dependent object working against the new table', async () => {
      maxIdBefore = Number((await admin.query(`SELECT max("Trade Id") AS m FROM ${T}`)).rows[0].m);
      auditBefore = Number((await admin.query(`SELECT count(*) AS n FROM ${S}.audit`)).rows[0].n);
      m = await plan(engine, 'Trading Desk', 'Trade Log', 'Executed At', 'partitions', {
        acceptCompositeKey: true,
        confirmedFreeBytes: 1e12,
        batchRows: 500,
        interval: '1 week',
      });
      const done = await runToEnd(engine, m.id);
      expect(done.state, why(done)).toBe('swapped');
      expect(done.validation?.ok, JSON.stringify(done.validation)).toBe(true);
      const newOid = await oidOf(T);
      expect(
        (await admin.query(`SELECT relkind FROM pg_class WHERE oid = $1`, [newOid])).rows[0].relkind,
      ).toBe('p');

      // The copy fired no trigger of the application's.
      expect(Number((await admin.query(`SELECT count(*) AS n FROM ${S}.audit`)).rows[0].n)).toBe(auditBefore);

      // Identity and serial sequences continue; the generated column is computed; the trigger fires.
      const row = (await insertTrade(admin, 3, 'NEW', '2026-02-10', 40)).rows[0];
      expect(Number(row['Trade Id'])).toBeGreaterThan(maxIdBefore);
      expect(Number(row.ref_no)).toBeGreaterThan(3000);
      expect(Number(row.Gross)).toBe(80);
      expect(
        Number(
          (await admin.query(`SELECT count(*) AS n FROM ${S}.audit WHERE trade_id = $1`, [row['Trade Id']]))
            .rows[0].n,
        ),
      ).toBe(1);
      // The disabled trigger is still disabled.
      expect(
        (
          await admin.query(
            `SELECT tgenabled FROM pg_trigger WHERE tgrelid = $1 AND tgname = 'switched off'`,
            [newOid],
          )
        ).rows[0].tgenabled,
      ).toBe('D');

      // Views (and a view on the view) and the SQL function read the new table.
      expect(
        (await admin.query(`SELECT "Gross" FROM ${S}."Trade View" WHERE "Trade Id" = $1`, [row['Trade Id']]))
          .rows,
      ).toHaveLength(1);
      await insertTrade(admin, 4, 'BIG', '2026-02-11', 99);
      expect(
        (await admin.query(`SELECT count(*)::int AS n FROM ${S}."Big Trades" WHERE "Symbol" = 'BIG'`)).rows[0]
          .n,
      ).toBe(1);
      expect(Number((await admin.query(`SELECT ${S}.trade_count() AS n`)).rows[0].n)).toBe(3002);
      // The materialized view was rebuilt on the new table, with its index, and refreshes from it.
      await admin.query(`REFRESH MATERIALIZED VIEW CONCURRENTLY ${S}."Daily Totals"`);
      expect(Number((await admin.query(`SELECT sum(trades) AS n FROM ${S}."Daily Totals"`)).rows[0].n)).toBe(
        3002,
      );
      const mvDeps = await admin.query(
        `SELECT DISTINCT d.refobjid::regclass::text AS t FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid
          WHERE r.ev_class = $1::regclass AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> r.ev_class`,
        [`${S}."Daily Totals"`],
      );
      expect(mvDeps.rows.map((r) => Number(r.t === undefined ? 0 : 1))).toHaveLength(1);
      expect(
        (await admin.query(`SELECT $1::regclass::oid::int8 = $2 AS same`, [mvDeps.rows[0].t, newOid])).rows[0]
          .same,
      ).toBe(true);

      // Foreign keys: to the accounts, and from the notes, both enforced against the new table.
      await expect(insertTrade(admin, 999, 'X', '2026-02-12')).rejects.toMatchObject({ code: '23503' });
      await expect(
        admin.query(`INSERT INTO ${S}."Trade Notes" VALUES ($1, '2026-02-11', 'no such trade')`, [
          row['Trade Id'],
        ]),
      ).rejects.toMatchObject({ code: '23503' });
      await admin.query(`INSERT INTO ${S}."Trade Notes" VALUES ($1, $2, 'on a new trade')`, [
        row['Trade Id'],
        row['Executed At'],
      ]);
      const fks = await admin.query(
        `SELECT conname, conrelid::regclass::text AS t, confrelid::int8 AS ref, convalidated FROM pg_constraint WHERE contype = 'f' AND (conrelid = $1 OR confrelid = $1) ORDER BY 1`,
        [newOid],
      );
      expect(fks.rows).toHaveLength(2);
      expect(fks.rows).toEqual(
        expect.arrayContaining([
          {
            conname: 'note of a trade',
            t: '"Trading Desk"."Trade Notes"',
            ref: String(newOid),
            convalidated: true,
          },
          {
            conname: 'Trade Log_Account Id_fkey',
            t: '"Trading Desk"."Trade Log"',
            ref: expect.any(String),
            convalidated: true,
          },
        ]),
      );
      // The CHECK constraint came along.
      await expect(insertTrade(admin, 1, 'NEG', '2026-02-12', -1)).rejects.toMatchObject({ code: '23514' });

      // A non-owner: its grants work and its row level security filters, on the new table.
      await asReader(async (c) => {
        const visible = await c.query(`SELECT count(*)::int AS n FROM ${T} WHERE "Symbol" = 'HIDDEN'`);
        expect(visible.rows[0].n).toBe(0);
        expect((await c.query(`SELECT count(*)::int AS n FROM ${T}`)).rows[0].n).toBeGreaterThan(2900);
        await insertTrade(c, 5, 'READER', '2026-02-13', 10);
        await c.query(`UPDATE ${T} SET "Symbol" = 'READER2' WHERE "Symbol" = 'READER'`);
        await expect(c.query(`UPDATE ${T} SET amount = 0 WHERE "Symbol" = 'READER2'`)).rejects.toMatchObject({
          code: '42501',
        });
        await expect(c.query(`DELETE FROM ${T} WHERE "Symbol" = 'READER2'`)).rejects.toMatchObject({
          code: '42501',
        });
        await expect(insertTrade(c, 5, 'TOO BIG', '2026-02-13', 5000)).rejects.toMatchObject({
          code: '42501',
        });
        expect(
          (await c.query(`SELECT count(*)::int AS n FROM ${S}."Daily Totals"`)).rows[0].n,
        ).toBeGreaterThan(0);
      });

      // Owner, comments, replica identity, statistics target, publication.
      const facts = await admin.query(
        `SELECT pg_get_userbyid(relowner) AS owner, obj_description(oid, 'pg_class') AS comment, relreplident::text AS ri, relrowsecurity AS rls,
                col_description(oid, (SELECT attnum FROM pg_attribute WHERE attrelid = $1 AND attname = 'Symbol')) AS col_comment,
                (SELECT attstattarget FROM pg_attribute WHERE attrelid = $1 AND attname = 'Symbol') AS stats
           FROM pg_class WHERE oid = $1`,
        [newOid],
      );
      expect(facts.rows[0]).toEqual({
        owner,
        comment: 'Every trade, as booked',
        ri: 'f',
        rls: true,
        col_comment: 'Ticker',
        stats: 500,
      });
      const pub = await admin.query(
        `SELECT prrelid::int8 AS rel FROM pg_publication_rel pr JOIN pg_publication p ON p.oid = pr.prpubid WHERE p.pubname = $1`,
        [`Desk Pub ${tag}`],
      );
      expect(pub.rows).toEqual([{ rel: String(newOid) }]);
      // The names of the constraints and indexes are the original ones.
      const idx = await admin.query(
        `SELECT indexrelid::regclass::text AS name FROM pg_index WHERE indrelid = $1 ORDER BY 1`,
        [newOid],
      );
      expect(idx.rows.map((r) => r.name).sort()).toEqual([
        '"Trading Desk"."Trade Log by symbol"',
        '"Trading Desk"."Trade Log key with time"',
        '"Trading Desk"."Trade Log_pkey"',
      ]);
    });

    it('a rollback moves all of it back to the original table, with the rows written since the swap', async () => {
      const written = Number((await admin.query(`SELECT count(*) AS n FROM ${T}`)).rows[0].n);
      engine.service.rollback(m.id);
      const back = await engine.service.whenIdle(m.id);
      expect(back.state, why(back)).toBe('rolled_back');
      const oid = await oidOf(T);
      expect((await admin.query(`SELECT relkind FROM pg_class WHERE oid = $1`, [oid])).rows[0].relkind).toBe(
        'r',
      );
      expect(Number((await admin.query(`SELECT count(*) AS n FROM ${T}`)).rows[0].n)).toBe(written);
      expect(
        (await admin.query(`SELECT count(*)::int AS n FROM ${T} WHERE "Symbol" IN ('NEW', 'BIG', 'READER2')`))
          .rows[0].n,
      ).toBe(3);

      // The identity goes on from where the new table left it.
      const row = (await insertTrade(admin, 6, 'AFTER', '2026-02-14', 1)).rows[0];
      expect(Number(row['Trade Id'])).toBeGreaterThan(maxIdBefore + 3);
      expect(
        (
          await admin.query(`SELECT count(*)::int AS n FROM ${S}."Trade View" WHERE "Trade Id" = $1`, [
            row['Trade Id'],
          ])
        ).rows[0].n,
      ).toBe(1);
      expect(
        Number(
          (await admin.query(`SELECT count(*) AS n FROM ${S}.audit WHERE trade_id = $1`, [row['Trade Id']]))
            .rows[0].n,
        ),
      ).toBe(1);
      // The SQL function's body reads the original table again.
      expect(Number((await admin.query(`SELECT ${S}.trade_count() AS n`)).rows[0].n)).toBe(written + 1);
      const fks = await admin.query(
        `SELECT conname, convalidated FROM pg_constraint WHERE contype = 'f' AND (conrelid = $1 OR confrelid = $1) ORDER BY 1`,
        [oid],
      );
      expect(fks.rows).toHaveLength(2);
      expect(fks.rows).toEqual(
        expect.arrayContaining([
          { conname: 'note of a trade', convalidated: true },
          { conname: 'Trade Log_Account Id_fkey', convalidated: true },
        ]),
      );
      await expect(insertTrade(admin, 999, 'X', '2026-02-12')).rejects.toMatchObject({ code: '23503' });
      const pub = await admin.query(
        `SELECT prrelid::int8 AS rel FROM pg_publication_rel pr JOIN pg_publication p ON p.oid = pr.prpubid WHERE p.pubname = $1`,
        [`Desk Pub ${tag}`],
      );
      expect(pub.rows).toEqual([{ rel: String(oid) }]);
      await asReader(async (c) => {
        expect(
          (await c.query(`SELECT count(*)::int AS n FROM ${T} WHERE "Symbol" = 'HIDDEN'`)).rows[0].n,
        ).toBe(0);
      });
      // Nothing of the new table or of the capture is left.
      const left = await admin.query(
        `SELECT relname FROM pg_class WHERE relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = $1) AND relname LIKE 'Trade Log\\_%' AND relkind IN ('r', 'p')`,
        ['Trading Desk'],
      );
      expect(left.rows).toEqual([]);
    });
  });
});
