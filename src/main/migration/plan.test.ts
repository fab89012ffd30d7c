import { describe, expect, it } from 'vitest';
import { context, stepSql, withoutPsql } from '../../../test/support/plan-fixtures';
import { batchSql } from './copy';
import { exportScript } from './export';
import { lockSliceSql, makeSliceSql, moveSliceSql } from './parallel-copy';
import { buildPlan, runSteps } from './plan';
import { bound, psqlVariables } from './sql/params';
import { balanced, statements } from './sql-text';

/**
 * The plan builder and the psql export, without a server: step order, the
 * guards that make every step safe to run twice, the TimescaleDB API chosen by
 * version, quoting of awkward names, and a script psql can run as written.
 */

describe('the plan', () => {
  it('runs the steps in order: prepare, copy, index, sync, swap, then compression and validation', () => {
    expect(runSteps(context().spec).map((s) => s.key)).toEqual([
      'registry',
      'create-table',
      'hypertable',
      'capture',
      'copy',
      'pause-jobs',
      'indexes',
      'analyze',
      'sync',
      'swap',
      'finish',
      'validate',
    ]);
    expect(runSteps(context({ target: 'partitions', syncMode: 'offline' }).spec).map((s) => s.key)).toEqual([
      'registry',
      'create-table',
      'partitions',
      'copy',
      'indexes',
      'analyze',
      'swap',
      'finish',
      'validate',
    ]);
    const plan = buildPlan(context());
    expect(plan.phases.map((p) => p.id)).toEqual(['A', 'B', 'C', 'D']);
    for (const phase of plan.phases) for (const step of phase.steps) expect(step.phase).toBe(phase.id);
  });

  it('guards every step so it can run again after a crash', () => {
    const ctx = context();
    expect(stepSql(ctx, 'registry')).toMatch(/CREATE SCHEMA IF NOT EXISTS/);
    expect(stepSql(ctx, 'registry')).toMatch(/ON CONFLICT \(migration_id\) DO UPDATE/);
    expect(stepSql(ctx, 'create-table')).toMatch(
      /IF pg_catalog\.to_regclass\(.*\) IS NULL THEN\n\s+CREATE TABLE .* \(LIKE "My ""Desk"""\."Trade Log" INCLUDING DEFAULTS/,
    );
    expect(stepSql(ctx, 'create-table')).not.toMatch(/INCLUDING (ALL|INDEXES)/);
    expect(stepSql(ctx, 'hypertable')).toMatch(/if_not_exists => true/);
    expect(stepSql(ctx, 'hypertable')).toMatch(/create_default_indexes => false/);
    expect(stepSql(ctx, 'hypertable')).not.toMatch(/migrate_data => true/);
    expect(stepSql(ctx, 'capture')).toMatch(/CREATE TABLE IF NOT EXISTS "tidemark_migration"\."log_abc123"/);
    expect(stepSql(ctx, 'capture')).toMatch(/CREATE OR REPLACE FUNCTION/);
    expect(stepSql(ctx, 'capture')).toMatch(
      /CREATE OR REPLACE TRIGGER "tidemark_capture_abc123" AFTER INSERT OR UPDATE OR DELETE/,
    );
    expect(stepSql(context({ versionNum: 130012 }), 'capture')).toMatch(
      /DROP TRIGGER IF EXISTS "tidemark_capture_abc123" .*\nCREATE TRIGGER/,
    );
    expect(stepSql(ctx, 'indexes')).toMatch(/CREATE INDEX IF NOT EXISTS "by time_tdm_abc123"/);
    expect(stepSql(ctx, 'partitions')).toBe('');
    expect(stepSql(context({ target: 'partitions' }), 'partitions')).toMatch(
      /CREATE TABLE IF NOT EXISTS .* PARTITION OF .* DEFAULT;$/,
    );
    // The copy moves the high-water mark in the batch's own transaction.
    expect(stepSql(ctx, 'copy')).toMatch(
      /^-- Batch after batch: .*\nBEGIN;\n.*FOR UPDATE;\nINSERT INTO .*\nUPDATE .*high_water = :'hi'.*\nCOMMIT;$/s,
    );
  });

  it('shows the slices a copy on several sessions runs, built by the statements the engine binds', () => {
    const one = context();
    const ctx = context();
    ctx.spec.settings = { ...ctx.spec.settings, copySessions: 3 };
    const shown = stepSql(ctx, 'copy');
    // What each session runs: its slice's mark locked, the batch, the mark moved, in one transaction.
    expect(shown).toContain(
      `BEGIN;\n${lockSliceSql(ctx.spec, psqlVariables())};\n${batchSql(ctx.spec, 'lo', 'hi', psqlVariables())};\n${moveSliceSql(ctx.spec, psqlVariables())};\nCOMMIT;`,
    );
    expect(shown).toContain(`${makeSliceSql(ctx.spec, psqlVariables())};`);
    expect(shown).toMatch(
      /UPDATE "tidemark_migration"\."copy_slices" SET next_lo = :'hi', done = :'done'::boolean/,
    );
    expect(shown).not.toMatch(/high_water = :'hi'/);
    // The engine's statement is the shown one with its values bound in the same places.
    const p = bound();
    const engine = moveSliceSql(ctx.spec, p, { slice: 2, hi: '2026-01-02', done: false, copied: 700 });
    expect(
      engine.replace(
        /\$(\d)/g,
        (_m, n: string) => [":'hi'", ":'done'", ":'copied'", ":'slice'"][Number(n) - 1]!,
      ),
    ).toBe(moveSliceSql(ctx.spec, psqlVariables()));
    expect(p.values).toEqual(['2026-01-02', false, 700, 2]);
    expect(
      buildPlan(ctx)
        .phases.flatMap((x) => x.steps)
        .find((x) => x.key === 'copy')?.why,
    ).toMatch(/up to 3 slices .* The exported script copies batches sized the same way on one session/);
    expect(stepSql(one, 'copy')).toMatch(/high_water = :'hi'/);
  });

  it('turns the key that lacks the time column into a composite key under the same name', () => {
    const idx = context().spec.indexes;
    expect(idx.find((i) => i.source === 'Trade Log_pkey')).toMatchObject({
      kind: 'primary_key',
      temp: 'Trade Log_pkey_tdm_abc123',
      old: 'Trade Log_pkey_ixold_abc123',
      timeAppended: true,
      expectedTail: 'USING btree ("Trade Id", "Executed At")',
    });
    expect(idx.find((i) => i.source === 'Trade Log_pkey')?.create).toMatch(
      /ADD CONSTRAINT "Trade Log_pkey_tdm_abc123" PRIMARY KEY \("Trade Id", "Executed At"\);$/,
    );
    // A non-unique index keeps its definition, predicate and all.
    expect(idx.find((i) => i.source === 'by time')?.expectedTail).toBe(
      `USING btree ("Executed At" DESC) WHERE ("it's" <> 'x;y')`,
    );
  });

  it('uses the TimescaleDB API the server has', () => {
    const now = context({ tsVersion: '2.23.0' });
    expect(stepSql(now, 'hypertable')).toMatch(
      /"public"\.create_hypertable\('"My ""Desk"""\."Trade Log_new_abc123"'::regclass, "public"\.by_range\('Executed At', INTERVAL '1 day'\)/,
    );
    expect(stepSql(now, 'finish')).toMatch(
      /timescaledb\.enable_columnstore = true, timescaledb\.segmentby = '"it''s"', timescaledb\.orderby = '"Executed At" DESC'/,
    );
    expect(stepSql(now, 'finish')).toMatch(
      /CALL "public"\.add_columnstore_policy\(.*after => INTERVAL '7 days', if_not_exists => true\);/,
    );
    const before218 = context({ tsVersion: '2.17.2' });
    expect(stepSql(before218, 'finish')).toMatch(
      /timescaledb\.compress = true, timescaledb\.compress_segmentby = '"it''s"'/,
    );
    expect(stepSql(before218, 'finish')).toMatch(
      /SELECT "public"\.add_compression_policy\(.*compress_after => INTERVAL '7 days'/,
    );
    const before213 = context({ tsVersion: '2.12.1' });
    expect(stepSql(before213, 'hypertable')).toMatch(
      /create_hypertable\('.*'::regclass, 'Executed At', chunk_time_interval => INTERVAL '1 day', .*migrate_data => false\);/,
    );
  });

  it('adds compression and its policy only after the swap', () => {
    const plan = buildPlan(context());
    const keys = plan.phases.flatMap((p) => p.steps).map((s) => s.key);
    const withCompression = plan.phases
      .flatMap((p) => p.steps)
      .filter((s) => s.sql.some((q) => /columnstore|compress/.test(q)))
      .map((s) => s.key);
    expect(withCompression).toEqual(['finish']);
    expect(keys.indexOf('finish')).toBeGreaterThan(keys.indexOf('swap'));
  });

  it('swaps in one transaction with a short lock_timeout, the last replay inside, and the dependents moved', () => {
    const swap = stepSql(context(), 'swap');
    const lines = swap.split('\n');
    expect(lines[0]).toBe('BEGIN;');
    expect(lines[1]).toBe(`SET LOCAL lock_timeout = '2000ms';`);
    expect(lines[2]).toBe('LOCK TABLE "My ""Desk"""."Trade Log" IN ACCESS EXCLUSIVE MODE;');
    expect(lines.at(-1)).toBe('COMMIT;');
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    expect(at(/^DELETE FROM "tidemark_migration"\."log_abc123"/)).toBeLessThan(
      at(/RENAME TO "Trade Log_old_abc123"/),
    );
    expect(at(/ALTER INDEX .*"Trade Log_pkey" RENAME TO "Trade Log_pkey_ixold_abc123"/)).toBeLessThan(
      at(/ALTER INDEX .*"Trade Log_pkey_tdm_abc123" RENAME TO "Trade Log_pkey"/),
    );
    expect(swap).toMatch(
      /ALTER SEQUENCE "My ""Desk"""\."Trade Log_Trade Id_seq" OWNED BY "My ""Desk"""\."Trade Log"\."Trade Id";/,
    );
    expect(swap).toMatch(
      /CREATE OR REPLACE VIEW "My ""Desk"""\."recent; trades" AS SELECT "Trade Id" FROM "My ""Desk"""\."Trade Log";/,
    );
    expect(swap).toMatch(
      /CREATE OR REPLACE TRIGGER audit AFTER INSERT ON "My ""Desk"""\."Trade Log" FOR EACH ROW/,
    );
    expect(swap).toMatch(/GRANT SELECT ON TABLE "My ""Desk"""\."Trade Log" TO "Report Reader";/);
    expect(swap).toMatch(/COMMENT ON TABLE "My ""Desk"""\."Trade Log" IS 'Trades; it''s all here';/);
    expect(swap).toMatch(/CREATE OR REPLACE TRIGGER "tidemark_rcapture_abc123"/);
    // An identity column's new sequence continues from the old one's value.
    expect(swap).toContain(
      `SELECT setval(pg_get_serial_sequence('"My ""Desk"""."Trade Log"', 'Trade Id'), s.last_value, s.is_called) FROM "My ""Desk"""."Trade Log_Trade Id_seq1" s;`,
    );
  });

  it('shows the rollback adding back the foreign keys the swap dropped, validated after its commit', () => {
    const ctx = context({ target: 'partitions' });
    const notes = `"My ""Desk"""."Notes"`;
    const source = `"My ""Desk"""."Trade Log"`;
    ctx.spec.droppedInbound = [
      {
        tableOid: 9,
        table: notes,
        name: 'note of a trade',
        definition: `FOREIGN KEY (trade) REFERENCES ${source}("Trade Id") ON DELETE CASCADE`,
        validated: true,
        comment: "it's a note",
      },
    ];
    const sql = stepSql(ctx, 'rollback');
    const add = sql.indexOf(
      `ALTER TABLE ${notes} ADD CONSTRAINT "note of a trade" FOREIGN KEY (trade) REFERENCES ${source}("Trade Id") ON DELETE CASCADE NOT VALID;`,
    );
    const commit = sql.indexOf('COMMIT;');
    const validate = sql.indexOf(`ALTER TABLE ${notes} VALIDATE CONSTRAINT "note of a trade";`);
    expect(add).toBeGreaterThan(0);
    expect(sql).toContain(`COMMENT ON CONSTRAINT "note of a trade" ON ${notes} IS 'it''s a note';`);
    expect(commit).toBeGreaterThan(add);
    expect(validate).toBeGreaterThan(commit);
  });

  it('writes statements that end with ; and quotes that balance, for awkward names', () => {
    for (const ctx of [context(), context({ target: 'partitions' }), context({ syncMode: 'offline' })]) {
      for (const step of buildPlan(ctx).phases.flatMap((p) => p.steps)) {
        const sql = withoutPsql(step.sql.join('\n'));
        expect(balanced(sql), `${step.key}: ${sql}`).toBe(true);
        if (!sql.trim()) continue;
        const parsed = statements(sql);
        expect(
          parsed.every((s) => s.terminated),
          `${step.key}: ${sql}`,
        ).toBe(true);
      }
    }
  });
});

describe('the psql export', () => {
  const { fileName, script } = exportScript(
    buildPlan(context()),
    context(),
    new Date('2026-05-01T00:00:00Z'),
  );
  const lines = script.split('\n');

  it('is a script psql stops on the first error, with a comment per phase', () => {
    expect(fileName).toBe('tidemark-migration-My_Desk_.Trade_Log-abc123def456.sql');
    expect(lines).toContain('\\set ON_ERROR_STOP on');
    for (const title of [
      'Phase A: Prepare',
      'Phase B: Copy, sync and swap',
      'Phase C: Validate',
      'Phase D: Cleanup (or rollback)',
    ]) {
      expect(lines).toContain(`-- ${title}`);
    }
    expect(lines.indexOf('\\set ON_ERROR_STOP on')).toBeLessThan(
      lines.findIndex((l) => l.startsWith('CREATE SCHEMA')),
    );
  });

  it('copies in a loop that commits each batch and resumes from the high-water mark', () => {
    expect(script).toMatch(/DO \$tdm\$\nDECLARE\n {2}lo timestamptz;/);
    expect(script).toMatch(
      /SELECT high_water::timestamptz INTO lo FROM "tidemark_migration"\."runs" WHERE migration_id = 'abc123def456' AND NOT copy_done;/,
    );
    expect(script).toMatch(/\n {4}COMMIT;\n/);
    expect(script).toMatch(/make_interval\(secs => 3600\)/);
  });

  it('leaves cleanup and rollback commented out, to be run when the DBA decides', () => {
    const start = lines.findIndex((l) => l.startsWith('-- Drop the old table'));
    const cleanupLines = lines.slice(start, lines.indexOf('', start + 1));
    expect(cleanupLines.length).toBeGreaterThan(2);
    expect(cleanupLines.every((l) => l.startsWith('--'))).toBe(true);
    expect(lines.filter((l) => /^DROP TABLE/.test(l))).toEqual([]);
  });

  it('balances its quotes and ends every statement with ;', () => {
    const sql = withoutPsql(lines.filter((l) => !l.trimStart().startsWith('--')).join('\n'));
    expect(balanced(sql)).toBe(true);
    const parsed = statements(sql);
    expect(parsed.length).toBeGreaterThan(20);
    expect(parsed.filter((s) => !s.terminated)).toEqual([]);
  });
});
