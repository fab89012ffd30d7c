import type Database from 'better-sqlite3';
import {
  type DiskFacts,
  type DiskFactsView,
  diskFactsSchema,
  TEMP_RATE_MIN_SPAN_MS,
  type TempRate,
  wraparoundPct,
} from '../../shared/disk-facts';
import { formatSpan } from '../../shared/span';
import { type SlowDiskFacts, slowDiskFactsOf } from '../collector/disk-facts-collector';
import { diskFixes } from '../collector/disk-fixes';
import { DAY_MS } from './time';

/**
 * The lists kept as JSON: bounded (top N each) and always read whole. measuredAt and slowGaps are
 * absent from rows written before the slow facts had their own cadence.
 */
type Findings = Pick<DiskFacts, 'oldestTables' | 'bloat' | 'indexes' | 'tablespaces' | 'gaps'> &
  Partial<Pick<DiskFacts, 'measuredAt' | 'slowGaps'>>;

interface FactRow {
  sample_id: number;
  taken_at: number;
  in_recovery: number;
  wal_bytes: number | null;
  wal_files: number | null;
  freeze_max_age: number;
  mxid_freeze_max_age: number;
  stats_reset: number | null;
  findings: string;
}
interface SlotRow {
  name: string;
  kind: 'physical' | 'logical';
  database: string | null;
  active: number;
  wal_status: string | null;
  retained_bytes: number | null;
  inactive_since: number | null;
}
interface DatabaseRow {
  name: string;
  xid_age: number;
  mxid_age: number;
  temp_bytes: number | null;
  temp_files: number | null;
  stats_reset: number | null;
}

interface SummaryRow {
  profile_id: string;
  taken_at: number;
  wal_retained: number | null;
  inactive_slots: number;
  oldest_age: number | null;
}

/** What the fleet overview shows of a server's disk facts (its latest sample). */
export interface DiskFactsSummary {
  takenAt: Date;
  /** WAL the slots keep: the largest retention of any slot (they share one WAL); null without slots. */
  walRetainedBytes: number | null;
  inactiveSlots: number;
  /** The oldest transaction-ID or multixact age of any database, in % of wraparound (2^31). */
  oldestXidAgePct: number | null;
}

const at = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const ms = (iso: string | null) => (iso === null ? null : Date.parse(iso));

/**
 * The disk facts of each storage sample (tables of schema step 013), written
 * with the sample and deleted with it (ON DELETE CASCADE follows retention).
 */
export class DiskFactsRepository {
  private readonly stmts;

  constructor(db: Database.Database) {
    this.stmts = {
      insert: db.prepare(`
        INSERT INTO disk_fact_samples (sample_id, profile_id, taken_at, in_recovery, wal_bytes, wal_files,
          freeze_max_age, mxid_freeze_max_age, stats_reset, findings)
        VALUES (@sampleId, @profileId, @takenAt, @inRecovery, @walBytes, @walFiles, @freezeMaxAge,
          @mxidFreezeMaxAge, @statsReset, @findings)`),
      insertSlot: db.prepare(`
        INSERT INTO disk_fact_slots (sample_id, name, kind, database, active, wal_status, retained_bytes, inactive_since)
        VALUES (@sampleId, @name, @kind, @database, @active, @walStatus, @retainedBytes, @inactiveSince)`),
      insertDatabase: db.prepare(`
        INSERT INTO disk_fact_databases (sample_id, name, xid_age, mxid_age, temp_bytes, temp_files, stats_reset)
        VALUES (@sampleId, @name, @xidAge, @mxidAge, @tempBytes, @tempFiles, @statsReset)`),
      ofSample: db.prepare<[number], FactRow>('SELECT * FROM disk_fact_samples WHERE sample_id = ?'),
      latest: db.prepare<[string], FactRow>(
        'SELECT * FROM disk_fact_samples WHERE profile_id = ? ORDER BY taken_at DESC, sample_id DESC LIMIT 1',
      ),
      before: db.prepare<[string, number], { sample_id: number; taken_at: number }>(
        `SELECT sample_id, taken_at FROM disk_fact_samples WHERE profile_id = ? AND taken_at < ?
         ORDER BY taken_at DESC LIMIT 1`,
      ),
      // Each profile's latest facts by one index seek, with its slots' and databases' figures: one query for the fleet.
      summaries: db.prepare<[], SummaryRow>(`
        WITH l AS (
          SELECT p.id AS profile_id,
                 (SELECT f.sample_id FROM disk_fact_samples f WHERE f.profile_id = p.id
                  ORDER BY f.taken_at DESC, f.sample_id DESC LIMIT 1) AS sample_id
          FROM profiles p)
        SELECT l.profile_id, f.taken_at,
               (SELECT max(s.retained_bytes) FROM disk_fact_slots s WHERE s.sample_id = l.sample_id) AS wal_retained,
               (SELECT count(*) FROM disk_fact_slots s WHERE s.sample_id = l.sample_id AND s.active = 0) AS inactive_slots,
               (SELECT max(max(d.xid_age, d.mxid_age)) FROM disk_fact_databases d WHERE d.sample_id = l.sample_id) AS oldest_age
        FROM l JOIN disk_fact_samples f ON f.sample_id = l.sample_id`),
      slots: db.prepare<[number], SlotRow>(
        'SELECT * FROM disk_fact_slots WHERE sample_id = ? ORDER BY retained_bytes DESC NULLS LAST, name',
      ),
      databases: db.prepare<[number], DatabaseRow>(
        'SELECT * FROM disk_fact_databases WHERE sample_id = ? ORDER BY max(xid_age, mxid_age) DESC, name',
      ),
    };
  }

