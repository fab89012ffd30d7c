import type Database from 'better-sqlite3';
import type { SchemaStep } from './schema-step';

/** The figures a run holds; a relation's next sample extends the run while all of them stay the same. */
export const RUN_FIGURES = [
  'measured',
  'not_measured',
  'heap_bytes',
  'toast_bytes',
  'index_bytes',
  'total_bytes',
  'row_estimate',
  'children',
  'compressed_children',
  'before_compression_bytes',
  'after_compression_bytes',
] as const;

/** Upkeep figures change nearly every sample, so they live apart, on their own cadence. */
export const UPKEEP_FIGURES = ['dead_tuples', 'last_vacuum', 'last_analyze'] as const;

type Row = Record<string, number | string | null> & {
  relation_id: number;
  taken_at: number;
  profile_id: string;
};

const same = (a: Row, b: Row, columns: readonly string[]) => columns.every((c) => a[c] === b[c]);

/** Relations converted per read (all their rows are in memory at once). */
const RELATIONS_PER_READ = 50;

/**
 * The compact history format (issue 12). A relation's figures are stored once
 * per run of consecutive samples in which it was listed with the same figures
 * (`relation_runs`, from_at..last_at), so an idle relation costs nothing per
 * sample; dead tuples and vacuum/analyze times are stored in `relation_upkeep`
 * when they change (on a cadence for new samples, see run-writer.ts), and a
 * sample reads the latest one at or before it. `relation_sizes` becomes a view
 * with the old columns, one row per (relation, sample) as before, so every
 * reader keeps its SQL; "not measured" is still a row of its own state.
 * Settings gain the downsampling tiers.
 */
export const step011CompactHistory: SchemaStep = {
  version: 11,
  name: 'compact history',
  up: (db) => {
    db.exec(`
      CREATE TABLE relation_runs (
        relation_id              INTEGER NOT NULL REFERENCES relations(id) ON DELETE CASCADE,
        -- The first and last sample (times, ms) of the run: the relation is in every sample of its profile between.
        from_at                  INTEGER NOT NULL,
        last_at                  INTEGER NOT NULL,
        measured                 INTEGER NOT NULL CHECK (measured IN (0, 1)),
        not_measured             TEXT,
        heap_bytes               INTEGER,
        toast_bytes              INTEGER,
        index_bytes              INTEGER,
        total_bytes              INTEGER,
        row_estimate             INTEGER,
        children                 INTEGER,
        compressed_children      INTEGER,
        before_compression_bytes INTEGER,
        after_compression_bytes  INTEGER,
        PRIMARY KEY (relation_id, from_at),
        CHECK (last_at >= from_at),
        CHECK (measured = 1 OR total_bytes IS NULL)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE relation_upkeep (
        relation_id  INTEGER NOT NULL REFERENCES relations(id) ON DELETE CASCADE,
        taken_at     INTEGER NOT NULL,
        dead_tuples  INTEGER,
        last_vacuum  INTEGER,
        last_analyze INTEGER,
        PRIMARY KEY (relation_id, taken_at)
      ) STRICT, WITHOUT ROWID;

      ALTER TABLE settings ADD COLUMN tier_fine_minutes INTEGER NOT NULL DEFAULT 15
        CHECK (tier_fine_minutes BETWEEN 1 AND 1440);
      ALTER TABLE settings ADD COLUMN tier_fine_days INTEGER NOT NULL DEFAULT 7
        CHECK (tier_fine_days BETWEEN 1 AND 3650);
      ALTER TABLE settings ADD COLUMN tier_hourly_days INTEGER NOT NULL DEFAULT 30
        CHECK (tier_hourly_days BETWEEN 1 AND 3650);
    `);
    convert(db);
    db.exec(`
      DROP TABLE relation_sizes;
      -- One row per relation and sample, as the table was. Each lookup is a seek: the sample's relations by
      -- profile, then the run (and upkeep) at or before the sample's time on their (relation_id, time) keys.
      CREATE VIEW relation_sizes AS
      SELECT relations.id AS relation_id, samples.taken_at, samples.id AS sample_id, relation_sizes.measured,
             relation_sizes.not_measured, relation_sizes.heap_bytes, relation_sizes.toast_bytes,
             relation_sizes.index_bytes, relation_sizes.total_bytes, relation_sizes.row_estimate, upkeep.dead_tuples,
             upkeep.last_vacuum, upkeep.last_analyze, relation_sizes.children, relation_sizes.compressed_children,
             relation_sizes.before_compression_bytes, relation_sizes.after_compression_bytes
      FROM samples
      JOIN relations ON relations.profile_id = samples.profile_id
      -- Named after the view, so a plan that reads every run says "SCAN relation_sizes".
      JOIN relation_runs AS relation_sizes ON relation_sizes.relation_id = relations.id
        AND relation_sizes.from_at = (SELECT max(x.from_at) FROM relation_runs x
                                      WHERE x.relation_id = relations.id AND x.from_at <= samples.taken_at)
        AND relation_sizes.last_at >= samples.taken_at
      LEFT JOIN relation_upkeep AS upkeep ON upkeep.relation_id = relations.id
        AND upkeep.taken_at = (SELECT max(u.taken_at) FROM relation_upkeep u
                               WHERE u.relation_id = relations.id AND u.taken_at <= samples.taken_at);
    `);
  },
};

