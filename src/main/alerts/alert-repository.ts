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
  last_seen_at: number;
  acked_at: number | null;
  ack_until: number | null;
  resolved_at: number | null;
  resolution: Alert['resolution'];
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** An acknowledgement whose snooze has ended is no longer one: the alert is loud again. */
const fromRow = (r: Row, now: number): Alert => ({
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
  lastSeenAt: new Date(r.last_seen_at).toISOString(),
  acknowledged:
    r.acked_at !== null && (r.ack_until === null || r.ack_until > now)
      ? { at: new Date(r.acked_at).toISOString(), until: iso(r.ack_until) }
      : null,
  resolvedAt: iso(r.resolved_at),
  resolution: r.resolution,
});

/**
 * What an alert is about within its profile, for "one active alert per kind
 * and subject": a sampled relation by its id (a relation known only by name,
 * as partition upkeep knows it, by its name), the database by name, the server
 * as the profile's one server (whatever its host is called today).
 */
export function subjectKey(subject: Alert['subject']): string {
  if (subject.type === 'relation')
    return subject.relationId === null ? `table:${subject.name}` : `relation:${subject.relationId}`;
  if (subject.type === 'database') return `database:${subject.name}`;
  if (subject.type === 'slot') return `slot:${subject.name}`;
  return 'server';
}

const COLUMNS = `id, profile_id, kind, severity, subject_type, subject_name, relation_id, message, current_bytes,
  previous_bytes, growth_pct, raised_at, last_seen_at, acked_at, ack_until, resolved_at, resolution`;

const draftFigures = (draft: AlertDraft) => ({
  severity: draft.severity,
  subjectName: draft.subject.name,
  message: draft.message,
  currentBytes: wholeOrNull(draft.currentBytes),
  previousBytes: wholeOrNull(draft.previousBytes),
  growthPct: finiteOrNull(draft.growthPct),
});

/**
 * Stored alerts: raise (deduplicated, with retention), refresh while the
 * condition holds, acknowledge, resolve, list, count. Reads take `now` to tell
 * a running snooze from an ended one.
 */
export class AlertRepository {
  private readonly stmts;
  private readonly raiseTx: (profileId: string, draft: AlertDraft, at: number) => Row | null;