  /** Inside the sample's own write transaction (History.saveSample). */
  save(profileId: string, sampleId: number, takenAt: Date, facts: DiskFacts): void {
    const { oldestTables, bloat, indexes, tablespaces, gaps, measuredAt, slowGaps } = facts;
    const findings: Findings = { oldestTables, bloat, indexes, tablespaces, gaps, measuredAt, slowGaps };
    this.stmts.insert.run({
      sampleId,
      profileId,
      takenAt: takenAt.getTime(),
      inRecovery: facts.inRecovery ? 1 : 0,
      walBytes: facts.wal?.bytes ?? null,
      walFiles: facts.wal?.files ?? null,
      freezeMaxAge: facts.freezeMaxAge,
      mxidFreezeMaxAge: facts.multixactFreezeMaxAge,
      statsReset: ms(facts.statsReset),
      findings: JSON.stringify(findings),
    });
    for (const s of facts.slots) {
      this.stmts.insertSlot.run({
        sampleId,
        name: s.name,
        kind: s.kind,
        database: s.database,
        active: s.active ? 1 : 0,
        walStatus: s.walStatus,
        retainedBytes: s.retainedBytes,
        inactiveSince: ms(s.inactiveSince),
      });
    }
    for (const d of facts.databases) {
      this.stmts.insertDatabase.run({
        sampleId,
        name: d.name,
        xidAge: d.xidAge,
        mxidAge: d.mxidAge,
        tempBytes: d.tempBytes,
        tempFiles: d.tempFiles,
        statsReset: ms(d.statsReset),
      });
    }
  }

  /** The facts stored with a sample; null when that sample has none (they could not be read). */
  ofSample(sampleId: number): DiskFacts | null {
    const row = this.stmts.ofSample.get(sampleId);
    return row ? this.facts(row) : null;
  }

  /** The latest sample's facts, with temporary files written since the sample before. */
  latest(profileId: string): DiskFactsView | null {
    const row = this.stmts.latest.get(profileId);
    if (!row) return null;
    const facts = this.facts(row);
    const previous = this.stmts.before.get(profileId, row.taken_at);
    const { rates, note } = previous
      ? this.tempRates(this.stmts.databases.all(previous.sample_id), facts, row.taken_at - previous.taken_at)
      : { rates: [], note: 'One sample so far: temporary files per day need a second one.' };
    return { takenAt: new Date(row.taken_at).toISOString(), facts, tempRates: rates, tempNote: note };
  }

  /**
   * The slow facts of the latest sample, to carry into the next one until they are due; null when
   * there are none, or they were written before they had a cadence (then they are read again).
   */
  latestSlow(profileId: string): SlowDiskFacts | null {
    const row = this.stmts.latest.get(profileId);
    if (!row) return null;
    const findings = JSON.parse(row.findings) as Findings;
    if (!findings.measuredAt || !findings.slowGaps) return null;
    return slowDiskFactsOf(this.facts(row));
  }