/** Copies every relation_sizes row into runs and upkeep rows, losslessly (upkeep is kept at every change). */
function convert(db: Database.Database): void {
  // Each profile's sample times in order, so "the relation was in the very next sample" is a position check.
  const position = new Map<string, Map<number, number>>();
  for (const s of db
    .prepare<[], { profile_id: string; taken_at: number }>(
      'SELECT profile_id, taken_at FROM samples ORDER BY profile_id, taken_at',
    )
    .all()) {
    const times = position.get(s.profile_id) ?? new Map<number, number>();
    position.set(s.profile_id, times);
    times.set(s.taken_at, times.size);
  }
  const ids = db.prepare<[], number>('SELECT id FROM relations ORDER BY id').pluck().all();
  const read = db.prepare<[number, number], Row>(`
    SELECT s.*, r.profile_id FROM relation_sizes s JOIN relations r ON r.id = s.relation_id
    WHERE s.relation_id BETWEEN ? AND ? ORDER BY s.relation_id, s.taken_at`);
  const insertRun = db.prepare(`
    INSERT INTO relation_runs (relation_id, from_at, last_at, ${RUN_FIGURES.join(', ')})
    VALUES (@relation_id, @from_at, @last_at, ${RUN_FIGURES.map((c) => `@${c}`).join(', ')})`);
  const insertUpkeep = db.prepare(`
    INSERT INTO relation_upkeep (relation_id, taken_at, ${UPKEEP_FIGURES.join(', ')})
    VALUES (@relation_id, @taken_at, ${UPKEEP_FIGURES.map((c) => `@${c}`).join(', ')})`);

  for (let i = 0; i < ids.length; i += RELATIONS_PER_READ) {
    const last = ids[Math.min(i + RELATIONS_PER_READ, ids.length) - 1]!;
    let run: (Row & { from_at: number; last_at: number; at: number }) | null = null;
    let upkeep: Row | null = null;
    const flush = () => {
      if (run) insertRun.run(pick(run, ['relation_id', 'from_at', 'last_at', ...RUN_FIGURES]));
    };
    for (const row of read.all(ids[i]!, last)) {
      const at = position.get(row.profile_id)?.get(row.taken_at) ?? -1;
      const next = run !== null && run.relation_id === row.relation_id && run.at + 1 === at;
      if (run && next && same(run, row, RUN_FIGURES)) {
        run.last_at = row.taken_at;
        run.at = at;
      } else {
        flush();
        run = { ...row, from_at: row.taken_at, last_at: row.taken_at, at };
      }
      if (!upkeep || upkeep.relation_id !== row.relation_id || !same(upkeep, row, UPKEEP_FIGURES)) {
        insertUpkeep.run(pick(row, ['relation_id', 'taken_at', ...UPKEEP_FIGURES]));
        upkeep = row;
      }
    }
    flush();
  }
}

const pick = (row: Record<string, unknown>, columns: readonly string[]) =>
  Object.fromEntries(columns.map((c) => [c, row[c]]));
