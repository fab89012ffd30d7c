import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type TimescaleSession, withClient, withTimescale } from '../../../test/support/timescale';
import { PoolManager } from '../postgres/pool-manager';
import { collectStorageSample } from './collector';
import type { CollectedRelation, CollectedSample } from './types';

/**
 * Hypertables on TimescaleDB 2.23 (PGlite, PostgreSQL 17): the sample's
 * figures are TimescaleDB's own, chunks are rolled up, and a TimescaleDB
 * failure shows as a gap, never as "no compression". The server takes ONE
 * connection at a time: every step closes its connection before the next.
 */

/** A sample on a real monitoring session (read-only, timeouts), then the session is closed. */
async function sample(ts: TimescaleSession): Promise<CollectedSample> {
  const pools = new PoolManager(
    async () => ({ fields: ts.profile({ poolSize: 1 }), password: ts.password }),
    undefined,
    { env: {} },
  );
  try {
    return await pools.withClient('p', (client) => collectStorageSample(client));
  } finally {
    await pools.closeAll();
  }
}

function find(s: CollectedSample, schema: string, name: string): CollectedRelation {
  const found = s.relations.find((r) => r.schema === schema && r.name === name);
  if (!found) throw new Error(`${schema}.${name} is not in the sample`);
  return found;
}

const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));

