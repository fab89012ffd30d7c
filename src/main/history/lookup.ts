import type Database from 'better-sqlite3';
import { notFound } from '../errors';

/** Checks ids that come from the renderer or the CLI before they reach a query. */
export class Lookup {
  private readonly stmts;

  constructor(db: Database.Database) {
    this.stmts = {
      profile: db.prepare<[string], { name: string }>('SELECT name FROM profiles WHERE id = ?'),
      relation: db.prepare<[number, string], { id: number }>(
        'SELECT id FROM relations WHERE id = ? AND profile_id = ?',
      ),
    };
  }

  /** The profile's name; a clear error if it no longer exists. */
  profile(profileId: string): string {
    const row = this.stmts.profile.get(profileId);
    if (!row) throw notFound('That profile no longer exists.');
    return row.name;
  }

  relation(profileId: string, relationId: number): void {
    this.profile(profileId);
    if (!this.stmts.relation.get(relationId, profileId)) {
      throw notFound('That relation is not in the stored history of this profile.');
    }
  }
}