  /**
   * For the fleet overview, every profile's at once (one query, a row per profile that has any): WAL
   * retained by slots and the oldest XID age in %, from its latest sample.
   */
  latestSummaries(): Map<string, DiskFactsSummary> {
    return new Map(
      this.stmts.summaries.all().map((r) => [
        r.profile_id,
        {
          takenAt: new Date(r.taken_at),
          walRetainedBytes: r.wal_retained,
          inactiveSlots: r.inactive_slots,
          oldestXidAgePct: r.oldest_age === null ? null : wraparoundPct(r.oldest_age),
        },
      ]),
    );
  }

  private facts(row: FactRow): DiskFacts {
    const findings = JSON.parse(row.findings) as Findings;
    // Rows written before the slow facts had a cadence: everything was read with that sample.
    const sampled = new Date(row.taken_at).toISOString();
    const measuredAt = findings.measuredAt ?? {
      wal: row.wal_bytes === null ? null : sampled,
      slots: sampled,
      databases: sampled,
      oldestTables: sampled,
      bloat: sampled,
      indexes: sampled,
      tablespaces: sampled,
    };
    return diskFactsSchema.parse({
      inRecovery: row.in_recovery === 1,
      wal: row.wal_bytes === null ? null : { bytes: row.wal_bytes, files: row.wal_files },
      slots: this.stmts.slots.all(row.sample_id).map((s) => ({
        name: s.name,
        kind: s.kind,
        database: s.database,
        active: s.active === 1,
        walStatus: s.wal_status,
        retainedBytes: s.retained_bytes,
        inactiveSince: at(s.inactive_since),
        fixSql: diskFixes.dropSlot(s.name),
      })),
      freezeMaxAge: row.freeze_max_age,
      multixactFreezeMaxAge: row.mxid_freeze_max_age,
      databases: this.stmts.databases.all(row.sample_id).map((d) => ({
        name: d.name,
        xidAge: d.xid_age,
        mxidAge: d.mxid_age,
        tempBytes: d.temp_bytes,
        tempFiles: d.temp_files,
        statsReset: at(d.stats_reset),
      })),
      statsReset: at(row.stats_reset),
      ...findings,
      measuredAt,
      slowGaps: findings.slowGaps ?? [],
    });
  }

  /**
   * Temp bytes are cumulative since each database's statistics reset: the
   * difference between two samples is what was written in between, unless the
   * counter was reset (then nothing is claimed for that database).
   */
  private tempRates(
    before: DatabaseRow[],
    now: DiskFacts,
    spanMs: number,
  ): { rates: TempRate[]; note: string | null } {
    const old = new Map(before.map((d) => [d.name, d]));
    const rates: TempRate[] = [];
    let reset = 0;
    for (const d of now.databases) {
      const p = old.get(d.name);
      if (
        !p ||
        d.tempBytes === null ||
        p.temp_bytes === null ||
        d.tempFiles === null ||
        p.temp_files === null
      )
        continue;
      if (ms(d.statsReset) !== p.stats_reset || d.tempBytes < p.temp_bytes) {
        reset++;
        continue;
      }
      const bytes = d.tempBytes - p.temp_bytes;
      rates.push({
        database: d.name,
        bytes,
        files: d.tempFiles - p.temp_files,
        spanMs,
        bytesPerDay: spanMs >= TEMP_RATE_MIN_SPAN_MS ? (bytes / spanMs) * DAY_MS : null,
      });
    }
    rates.sort((a, b) => b.bytes - a.bytes || a.database.localeCompare(b.database));
    const span =
      `over ${formatSpan(spanMs)} between the last two samples` +
      (spanMs >= TEMP_RATE_MIN_SPAN_MS
        ? ''
        : ` (no figure a day: that needs samples at least ${formatSpan(TEMP_RATE_MIN_SPAN_MS)} apart)`);
    const note =
      reset > 0
        ? `Temporary files ${span}; ${reset} database(s) left out: their counters started again in between (a statistics reset or a crash restart).`
        : `Temporary files ${span}.`;
    return { rates, note };
  }
}