describe('hypertables', () => {
  it("a hypertable with compressed and uncompressed chunks carries TimescaleDB's own numbers", async () => {
    await withTimescale(async (ts) => {
      const schema = `tm_ts_${randomBytes(3).toString('hex')}`;
      const chunkSchema = `${schema}_chunks`;
      await withClient(ts, async (c) => {
        await c.query(`CREATE SCHEMA ${schema}; CREATE SCHEMA ${chunkSchema}`);
        await c.query(
          `CREATE TABLE ${schema}.metrics (t timestamptz NOT NULL, device int, value float8, note text)`,
        );
        // chunks in a schema of the DBA's choosing: they must still be found as chunks, not listed as tables
        await c.query(
          `SELECT create_hypertable($1::regclass, 't', chunk_time_interval => interval '1 day',
                                    associated_schema_name => $2)`,
          [`${schema}.metrics`, chunkSchema],
        );
        await c.query(`CREATE INDEX ON ${schema}.metrics (device, t)`);
        await c.query(
          `INSERT INTO ${schema}.metrics
           SELECT t, (extract(epoch FROM t)::int / 60) % 8, random(), repeat(md5(t::text), 4)
           FROM generate_series('2024-01-01T00:00:00Z'::timestamptz, '2024-01-06T23:59:00Z', interval '2 minutes') t`,
        );
        await c.query(
          `ALTER TABLE ${schema}.metrics SET (timescaledb.compress, timescaledb.compress_segmentby = 'device')`,
        );
        await c.query(
          `SELECT compress_chunk(ch) FROM show_chunks($1::regclass) ch ORDER BY ch::text LIMIT 3`,
          [`${schema}.metrics`],
        );
        await c.query(`ANALYZE ${schema}.metrics`);
        // a hypertable without compression, for contrast
        await c.query(`CREATE TABLE ${schema}.plain (t timestamptz NOT NULL, v int)`);
        await c.query(
          `SELECT create_hypertable($1::regclass, 't', chunk_time_interval => interval '1 day')`,
          [`${schema}.plain`],
        );
        await c.query(
          `INSERT INTO ${schema}.plain SELECT t, 1 FROM generate_series('2024-01-01'::timestamptz, '2024-01-03', '1 hour') t`,
        );
      });

      try {
        const s = await sample(ts);

        const expected = await withClient(ts, async (c) => {
          const q = async (sql: string, params: unknown[] = []) => (await c.query(sql, params)).rows;
          const ht = `${schema}.metrics`;
          return {
            detailed: (await q('SELECT * FROM hypertable_detailed_size($1::regclass)', [ht]))[0],
            size: (await q('SELECT hypertable_size($1::regclass) AS s', [ht]))[0]?.s,
            stats: (await q('SELECT * FROM hypertable_compression_stats($1::regclass)', [ht]))[0],
            chunks: await q('SELECT * FROM chunks_detailed_size($1::regclass)', [ht]),
            parentTotal: (await q('SELECT pg_total_relation_size($1::regclass) AS t', [ht]))[0]?.t,
            numChunks: (
              await q(
                `SELECT num_chunks FROM timescaledb_information.hypertables
                 WHERE hypertable_schema = $1 AND hypertable_name = 'metrics'`,
                [schema],
              )
            )[0]?.num_chunks,
            plainDetailed: (
              await q('SELECT * FROM hypertable_detailed_size($1::regclass)', [`${schema}.plain`])
            )[0],
          };
        });

        const metrics = find(s, schema, 'metrics');
        expect(metrics.kind).toBe('hypertable');
        expect(metrics.measured).toBe(true);
        expect(metrics.parent).toBeNull();
        // real size, as TimescaleDB reports it (not the near-empty parent table)
        expect({
          heap: metrics.heapBytes,
          index: metrics.indexBytes,
          toast: metrics.toastBytes,
          total: metrics.totalBytes,
        }).toEqual({
          heap: n(expected.detailed.table_bytes),
          index: n(expected.detailed.index_bytes),
          toast: n(expected.detailed.toast_bytes),
          total: n(expected.detailed.total_bytes),
        });
        expect(metrics.totalBytes).toBe(n(expected.size));
        expect(metrics.totalBytes).toBeGreaterThan(10 * n(expected.parentTotal)!);
        // chunk counts and compression, "at compression time"
        expect(metrics.children).toBe(expected.chunks.length);
        expect(metrics.children).toBe(n(expected.numChunks));
        expect(metrics.children).toBeGreaterThanOrEqual(6);
        expect(metrics.compressedChildren).toBe(3);
        expect(metrics.compressedChildren).toBe(n(expected.stats.number_compressed_chunks));
        expect(metrics.beforeCompressionBytes).toBe(n(expected.stats.before_compression_total_bytes));
        expect(metrics.afterCompressionBytes).toBe(n(expected.stats.after_compression_total_bytes));
        expect(metrics.beforeCompressionBytes).toBeGreaterThan(metrics.afterCompressionBytes!);
        expect(metrics.rowEstimate).toBe(6 * 24 * 30);

        // every chunk is listed under its hypertable, with chunks_detailed_size's figures (compressed data included)
        const chunks = s.relations.filter((r) => r.parent?.schema === schema && r.parent.name === 'metrics');
        expect(chunks.map((r) => r.name).sort()).toEqual(expected.chunks.map((r) => r.chunk_name).sort());
        for (const row of expected.chunks) {
          const chunk = find(s, row.chunk_schema, row.chunk_name);
          expect(chunk.kind).toBe('chunk');
          expect(chunk.schema).toBe(chunkSchema);
          expect(chunk.totalBytes, row.chunk_name).toBe(n(row.total_bytes));
        }
        // the chunks plus the parent table make the hypertable's total
        const sum = chunks.reduce((acc, r) => acc + (r.totalBytes ?? 0), 0);
        expect(sum + n(expected.parentTotal)!).toBe(metrics.totalBytes);

        // no chunk or compressed chunk table is ever a top-level table
        const top = s.relations.filter((r) => r.parent === null);
        expect(top.filter((r) => /^(_hyper_|compress_hyper_|_compressed_hypertable_)/.test(r.name))).toEqual(
          [],
        );
        expect(top.filter((r) => r.schema === chunkSchema || r.schema.startsWith('_timescaledb'))).toEqual(
          [],
        );
        expect(s.relations.filter((r) => r.name.startsWith('compress_hyper_'))).toEqual([]);

        // without compression: zero compressed chunks, and no before/after figures (not zero bytes)
        const plain = find(s, schema, 'plain');
        expect(plain).toMatchObject({
          kind: 'hypertable',
          measured: true,
          totalBytes: n(expected.plainDetailed.total_bytes),
          children: 3,
          compressedChildren: 0,
          beforeCompressionBytes: null,
          afterCompressionBytes: null,
        });
        // Nothing of this sample went unmeasured. The TimescaleDB database is shared by the test files, so
        // the bloat estimate's database-wide count of tables without statistics may name another file's.
        expect(s.gaps.filter((g) => !g.includes('left out of the bloat estimate'))).toEqual([]);
      } finally {
        await withClient(ts, (c) =>
          c.query(`DROP SCHEMA ${schema} CASCADE; DROP SCHEMA ${chunkSchema} CASCADE`),
        );
      }
    });
  });

  it('a continuous aggregate is listed under its own name, with its chunks rolled up', async () => {
    await withTimescale(async (ts) => {
      const schema = `tm_cagg_${randomBytes(3).toString('hex')}`;
      await withClient(ts, async (c) => {
        await c.query(`CREATE SCHEMA ${schema}`);
        await c.query(`CREATE TABLE ${schema}.raw (t timestamptz NOT NULL, v float8)`);
        await c.query(`SELECT create_hypertable($1::regclass, 't')`, [`${schema}.raw`]);
        await c.query(
          `INSERT INTO ${schema}.raw SELECT t, random() FROM generate_series('2024-01-01'::timestamptz, '2024-02-01', '1 hour') t`,
        );
        await c.query(
          `CREATE MATERIALIZED VIEW ${schema}.daily WITH (timescaledb.continuous) AS
           SELECT time_bucket('1 day', t) AS day, avg(v) FROM ${schema}.raw GROUP BY 1 WITH DATA`,
        );
      });
      try {
        const s = await sample(ts);
        const daily = find(s, schema, 'daily');
        const detailed = await withClient(
          ts,
          async (c) =>
            (await c.query('SELECT * FROM hypertable_detailed_size($1::regclass)', [`${schema}.daily`]))
              .rows[0],
        );
        expect(daily).toMatchObject({ kind: 'matview', measured: true, totalBytes: n(detailed.total_bytes) });
        expect(daily.children).toBeGreaterThanOrEqual(1);
        const chunks = s.relations.filter((r) => r.parent?.schema === schema && r.parent.name === 'daily');
        expect(chunks.length).toBe(daily.children);
        expect(s.relations.filter((r) => r.name.startsWith('_materialized_hypertable_'))).toEqual([]);
      } finally {
        await withClient(ts, (c) => c.query(`DROP SCHEMA ${schema} CASCADE`));
      }
    });
  });

  it('a TimescaleDB failure is a gap and "not measured", never "no compression"', async () => {
    await withTimescale(async (ts) => {
      const schema = `tm_tsfail_${randomBytes(3).toString('hex')}`;
      await withClient(ts, async (c) => {
        await c.query(`CREATE SCHEMA ${schema}`);
        await c.query(`CREATE TABLE ${schema}.m (t timestamptz NOT NULL, v int)`);
        await c.query(`SELECT create_hypertable($1::regclass, 't')`, [`${schema}.m`]);
        await c.query(`INSERT INTO ${schema}.m VALUES ('2024-01-01', 1)`);
        await c.query(`CREATE TABLE ${schema}.ordinary (id int)`);
        // Break the API the sample relies on (as a damaged or half-upgraded extension would).
        await c.query(
          'ALTER FUNCTION hypertable_columnstore_stats(regclass) RENAME TO tm_hidden_columnstore_stats',
        );
      });
      try {
        const s = await sample(ts);
        const m = find(s, schema, 'm');
        expect(m.kind).toBe('hypertable');
        expect(m.measured).toBe(false);
        expect(m.notMeasured).toMatch(/TimescaleDB could not report its size/);
        expect(m.totalBytes).toBeNull();
        expect(m.compressedChildren).toBeNull();
        expect(m.beforeCompressionBytes).toBeNull();
        expect(s.gaps.join(' ')).toMatch(/TimescaleDB could not report the size of the \d+ hypertables?/);
        expect(s.gaps.join(' ')).toMatch(/hypertable_columnstore_stats/);
        // everything else is still sampled
        expect(find(s, schema, 'ordinary').measured).toBe(true);
        expect(s.database.bytes).toBeGreaterThan(0);
      } finally {
        await withClient(ts, async (c) => {
          await c.query(
            'ALTER FUNCTION tm_hidden_columnstore_stats(regclass) RENAME TO hypertable_columnstore_stats',
          );
          await c.query(`DROP SCHEMA ${schema} CASCADE`);
        });
      }
    });
  });
});
