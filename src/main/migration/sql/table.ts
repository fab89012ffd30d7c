import { qi, ql } from '../ident';
import { doBlock, rel } from '../names';
import { shadowMarker } from '../ownership';
import type { MigrationSpec } from '../spec';
import { targetOf } from '../targets';

/**
 * The new table: the source's columns, defaults, CHECK and NOT NULL constraints,
 * identity, generated columns, storage, comments and extended statistics — but
 * none of its indexes (they are built after the copy, which is much faster).
 */
export function createTableSql(spec: MigrationSpec): string {
  const r = rel(spec.names);
  const including = [
    'DEFAULTS',
    'CONSTRAINTS',
    'GENERATED',
    'IDENTITY',
    'STORAGE',
    'COMMENTS',
    'STATISTICS',
    ...(spec.server.versionNum >= 140000 ? ['COMPRESSION'] : []),
  ]
    .map((w) => `INCLUDING ${w}`)
    .join(' ');
  // The marker is set only by the statement that creates the table, so a table of that name made by anyone else lacks it.
  return doBlock(`  IF pg_catalog.to_regclass(${ql(r.newTable)}) IS NULL THEN
    CREATE TABLE ${r.newTable} (LIKE ${r.source} ${including})${targetOf(spec).createClause(spec)};
    COMMENT ON TABLE ${r.newTable} IS ${ql(shadowMarker(spec.id))};
    REVOKE ALL ON TABLE ${r.newTable} FROM PUBLIC;
  END IF;`);
}

/** The column list both sides of every copy use. */
export function columnList(spec: MigrationSpec): string {
  return spec.copyColumns.map(qi).join(', ');
}

/** `INSERT INTO target (cols) [OVERRIDING SYSTEM VALUE] SELECT cols FROM source` — the head of every copy. */
export function insertSelect(spec: MigrationSpec, target: string, source: string, alias = 's'): string {
  const cols = columnList(spec);
  const selectCols = spec.copyColumns.map((c) => `${alias}.${qi(c)}`).join(', ');
  const overriding = spec.overridingSystemValue ? ' OVERRIDING SYSTEM VALUE' : '';
  return `INSERT INTO ${target} (${cols})${overriding} SELECT ${selectCols} FROM ${source} ${alias}`;
}
