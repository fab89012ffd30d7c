import { ql, qn } from '../migration/ident';

/**
 * The SQL a DBA would run to fix each finding: shown next to it, never run by
 * Tidemark. Names come from the server and are quoted here, in one place.
 */
export const diskFixes = {
  /** Frees the WAL an abandoned slot keeps; its consumer must re-sync from scratch afterwards. */
  dropSlot: (name: string) => `SELECT pg_catalog.pg_drop_replication_slot(${ql(name)});`,
  /** Freezes the table now rather than in the aggressive vacuum wraparound would force. */
  freezeTable: (schema: string, name: string) => `VACUUM (FREEZE, VERBOSE) ${qn(schema, name)};`,
  /** Rewrites the table: ACCESS EXCLUSIVE for the whole rewrite (pg_repack does it online). */
  rewriteTable: (schema: string, name: string) => `VACUUM (FULL, VERBOSE) ${qn(schema, name)};`,
  rebuildIndex: (schema: string, name: string) => `REINDEX INDEX CONCURRENTLY ${qn(schema, name)};`,
  dropIndex: (schema: string, name: string) => `DROP INDEX CONCURRENTLY ${qn(schema, name)};`,
};
