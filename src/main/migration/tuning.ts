import type { MigrationTarget, PreflightItem } from '../../shared/migration';
import { type StatisticsObject, statisticsShapeSql, type TableObjects } from './dependents';
import { qi, ql, qn } from './ident';
import type { MoveStatement } from './moves';
import { dollarTag } from './names';

/**
 * How the table is tuned beyond its columns: storage parameters (reloptions,
 * TOAST ones too), per-column options (n_distinct …) and extended statistics.
 * CREATE TABLE … LIKE copies none of the first two and renames the last; the
 * swap sets them on the new table (and the rollback back), and the pre-flight
 * says so in the same words.
 */

/** `name=value` as stored in reloptions / attoptions, as a SET list (values quoted: they come from the server). */
function optionList(options: string[]): string {
  return options
    .map((o) => {
      const eq = o.indexOf('=');
      const key = eq < 0 ? o : o.slice(0, eq);
      const value = eq < 0 ? 'true' : o.slice(eq + 1);
      const name = key.startsWith('toast.') ? `toast.${qi(key.slice(6))}` : qi(key);
      return `${name} = ${ql(value)}`;
    })
    .join(', ');
}

/**
 * Storage parameters, column options and extended statistics. A native
 * partitioned table takes storage parameters only on its partitions (those
 * that exist now: the pre-flight says later ones do not get them).
 */
export function tuningStatements(
  from: TableObjects,
  to: TableObjects,
  T: string,
  versionNum: number,
): MoveStatement[] {
  const out: MoveStatement[] = [];
  const missing = from.reloptions.filter((o) => !to.reloptions.includes(o));
  if (missing.length > 0) {
    const targets = to.kind === 'partitioned' ? to.partitions : [T];
    out.push({
      kind: 'storage parameters',
      name: missing.join(', '),
      action:
        to.kind === 'partitioned'
          ? `set on the ${targets.length} partitions (a partitioned table takes none itself)`
          : 'set the same way',
      sql: targets.map((t) => `ALTER TABLE ${t} SET (${optionList(missing)});`),
    });
  }
  for (const c of from.columnOptions) {
    const have = to.columnOptions.find((x) => x.column === c.column)?.options ?? [];
    const wanted = c.options.filter((o) => !have.includes(o));
    if (wanted.length === 0) continue;
    out.push({
      kind: 'column options',
      name: c.column,
      action: `set the same way (${wanted.join(', ')})`,
      sql: [`ALTER TABLE ${T} ALTER COLUMN ${qi(c.column)} SET (${optionList(wanted)});`],
    });
  }
  // CREATE TABLE … LIKE … INCLUDING STATISTICS made analysed copies under generated names: they take the
  // names. The copy is looked up when the statement runs, so the plan and the export (which cannot know the
  // generated name) run the very statement the engine runs.
  const taken = from.statistics.map((s) => s.name);
  for (const st of from.statistics) {
    const name = qn(st.schema, st.name);
    const sql = [`DROP STATISTICS IF EXISTS ${name};`, statisticsCopySql(st, T, taken, versionNum)];
    sql.push(`ALTER STATISTICS ${name} OWNER TO ${qi(st.owner)};`);
    if (st.target !== null) sql.push(`ALTER STATISTICS ${name} SET STATISTICS ${Math.trunc(st.target)};`);
    if (st.comment !== null) sql.push(`COMMENT ON STATISTICS ${name} IS ${ql(st.comment)};`);
    out.push({
      kind: 'extended statistics',
      name,
      action: 'the new table’s copy takes its name (or it is created there)',
      sql,
    });
  }
  return out;
}

/** The pre-flight's promise about the above (null when the table has none of it). */
export function tuningItem(objects: TableObjects, target: MigrationTarget): PreflightItem | null {
  const said: string[] = [];
  if (objects.reloptions.length > 0) {
    said.push(
      target === 'partitions'
        ? `storage parameters (${objects.reloptions.join(', ')}) are set on each partition at the swap — a partitioned table takes none itself, and partitions created later do not get them`
        : `storage parameters (${objects.reloptions.join(', ')}) are set on the new table at the swap`,
    );
  }
  if (objects.columnOptions.length > 0) {
    said.push(
      `column options (${objects.columnOptions.map((c) => `${qi(c.column)}: ${c.options.join(', ')}`).join('; ')}) are set the same way`,
    );
  }
  if (objects.statistics.length > 0) {
    said.push(
      `extended statistics (${objects.statistics.map((s) => qn(s.schema, s.name)).join(', ')}) keep their names, targets and comments on the new table`,
    );
  }
  if (said.length === 0) return null;
  return {
    id: 'dependent:tuning',
    category: 'dependents',
    title: 'Storage parameters, column options, extended statistics',
    status: 'pass',
    reason: `${said.join('; ')}. A rollback puts them back on the original table. Column storage, compression and statistics targets come with CREATE TABLE … LIKE and the swap.`,
    fix: null,
    sql: null,
    objects: [...objects.reloptions, ...objects.statistics.map((s) => qn(s.schema, s.name))],
  };
}

/** Renames the copy of `st` LIKE made on T (found by its shape) to st's name, or creates st again if there is none. */
function statisticsCopySql(st: StatisticsObject, T: string, taken: string[], versionNum: number): string {
  const body = `DECLARE
  c record;
BEGIN
  SELECT n.nspname AS schema, s.stxname AS name INTO c
    FROM pg_catalog.pg_statistic_ext s JOIN pg_catalog.pg_namespace n ON n.oid = s.stxnamespace
   WHERE s.stxrelid = ${ql(T)}::regclass AND ${statisticsShapeSql(versionNum)} = ${ql(st.shape)}
     AND s.stxname <> ALL (ARRAY[${taken.map(ql).join(', ')}]::text[])
   ORDER BY 2 LIMIT 1;
  IF FOUND THEN
    EXECUTE pg_catalog.format('ALTER STATISTICS %I.%I RENAME TO %I', c.schema, c.name, ${ql(st.name)});
    IF c.schema <> ${ql(st.schema)} THEN
      EXECUTE pg_catalog.format('ALTER STATISTICS %I.%I SET SCHEMA %I', c.schema, ${ql(st.name)}, ${ql(st.schema)});
    END IF;
  ELSE
    ${st.definition.trim().replace(/;$/, '')};
  END IF;
END`;
  const tag = dollarTag(body);
  return `DO ${tag}\n${body}\n${tag};`;
}
