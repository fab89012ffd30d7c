import type { MigrationSettings, MigrationTarget, ServerFacts, TimeColumnKind } from '../../shared/migration';
import type { ColumnInfo, IndexInfo, TableInfo } from './catalog';
import type { DroppedForeignKey } from './dependents';
import { qi, withSuffix } from './ident';
import type { MigrationNames } from './names';
import type { PartmanFacts } from './sql/partman';
import { appendToFirstList, appendToIndexTail, splitIndexDef } from './sql-text';

/**
 * Everything the engine decided when the plan was made, kept in the journal
 * so that a resumed run (or a new app instance) executes the same plan.
 */
export interface MigrationSpec {
  id: string;
  profileId: string;
  sourceOid: number;
  timeColumn: string;
  timeKind: TimeColumnKind;
  timeType: string;
  target: MigrationTarget;
  settings: MigrationSettings;
  server: ServerFacts;
  /** Where the timescaledb extension lives (its functions are called qualified). */
  timescaleSchema: string | null;
  /** pg_partman when the table is handed to it (settings.partitionUpkeep); absent otherwise. */
  partman?: PartmanFacts | null;
  names: MigrationNames;
  /** Columns the copy writes (generated columns are left to the new table to compute). */
  copyColumns: string[];
  /** Every column, for comparing rows. */
  allColumns: string[];
  /** GENERATED ALWAYS identity columns need OVERRIDING SYSTEM VALUE to keep their values. */
  overridingSystemValue: boolean;
  /** Source key used by change capture; null = offline sync mode. */
  captureKey: string[] | null;
  indexes: IndexPlan[];
  /** Referencing foreign keys (`table.constraint`) the new table cannot keep; dropped if the DBA accepted. */
  unsupportedInbound: string[];
  /** Those the swap drops, as defined at the plan, so that a rollback restores them (absent in older journals). */
  droppedInbound?: DroppedForeignKey[];
}

/** How one index (or the constraint it backs) of the source is rebuilt on the new table. */
export interface IndexPlan {
  source: string;
  /** Name on the new table until the swap gives it the source's name. */
  temp: string;
  /** Name the source's index gets at the swap. */
  old: string;
  kind: 'primary_key' | 'unique_constraint' | 'unique_index' | 'index';
  /** The statement that builds it on the new table under `temp` (without a guard). */
  create: string;
  /** Definition from USING on, as pg_get_indexdef prints it, for validation. */
  expectedTail: string;
  /** The time column was added to make the key valid on a partitioned table or hypertable. */
  timeAppended: boolean;
  /** Backs the source's replica identity. */
  replicaIdentity: boolean;
}

export function copyColumnsOf(columns: ColumnInfo[]): string[] {
  return columns.filter((c) => !c.generated).map((c) => c.name);
}

/** Plans the indexes of the new table. Exclusion constraints are refused by the pre-flight, not planned. */
export function planIndexes(
  info: TableInfo,
  timeColumn: string,
  /** The time column as PostgreSQL prints it (quote_ident), so definitions compare equal. */
  timeIdent: string,
  names: MigrationNames,
  newRelation: string,
): IndexPlan[] {
  const plans: IndexPlan[] = [];
  const timeQ = timeIdent;
  for (const index of info.indexes) {
    if (!index.valid || index.constraint?.type === 'x') continue;
    const temp = withSuffix(index.name, `_tdm_${names.suffix}`);
    // Not `_old_`: a long index name cut to fit would become the old table's name.
    const old = withSuffix(index.name, `_ixold_${names.suffix}`);
    const { tail } = splitIndexDef(index.definition);
    const unique = index.unique;
    const needsTime = unique && !index.keyColumns.includes(timeColumn);
    const expectedTail = needsTime ? appendToIndexTail(tail, timeQ) : tail;
    let create: string;
    let kind: IndexPlan['kind'];
    if (index.constraint && (index.constraint.type === 'p' || index.constraint.type === 'u')) {
      kind = index.constraint.type === 'p' ? 'primary_key' : 'unique_constraint';
      const def = needsTime
        ? appendToFirstList(index.constraint.definition, timeQ)
        : index.constraint.definition;
      create = `ALTER TABLE ${newRelation} ADD CONSTRAINT ${qi(temp)} ${def};`;
    } else {
      kind = unique ? 'unique_index' : 'index';
      create = `CREATE ${unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${qi(temp)} ON ${newRelation} ${expectedTail};`;
    }
    plans.push({
      source: index.name,
      temp,
      old,
      kind,
      create,
      expectedTail,
      timeAppended: needsTime,
      replicaIdentity: index.replicaIdentity,
    });
  }
  return plans;
}

/** Unique keys that lack the time column: what the pre-flight proposes to change. */
export function keysWithoutTime(info: TableInfo, timeColumn: string): IndexInfo[] {
  return info.indexes.filter(
    (i) => i.valid && i.unique && i.constraint?.type !== 'x' && !i.keyColumns.includes(timeColumn),
  );
}
