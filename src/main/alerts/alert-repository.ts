import type Database from 'better-sqlite3';
import type { Alert, AlertCounts, AlertKind } from '../../shared/alerts';
import { AppError, notFound } from '../errors';
import { storeError } from '../history/store-error';

/** At most this many alerts are kept per profile; older RESOLVED ones are deleted after a raise. */
export const KEPT_PER_PROFILE = 30;

/** An alert an evaluator wants raised (the repository adds id, times and resolution). */
export interface AlertDraft {
  kind: AlertKind;
  severity: Alert['severity'];
  subject: Alert['subject'];
  message: string;
  currentBytes: number | null;
  previousBytes: number | null;
  growthPct: number | null;
}

interface Row {
  id: number;
  profile_id: string;
  kind: AlertKind;
  severity: Alert['severity'];
  subject_type: Alert['subject']['type'];
  subject_name: string;
  relation_id: number | null;
  message: string;
  current_bytes: number | null;
  previous_bytes: number | null;
  growth_pct: number | null;
  raised_at: number;
  resolved_at: number | null;
  resolution: Alert['resolution'];
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const fromRow = (r: Row): Alert => ({
  id: r.id,
  profileId: r.profile_id,
  kind: r.kind,
  severity: r.severity,
  subject: { type: r.subject_type, name: r.subject_name, relationId: r.relation_id },
  message: r.message,
  currentBytes: r.current_bytes,
  previousBytes: r.previous_bytes,
  growthPct: r.growth_pct,
  raisedAt: new Date(r.raised_at).toISOString(),
  resolvedAt: iso(r.resolved_at),
  resolution: r.resolution,
});

/**
 * What an alert is about within its profile, for "one active alert per kind
 * and subject": a relation by its id, the database by name, the server as the
 * profile's one server (whatever its host is called today).
 */
export function subjectKey(subject: Alert['subject']): string {
  if (subject.type === 'relation') return `relation:${subject.relationId}`;
  if (subject.type === 'database') return `database:${subject.name}`;
  return 'server';
}

const COLUMNS = `id, profile_id, kind, severity, subject_type, subject_name, relation_id, message, current_bytes,
  previous_bytes, growth_pct, raised_at, resolved_at, resolution`;

/** Stored alerts: raise (deduplicated, with retention), resolve, list, count. */
export class AlertRepository {
  private readonly stmts;
  private readonly raiseTx: (profileId: string, draft: AlertDraft, at: number) => Alert | null;

  constructor(db: Database.Database) {
    this.stmts = {
      // The partial unique index refuses a second ACTIVE alert of the same kind and subject: nothing is inserted.
      insert: db.prepare<[Record<string, unknown>], Row>(`
        INSERT INTO alerts (profile_id, kind, severity, subject_type, subject_name, relation_id, subject_key,
          message, current_bytes, previous_bytes, growth_pct, raised_at)
        VALUES (@profileId, @kind, @severity, @subjectType, @subjectName, @relationId, @subjectKey, @message,
          @currentBytes, @previousBytes, @growthPct, @at)
        ON CONFLICT DO NOTHING
        RETURNING ${COLUMNS}`),
      // The oldest resolved ones beyond the last KEPT_PER_PROFILE; an active alert is never deleted.
      prune: db.prepare<[{ profileId: string; keep: number }]>(`
        DELETE FROM alerts WHERE id IN (
          SELECT id FROM alerts WHERE profile_id = @profileId AND resolved_at IS NOT NULL
          ORDER BY raised_at, id
          LIMIT max(0, (SELECT count(*) FROM alerts WHERE profile_id = @profileId) - @keep))`),
      get: db.prepare<[number], Row>(`SELECT ${COLUMNS} FROM alerts WHERE id = ?`),
      active: db.prepare<[string, AlertKind, string], Row>(`
        SELECT ${COLUMNS} FROM alerts
        WHERE profile_id = ? AND kind = ? AND subject_key = ? AND resolved_at IS NULL`),
      resolve: db.prepare<[{ id: number; at: number; resolution: string }], Row>(`
        UPDATE alerts SET resolved_at = @at, resolution = @resolution
        WHERE id = @id AND resolved_at IS NULL
        RETURNING ${COLUMNS}`),
      listProfile: db.prepare<[{ profileId: string; all: number }], Row>(`
        SELECT ${COLUMNS} FROM alerts
        WHERE profile_id = @profileId AND (@all = 1 OR resolved_at IS NULL)
        ORDER BY resolved_at IS NOT NULL, raised_at DESC, id DESC`),
      listAll: db.prepare<[{ all: number }], Row>(`
        SELECT ${COLUMNS} FROM alerts
        WHERE @all = 1 OR resolved_at IS NULL
        ORDER BY resolved_at IS NOT NULL, raised_at DESC, id DESC`),
      counts: db.prepare<[], { profile_id: string; severity: Alert['severity']; n: number }>(`
        SELECT profile_id, severity, count(*) AS n FROM alerts WHERE resolved_at IS NULL
        GROUP BY profile_id, severity`),
    };
    this.raiseTx = db.transaction((profileId: string, draft: AlertDraft, at: number) => {
      const row = this.stmts.insert.get({
        profileId,
        kind: draft.kind,
        severity: draft.severity,
        subjectType: draft.subject.type,
        subjectName: draft.subject.name,
        relationId: draft.subject.relationId,
        subjectKey: subjectKey(draft.subject),
        message: draft.message,
        currentBytes: wholeOrNull(draft.currentBytes),
        previousBytes: wholeOrNull(draft.previousBytes),
        growthPct: finiteOrNull(draft.growthPct),
        at,
      });
      if (!row) return null;
      this.stmts.prune.run({ profileId, keep: KEPT_PER_PROFILE });
      return fromRow(row);
    });
  }

