import { describe, expect, it } from 'vitest';
import { withClient, withTimescale } from '../../../test/support/timescale';
import { migrationFacts, probeServer } from '../postgres/server-facts';
import { listCandidates } from './catalog';

/**
 * Step 1 tells a hypertable by its schema and name. Joined with a bare dot,
 * "a.b".c and a."b.c" are one string: the plain table next to a hypertable of
 * that spelling was shown as "Already a hypertable" and could not be chosen.
 */

describe('the table picker and names a bare dot would merge', () => {
  it('offers the plain table "a.b".c while a."b.c" is a hypertable', async () => {
    await withTimescale(async (ts) => {
      await withClient(ts, async (c) => {
        try {
          await c.query(`
            CREATE SCHEMA "a.b";
            CREATE SCHEMA a;
            CREATE TABLE "a.b".c (t timestamptz NOT NULL, v int);
            CREATE TABLE a."b.c" (t timestamptz NOT NULL, v int);
            SELECT create_hypertable('a."b.c"', 't');`);
          const candidates = await listCandidates(c, migrationFacts(await probeServer(c)));
          const plain = candidates.find((t) => t.schema === 'a.b' && t.table === 'c');
          const hyper = candidates.find((t) => t.schema === 'a' && t.table === 'b.c');
          expect(hyper).toMatchObject({ kind: 'hypertable', ineligible: 'Already a hypertable.' });
          expect(plain).toMatchObject({ kind: 'table', ineligible: null });
        } finally {
          await c.query('DROP SCHEMA "a.b" CASCADE; DROP SCHEMA a CASCADE');
        }
      });
    });
  });
});
