import { qi, qn, withSuffix } from './ident';

/** Our own schema on the DBA's server: the change logs, their functions and the run registry. */
export const CAPTURE_SCHEMA = 'tidemark_migration';

/** Every relation name a migration uses, derived once from the table name and a short suffix. */
export interface MigrationNames {
  schema: string;
  table: string;
  /** The new table while it is built (renamed to `table` by the swap). */
  newTable: string;
  /** The original table's name after the swap (kept until cleanup). */
  oldTable: string;
  /** The new table's name after a rollback, until it is dropped. */
  rolledBackTable: string;
  captureSchema: string;
  log: string;
  reverseLog: string;
  captureFunction: string;
  reverseFunction: string;
  truncateFunction: string;
  reverseTruncateFunction: string;
  /** Trigger names on the source (forward) and on the new table after the swap (reverse). */
  trigger: string;
  truncateTrigger: string;
  reverseTrigger: string;
  reverseTruncateTrigger: string;
  suffix: string;
}

export function migrationNames(schema: string, table: string, suffix: string): MigrationNames {
  return {
    schema,
    table,
    newTable: withSuffix(table, `_new_${suffix}`),
    oldTable: withSuffix(table, `_old_${suffix}`),
    rolledBackTable: withSuffix(table, `_rb_${suffix}`),
    captureSchema: CAPTURE_SCHEMA,
    log: `log_${suffix}`,
    reverseLog: `rlog_${suffix}`,
    captureFunction: `capture_${suffix}`,
    reverseFunction: `rcapture_${suffix}`,
    truncateFunction: `truncate_${suffix}`,
    reverseTruncateFunction: `rtruncate_${suffix}`,
    trigger: `tidemark_capture_${suffix}`,
    truncateTrigger: `tidemark_truncate_${suffix}`,
    reverseTrigger: `tidemark_rcapture_${suffix}`,
    reverseTruncateTrigger: `tidemark_rtruncate_${suffix}`,
    suffix,
  };
}

/** Quoted, qualified names for SQL. */
export function rel(names: MigrationNames) {
  return {
    source: qn(names.schema, names.table),
    newTable: qn(names.schema, names.newTable),
    oldTable: qn(names.schema, names.oldTable),
    rolledBack: qn(names.schema, names.rolledBackTable),
    log: qn(names.captureSchema, names.log),
    reverseLog: qn(names.captureSchema, names.reverseLog),
    runs: qn(names.captureSchema, 'runs'),
    captureFunction: qn(names.captureSchema, names.captureFunction),
    reverseFunction: qn(names.captureSchema, names.reverseFunction),
    truncateFunction: qn(names.captureSchema, names.truncateFunction),
    reverseTruncateFunction: qn(names.captureSchema, names.reverseTruncateFunction),
    trigger: qi(names.trigger),
    truncateTrigger: qi(names.truncateTrigger),
    reverseTrigger: qi(names.reverseTrigger),
    reverseTruncateTrigger: qi(names.reverseTruncateTrigger),
  };
}

/** A dollar-quote tag that does not occur in the body. */
export function dollarTag(body: string): string {
  let tag = '$tdm$';
  for (let n = 1; body.includes(tag); n++) tag = `$tdm${n}$`;
  return tag;
}

/** A DO block around PL/pgSQL statements, safely dollar-quoted. */
export function doBlock(body: string): string {
  const tag = dollarTag(body);
  return `DO ${tag}\nBEGIN\n${body}\nEND\n${tag};`;
}
