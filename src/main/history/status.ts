import type Database from 'better-sqlite3';
import type { StorageOverview } from '../../shared/storage';
import { iso } from './time';

export type Reachability = StorageOverview['status'];

interface Row {
  state: 'up' | 'down' | null;
  since: number | null;
  last_check_at: number | null;
  latency_ms: number | null;
  message: string | null;
  last_sample_at: number | null;
  last_sample_error: string | null;
}

/** "Is the server answering, since when, when was it last sampled": heartbeat_current + schedules. */
export class StatusQuery {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = db.prepare<[string], Row>(`
      SELECT h.state, h.since, h.last_check_at, h.latency_ms, h.message,
             nullif(max(coalesce(s.last_sample_at, 0),
                        coalesce((SELECT max(taken_at) FROM samples WHERE profile_id = p.id), 0)), 0)
               AS last_sample_at,
             s.last_sample_error
      FROM profiles p
      LEFT JOIN heartbeat_current h ON h.profile_id = p.id
      LEFT JOIN schedules s ON s.profile_id = p.id
      WHERE p.id = ?`);
  }

  /** The status and the latest latency; 'unknown' before the first heartbeat. */
  of(profileId: string): { status: Reachability; latencyMs: number | null } {
    const row = this.stmt.get(profileId);
    return {
      latencyMs: row?.state === 'up' ? row.latency_ms : null,
      status: {
        state: row?.state ?? 'unknown',
        since: iso(row?.since ?? null),
        lastCheckAt: iso(row?.last_check_at ?? null),
        lastSampleAt: iso(row?.last_sample_at ?? null),
        lastSampleError: row?.last_sample_error ?? null,
        message: row?.message ?? null,
      },
    };
  }
}