  constructor(db: Database.Database) {
    this.stmts = {
      // The partial unique index refuses a second ACTIVE alert of the same kind and subject: nothing is inserted.
      insert: db.prepare<[Record<string, unknown>], Row>(`
        INSERT INTO alerts (profile_id, kind, severity, subject_type, subject_name, relation_id, subject_key,
          message, current_bytes, previous_bytes, growth_pct, raised_at, last_seen_at)
        VALUES (@profileId, @kind, @severity, @subjectType, @subjectName, @relationId, @subjectKey, @message,
          @currentBytes, @previousBytes, @growthPct, @at, @at)
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
      activeOfProfile: db.prepare<[string], Row>(`
        SELECT ${COLUMNS} FROM alerts WHERE profile_id = ? AND resolved_at IS NULL ORDER BY id`),
      seenBefore: db.prepare<[string, AlertKind, string, number], { n: number }>(`
        SELECT count(*) AS n FROM alerts
        WHERE profile_id = ? AND kind = ? AND subject_key = ? AND resolved_at IS NOT NULL AND id < ?`),
      endedSnoozes: db.prepare<[{ profileId: string; at: number }], { id: number }>(`
        SELECT id FROM alerts
        WHERE profile_id = @profileId AND resolved_at IS NULL AND ack_until <= @at ORDER BY id`),
      snoozeEnded: db.prepare<[{ id: number; at: number }], { ended: number }>(`
        SELECT ack_until IS NOT NULL AND ack_until <= @at AS ended FROM alerts WHERE id = @id`),
      // The condition still holds: today's figures; a snooze that has ended ends here.
      touch: db.prepare<[Record<string, unknown>], Row>(`
        UPDATE alerts SET severity = @severity, subject_name = @subjectName, message = @message,
          current_bytes = @currentBytes, previous_bytes = @previousBytes, growth_pct = @growthPct,
          last_seen_at = max(last_seen_at, @at),
          acked_at = CASE WHEN ack_until <= @at THEN NULL ELSE acked_at END,
          ack_until = CASE WHEN ack_until <= @at THEN NULL ELSE ack_until END
        WHERE id = @id AND resolved_at IS NULL
        RETURNING ${COLUMNS}`),
      ack: db.prepare<[{ id: number; at: number; until: number | null }], Row>(`
        UPDATE alerts SET acked_at = @at, ack_until = @until
        WHERE id = @id AND resolved_at IS NULL
        RETURNING ${COLUMNS}`),
      unack: db.prepare<[number], Row>(`
        UPDATE alerts SET acked_at = NULL, ack_until = NULL
        WHERE id = ? AND resolved_at IS NULL
        RETURNING ${COLUMNS}`),
      resolve: db.prepare<[{ id: number; at: number; resolution: string }], Row>(`
        UPDATE alerts SET resolved_at = @at, resolution = @resolution, last_seen_at = max(last_seen_at, @at)
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
      // Only the loud ones: an acknowledged alert is not counted until its snooze ends.
      counts: db.prepare<[number], { profile_id: string; severity: Alert['severity']; n: number }>(`
        SELECT profile_id, severity, count(*) AS n FROM alerts
        WHERE resolved_at IS NULL AND (acked_at IS NULL OR ack_until <= ?)
        GROUP BY profile_id, severity`),
    };
    this.raiseTx = db.transaction((profileId: string, draft: AlertDraft, at: number) => {
      const row = this.stmts.insert.get({
        profileId,
        kind: draft.kind,
        subjectType: draft.subject.type,
        relationId: draft.subject.relationId,
        subjectKey: subjectKey(draft.subject),
        at,
        ...draftFigures(draft),
      });
      if (!row) return null;
      this.stmts.prune.run({ profileId, keep: KEPT_PER_PROFILE });
      return row;
    });
  }

  /**
   * Stores the alert unless one of the same kind and subject is active for
   * the profile (then returns null), and trims the profile's resolved alerts
   * to the last KEPT_PER_PROFILE — in one transaction.
   */
  raise(profileId: string, draft: AlertDraft, at: Date): Alert | null {
    try {
      const row = this.raiseTx(profileId, draft, at.getTime());
      return row ? fromRow(row, at.getTime()) : null;
    } catch (err) {
      throw storeError(err, 'The alert');
    }
  }

  /** True when an earlier occurrence of the same kind and subject was kept (this one is a re-raise). */
  seenBefore(alert: Alert): boolean {
    return this.stmts.seenBefore.get(alert.profileId, alert.kind, subjectKey(alert.subject), alert.id)!.n > 0;
  }

  /** Active alerts of the profile whose snooze is over at `at` but not yet woken. */
  endedSnoozes(profileId: string, at: Date): number[] {
    return this.stmts.endedSnoozes.all({ profileId, at: at.getTime() }).map((r) => r.id);
  }

  /** True when the alert was snoozed and the snooze is over at `at` (it is loud again). */
  snoozeEnded(id: number, at: Date): boolean {
    return this.stmts.snoozeEnded.get({ id, at: at.getTime() })?.ended === 1;
  }

  /** The condition still holds at `at`: the alert takes the draft's figures and message. */
  touch(id: number, draft: AlertDraft, at: Date): Alert | null {
    const row = this.stmts.touch.get({ id, at: at.getTime(), ...draftFigures(draft) });
    return row ? fromRow(row, at.getTime()) : null;
  }

  get(id: number, now: Date): Alert {
    const row = this.stmts.get.get(id);
    if (!row) throw notFound(`There is no alert ${id}. It may have been deleted (30 are kept per profile).`);
    return fromRow(row, now.getTime());
  }

  /** The active alert of this kind and subject, if any. */
  active(profileId: string, kind: AlertKind, subject: Alert['subject'], now: Date): Alert | null {
    const row = this.stmts.active.get(profileId, kind, subjectKey(subject));
    return row ? fromRow(row, now.getTime()) : null;
  }

  /** Every active alert of a profile, acknowledged or not. */
  activeOf(profileId: string, now: Date): Alert[] {
    return this.stmts.activeOfProfile.all(profileId).map((r) => fromRow(r, now.getTime()));
  }

  /** Quiet until `until` (a snooze), or until the condition clears (null). */
  acknowledge(id: number, until: Date | null, at: Date): Alert {
    const row = this.stmts.ack.get({ id, at: at.getTime(), until: until?.getTime() ?? null });
    if (row) return fromRow(row, at.getTime());
    throw this.alreadyResolved(id, at);
  }

  unacknowledge(id: number, at: Date): Alert {
    const row = this.stmts.unack.get(id);
    if (row) return fromRow(row, at.getTime());
    throw this.alreadyResolved(id, at);
  }

  /** Resolves an active alert; an unknown id is not_found, an already resolved one a conflict. */
  resolve(id: number, resolution: NonNullable<Alert['resolution']>, at: Date): Alert {
    const row = this.stmts.resolve.get({ id, at: at.getTime(), resolution });
    if (row) return fromRow(row, at.getTime());
    throw this.alreadyResolved(id, at);
  }

  /** Active first, newest first; `all` includes the resolved ones still kept. */
  list(profileId: string | undefined, include: 'active' | 'all', now: Date): Alert[] {
    const all = include === 'all' ? 1 : 0;
    const rows =
      profileId === undefined
        ? this.stmts.listAll.all({ all })
        : this.stmts.listProfile.all({ profileId, all });
    return rows.map((r) => fromRow(r, now.getTime()));
  }

  /** Active alerts that are not acknowledged (or whose snooze has ended). */
  counts(now: Date): AlertCounts {
    const byProfile: AlertCounts['byProfile'] = {};
    let total = 0;
    for (const r of this.stmts.counts.all(now.getTime())) {
      const entry = byProfile[r.profile_id] ?? { warning: 0, critical: 0 };
      entry[r.severity] = r.n;
      byProfile[r.profile_id] = entry;
      total += r.n;
    }
    return { total, byProfile };
  }

  private alreadyResolved(id: number, now: Date): AppError {
    const existing = this.get(id, now);
    const how = {
      recovered: 'resolved itself (the server came back)',
      cleared: 'resolved itself (its condition cleared)',
      dismissed: 'was dismissed',
    }[existing.resolution ?? 'dismissed'];
    return new AppError('conflict', `Alert ${id} is already resolved: it ${how} at ${existing.resolvedAt}.`);
  }
}

function wholeOrNull(value: number | null): number | null {
  return value === null || !Number.isFinite(value) ? null : Math.round(value);
}

function finiteOrNull(value: number | null): number | null {
  return value === null || !Number.isFinite(value) ? null : value;
}
