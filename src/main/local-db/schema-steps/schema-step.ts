import type Database from 'better-sqlite3';

/** One numbered step of the local schema; `PRAGMA user_version` records the last one applied. */
export interface SchemaStep {
  version: number;
  name: string;
  up(db: Database.Database): void;
}