  /**
   * Stores the alert unless one of the same kind and subject is active for
   * the profile (then returns null), and trims the profile's resolved alerts
   * to the last KEPT_PER_PROFILE — in one transaction.
   */
  raise(profileId: string, draft: AlertDraft, at: Date): Alert | null {
    try {
      return this.raiseTx(profileId, draft, at.getTime());
    } catch (err) {
      throw storeError(err, 'The alert');
    }
  }

  get(id: number): Alert {
    const row = this.stmts.get.get(id);
    if (!row) throw notFound(`There is no alert ${id}. It may have been deleted (30 are kept per profile).`);
    return fromRow(row);
  }

  /** The active alert of this kind and subject, if any. */
  active(profileId: string, kind: AlertKind, subject: Alert['subject']): Alert | null {
    const row = this.stmts.active.get(profileId, kind, subjectKey(subject));
    return row ? fromRow(row) : null;
  }

  /** Resolves an active alert; an unknown id is not_found, an already resolved one a conflict. */
  resolve(id: number, resolution: NonNullable<Alert['resolution']>, at: Date): Alert {
    const row = this.stmts.resolve.get({ id, at: at.getTime(), resolution });
    if (row) return fromRow(row);
    const existing = this.get(id);
    const how = existing.resolution === 'recovered' ? 'resolved itself (the server came back)' : 'dismissed';
    throw new AppError(
      'conflict',
      `Alert ${id} is already resolved: it was ${how} at ${existing.resolvedAt}.`,
    );
  }

  /** Active first, newest first; `all` includes the resolved ones still kept. */
  list(profileId: string | undefined, include: 'active' | 'all'): Alert[] {
    const all = include === 'all' ? 1 : 0;
    const rows =
      profileId === undefined
        ? this.stmts.listAll.all({ all })
        : this.stmts.listProfile.all({ profileId, all });
    return rows.map(fromRow);
  }

  counts(): AlertCounts {
    const byProfile: AlertCounts['byProfile'] = {};
    let total = 0;
    for (const r of this.stmts.counts.all()) {
      const entry = byProfile[r.profile_id] ?? { warning: 0, critical: 0 };
      entry[r.severity] = r.n;
      byProfile[r.profile_id] = entry;
      total += r.n;
    }
    return { total, byProfile };
  }
}

function wholeOrNull(value: number | null): number | null {
  return value === null || !Number.isFinite(value) ? null : Math.round(value);
}

function finiteOrNull(value: number | null): number | null {
  return value === null || !Number.isFinite(value) ? null : value;
}
