import type { Queryable } from './db';
import { qi, ql, qn } from './ident';
import { CAPTURE_SCHEMA } from './names';
import { orReplaceTrigger, replaceReferencedTable, replaceTriggerTable } from './sql-text';
import { tuningStatements } from './tuning';

/**
 * Everything that belongs to a table or depends on it and that the
 * application may rely on, read from the catalog (pg_class.relacl, pg_policy,
 * pg_trigger, pg_constraint, pg_publication_rel, pg_rewrite via pg_depend,
 * pg_proc via pg_depend, owned sequences …), and the statements that give
 * another table the same. The swap uses it forward, the rollback backward.
 *
 * Read inside a transaction with search_path = pg_catalog (see withCatalogPath)
 * so every definition PostgreSQL prints is schema-qualified.
 */

export interface Grant {
  grantee: string | null; // null = PUBLIC
  privilege: string;
  grantable: boolean;
  column: string | null;
}

export interface ViewInfo {
  oid: number;
  schema: string;
  name: string;
  kind: 'view' | 'matview';
  definition: string;
  options: string[] | null;
  owner: string;
  grants: Grant[];
  comment: string | null;
  indexes: string[];
  populated: boolean;
  tablespace: string | null;
  /** Relations that depend on this view (a materialized view cannot be recreated under them). */
  dependents: string[];
}

export interface StatisticsObject {
  schema: string;
  name: string;
  owner: string;
  /** pg_get_statisticsobjdef: `CREATE STATISTICS schema.name (kinds) ON … FROM table`. */
  definition: string;
  /** `(kinds) ON …`: the definition without its name and table, to recognise the copy LIKE made. */
  shape: string;
  target: number | null;
  comment: string | null;
}

/** An inbound foreign key the swap drops (the DBA accepted), kept in the spec so a rollback restores it. */
export interface DroppedForeignKey {
  /** The referencing table, found by OID at the rollback (it may have been renamed meanwhile). */
  tableOid: number;
  table: string;
  name: string;
  definition: string;
  validated: boolean;
  comment?: string | null;
  /** The referencing table is partitioned: before PostgreSQL 18 its foreign key cannot be added NOT VALID. */
  partitioned?: boolean;
}

export interface TableObjects {
  oid: number;
  schema: string;
  name: string;
  owner: string;
  kind: 'table' | 'partitioned';
  grants: Grant[];
  comment: string | null;
  replicaIdentity: 'd' | 'n' | 'f' | 'i';
  replicaIndex: string | null;
  rowSecurity: boolean;
  forceRowSecurity: boolean;
  policies: {
    name: string;
    permissive: boolean;
    command: string;
    roles: string[];
    using: string | null;
    check: string | null;
  }[];
  triggers: { name: string; definition: string; enabled: string; constraint: boolean }[];
  fksOut: { name: string; definition: string; validated: boolean; selfReference: boolean }[];
  fksIn: {
    name: string;
    table: string;
    tableOid: number;
    definition: string;
    validated: boolean;
    comment: string | null;
    partitioned: boolean;
  }[];
  /** Comments on the table's valid indexes and its constraints (NOT NULL ones aside: their names are generated). */
  partComments: { kind: 'index' | 'constraint'; name: string; comment: string }[];
  constraintNames: string[];
  publications: {
    name: string;
    rowFilter: string | null;
    columns: string[] | null;
    allTables: boolean;
    /** publish_via_partition_root: needed for a row filter or column list on a partitioned table. */
    viaRoot: boolean;
  }[];
  views: ViewInfo[];
  functions: { oid: number; signature: string; definition: string }[];
  ownedSequences: { sequence: string; column: string }[];
  identitySequences: { sequence: string; column: string }[];
  statisticsTargets: { column: string; target: number }[];
  /** Storage parameters as PostgreSQL stores them (`fillfactor=70`; TOAST ones prefixed `toast.`). */
  reloptions: string[];
  /** Per-column options (n_distinct …), as stored. */
  columnOptions: { column: string; options: string[] }[];
  /** Extended statistics objects on the table. */
  statistics: StatisticsObject[];
  /** Leaf partitions, qualified (a native partitioned table takes storage parameters only on them). */
  partitions: string[];
  rules: string[];
  /** Objects that use the table's row type (they keep the old table's type). */
  rowTypeUsers: string[];
  /** Anything else pg_depend lists that the engine does not know how to move. */
  others: string[];
  securityLabels: number;
  subscribed: boolean;
}

const grantsSql = () => `
  SELECT CASE WHEN a.grantee = 0 THEN NULL ELSE pg_get_userbyid(a.grantee) END AS grantee,
         a.privilege_type AS privilege, a.is_grantable AS grantable`;

async function tableGrants(db: Queryable, oid: number): Promise<Grant[]> {
  const { rows } = await db.query(
    `${grantsSql()}, NULL::name AS "column"
       FROM pg_class c, aclexplode(c.relacl) a WHERE c.oid = $1 AND a.grantee <> c.relowner
     UNION ALL
     ${grantsSql()}, att.attname AS "column"
       FROM pg_class c JOIN pg_attribute att ON att.attrelid = c.oid, aclexplode(att.attacl) a
      WHERE c.oid = $1 AND att.attnum > 0 AND NOT att.attisdropped AND a.grantee <> c.relowner`,
    [oid],
  );
  return rows.map((r) => ({
    grantee: r.grantee,
    privilege: r.privilege,
    grantable: r.grantable,
    column: r.column,
  }));
}

/** `(kinds) ON columns` of the statistics object `s` (pg_statistic_ext), to recognise the copy LIKE made. */
export function statisticsShapeSql(versionNum: number): string {
  return `s.stxkind::text || ' ON ' || ${
    versionNum >= 140000
      ? 'pg_catalog.pg_get_statisticsobjdef_columns(s.oid)'
      : `pg_catalog.array_to_string(ARRAY(SELECT pg_catalog.quote_ident(a.attname) FROM pg_catalog.unnest(s.stxkeys::int2[]) WITH ORDINALITY k(n, o)
           JOIN pg_catalog.pg_attribute a ON a.attrelid = s.stxrelid AND a.attnum = k.n ORDER BY k.o), ', ')`
  }`;
}

export async function readObjects(db: Queryable, oid: number): Promise<TableObjects> {
  const v = Number((await db.query(`SELECT current_setting('server_version_num') AS v`)).rows[0].v);
  const { rows: base } = await db.query(
    `SELECT n.nspname AS schema, c.relname AS name, pg_get_userbyid(c.relowner) AS owner, c.relkind::text AS relkind,
            obj_description(c.oid, 'pg_class') AS comment, c.relreplident::text AS replident,
            (SELECT ic.relname FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
              WHERE i.indrelid = c.oid AND i.indisreplident) AS replindex,
            c.relrowsecurity AS rls, c.relforcerowsecurity AS force_rls, c.reltype AS reltype,
            (SELECT count(*) FROM pg_seclabel s WHERE s.objoid = c.oid AND s.classoid = 'pg_class'::regclass)::int AS labels,
            ${v >= 100000 ? `EXISTS (SELECT 1 FROM pg_subscription_rel s WHERE s.srrelid = c.oid)` : 'false'} AS subscribed
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = $1`,
    [oid],
  );
  const b = base[0];
  if (!b) throw new Error(`relation ${oid} is gone`);

  const policies = await db.query(
    `SELECT p.polname AS name, p.polpermissive AS permissive,
            CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE' WHEN 'd' THEN 'DELETE' ELSE 'ALL' END AS command,
            ARRAY(SELECT CASE WHEN r = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(r)::text END FROM unnest(p.polroles) r) AS roles,
            pg_get_expr(p.polqual, p.polrelid) AS using, pg_get_expr(p.polwithcheck, p.polrelid) AS check
       FROM pg_policy p WHERE p.polrelid = $1 ORDER BY p.polname`,
    [oid],
  );
  const triggers = await db.query(
    `SELECT t.tgname AS name, pg_get_triggerdef(t.oid) AS definition, t.tgenabled::text AS enabled,
            t.tgconstraint <> 0 AS constraint
       FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_namespace pn ON pn.oid = p.pronamespace
      WHERE t.tgrelid = $1 AND NOT t.tgisinternal AND pn.nspname <> $2
        -- TimescaleDB's own triggers (ts_insert_blocker …) belong to the hypertable, not to the application.
        AND pn.nspname NOT LIKE '_timescaledb%'
      ORDER BY t.tgname`,
    [oid, CAPTURE_SCHEMA],
  );
  const fksOut = await db.query(
    `SELECT conname AS name, pg_get_constraintdef(oid) AS definition, convalidated AS validated,
            confrelid = conrelid AS self
       FROM pg_constraint WHERE conrelid = $1 AND contype = 'f' ${v >= 110000 ? 'AND conparentid = 0' : ''} ORDER BY conname`,
    [oid],
  );
  const fksIn = await db.query(
    `SELECT conname AS name, conrelid::regclass::text AS "table", conrelid::int8 AS table_oid,
            pg_get_constraintdef(oid) AS definition, convalidated AS validated,
            obj_description(oid, 'pg_constraint') AS comment,
            (SELECT relkind = 'p' FROM pg_class WHERE oid = conrelid) AS partitioned
       FROM pg_constraint WHERE confrelid = $1 AND conrelid <> $1 AND contype = 'f'
        ${v >= 110000 ? 'AND conparentid = 0' : ''} ORDER BY 2, 1`,
    [oid],
  );
  const partComments = await db.query(
    `SELECT 'index' AS kind, ic.relname AS name, d.description AS comment
       FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
       JOIN pg_description d ON d.objoid = i.indexrelid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
      WHERE i.indrelid = $1 AND i.indisvalid
     UNION ALL
     SELECT 'constraint', c.conname, d.description
       FROM pg_constraint c JOIN pg_description d ON d.objoid = c.oid AND d.classoid = 'pg_constraint'::regclass
      WHERE c.conrelid = $1 AND c.contype IN ('c', 'f', 'p', 'u')
     ORDER BY 1, 2`,
    [oid],
  );
  const constraintNames = await db.query(`SELECT conname AS name FROM pg_constraint WHERE conrelid = $1`, [
    oid,
  ]);
  const publications = await db.query(
    `SELECT p.pubname AS name, p.puballtables AS all_tables, p.pubviaroot AS via_root,
            ${v >= 150000 ? 'pg_get_expr(pr.prqual, pr.prrelid)' : 'NULL::text'} AS row_filter,
            ${
              v >= 150000
                ? `CASE WHEN pr.prattrs IS NULL THEN NULL ELSE ARRAY(SELECT a.attname::text FROM unnest(pr.prattrs::int2[]) k
                     JOIN pg_attribute a ON a.attrelid = pr.prrelid AND a.attnum = k) END`
                : 'NULL::text[]'
            } AS columns
       FROM pg_publication_rel pr JOIN pg_publication p ON p.oid = pr.prpubid WHERE pr.prrelid = $1
     UNION ALL
     SELECT p.pubname, true, p.pubviaroot, NULL, NULL FROM pg_publication p WHERE p.puballtables
     ORDER BY 1`,
    [oid],
  );
  const views = await db.query(
    `SELECT DISTINCT v.oid::int8 AS oid, vn.nspname AS schema, v.relname AS name, v.relkind::text AS relkind,
            pg_get_viewdef(v.oid) AS definition, v.reloptions AS options, pg_get_userbyid(v.relowner) AS owner,
            obj_description(v.oid, 'pg_class') AS comment, v.relispopulated AS populated,
            (SELECT spcname FROM pg_tablespace WHERE oid = v.reltablespace) AS tablespace,
            ARRAY(SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid = v.oid) AS indexes,
            ARRAY(SELECT DISTINCT d2c.oid::regclass::text FROM pg_depend d2 JOIN pg_rewrite r2 ON r2.oid = d2.objid
                    JOIN pg_class d2c ON d2c.oid = r2.ev_class
                   WHERE d2.classid = 'pg_rewrite'::regclass AND d2.refclassid = 'pg_class'::regclass
                     AND d2.refobjid = v.oid AND r2.ev_class <> v.oid) AS dependents
       FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid JOIN pg_class v ON v.oid = r.ev_class
       JOIN pg_namespace vn ON vn.oid = v.relnamespace
      WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass AND d.refobjid = $1
        AND r.ev_class <> $1 ORDER BY 2, 3`,
    [oid],
  );
  const viewInfos: ViewInfo[] = [];
  for (const r of views.rows) {
    viewInfos.push({
      oid: Number(r.oid),
      schema: r.schema,
      name: r.name,
      kind: r.relkind === 'm' ? 'matview' : 'view',
      definition: r.definition,
      options: r.options,
      owner: r.owner,
      grants: await tableGrants(db, Number(r.oid)),
      comment: r.comment,
      indexes: r.indexes,
      populated: r.populated,
      tablespace: r.tablespace,
      dependents: r.dependents,
    });
  }
  const functions =
    v >= 140000
      ? await db.query(
          `SELECT DISTINCT p.oid::int8 AS oid, p.oid::regprocedure::text AS signature, pg_get_functiondef(p.oid) AS definition
             FROM pg_depend d JOIN pg_proc p ON p.oid = d.objid
            WHERE d.classid = 'pg_proc'::regclass AND d.refclassid = 'pg_class'::regclass AND d.refobjid = $1
              AND d.deptype = 'n' AND p.prosqlbody IS NOT NULL`,
          [oid],
        )
      : { rows: [] };
  const sequences = await db.query(
    `SELECT s.oid::regclass::text AS sequence, a.attname AS column, d.deptype::text AS deptype
       FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
       JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
      WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.refobjid = $1
        AND d.deptype IN ('a', 'i') ORDER BY 2`,
    [oid],
  );
  const stats = await db.query(
    `SELECT attname AS column, attstattarget::int AS target FROM pg_attribute
      WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped AND attstattarget IS NOT NULL AND attstattarget >= 0
      ORDER BY attnum`,
    [oid],
  );
  const options = await db.query(
    `SELECT coalesce(c.reloptions, '{}') AS own,
            coalesce((SELECT t.reloptions FROM pg_class t WHERE t.oid = c.reltoastrelid), '{}') AS toast,
            ARRAY(SELECT i.inhrelid::regclass::text FROM pg_inherits i WHERE i.inhparent = c.oid AND c.relkind = 'p'
                   ORDER BY 1) AS partitions
       FROM pg_class c WHERE c.oid = $1`,
    [oid],
  );
  const columnOptions = await db.query(
    `SELECT attname AS column, attoptions AS options FROM pg_attribute
      WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped AND attoptions IS NOT NULL ORDER BY attnum`,
    [oid],
  );
  const statistics = await db.query(
    `SELECT n.nspname AS schema, s.stxname AS name, pg_get_userbyid(s.stxowner) AS owner,
            pg_get_statisticsobjdef(s.oid) AS definition, nullif(s.stxstattarget::int, -1) AS target,
            obj_description(s.oid, 'pg_statistic_ext') AS comment,
            ${statisticsShapeSql(v)} AS shape
       FROM pg_statistic_ext s JOIN pg_namespace n ON n.oid = s.stxnamespace WHERE s.stxrelid = $1 ORDER BY 1, 2`,
    [oid],
  );
  const rules = await db.query(
    `SELECT rulename AS name FROM pg_rewrite WHERE ev_class = $1 AND rulename <> '_RETURN'`,
    [oid],
  );
  const rowType = await db.query(
    `SELECT DISTINCT pg_describe_object(d.classid, d.objid, d.objsubid) AS what
       FROM pg_depend d WHERE d.refclassid = 'pg_type'::regclass AND d.refobjid = $1 AND d.deptype = 'n'`,
    [b.reltype],
  );
  // Dependents of kinds handled above, or owned parts of the table (indexes, constraints, defaults, sequences, TOAST).
  const others = await db.query(
    `SELECT DISTINCT pg_describe_object(d.classid, d.objid, d.objsubid) AS what
       FROM pg_depend d
      WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = $1 AND d.deptype = 'n'
        AND d.classid NOT IN ('pg_rewrite'::regclass, 'pg_constraint'::regclass, 'pg_trigger'::regclass,
                              'pg_policy'::regclass, 'pg_publication_rel'::regclass, 'pg_attrdef'::regclass,
                              'pg_class'::regclass, 'pg_statistic_ext'::regclass, 'pg_type'::regclass)
        AND NOT (d.classid = 'pg_proc'::regclass AND d.objid IN (SELECT p.oid FROM pg_proc p WHERE ${v >= 140000 ? 'p.prosqlbody IS NOT NULL' : 'false'}))
        AND NOT (d.classid = 'pg_proc'::regclass AND d.objid IN (
              SELECT p.oid FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $2))`,
    [oid, CAPTURE_SCHEMA],
  );
  return {
    oid,
    schema: b.schema,
    name: b.name,
    owner: b.owner,
    kind: b.relkind === 'p' ? 'partitioned' : 'table',
    grants: await tableGrants(db, oid),
    comment: b.comment,
    replicaIdentity: b.replident,
    replicaIndex: b.replindex,
    rowSecurity: b.rls,
    forceRowSecurity: b.force_rls,
    policies: policies.rows,
    triggers: triggers.rows,
    fksOut: fksOut.rows.map((r) => ({ ...r, selfReference: r.self })),
    fksIn: fksIn.rows.map((r) => ({ ...r, tableOid: Number(r.table_oid) })),
    partComments: partComments.rows,
    constraintNames: constraintNames.rows.map((r) => r.name),
    publications: publications.rows.map((r) => ({
      name: r.name,
      rowFilter: r.row_filter,
      columns: r.columns,
      allTables: r.all_tables,
      viaRoot: r.via_root,
    })),
    views: viewInfos,
    functions: functions.rows.map((r) => ({
      oid: Number(r.oid),
      signature: r.signature,
      definition: r.definition,
    })),
    ownedSequences: sequences.rows
      .filter((r) => r.deptype === 'a')
      .map((r) => ({ sequence: r.sequence, column: r.column })),
    identitySequences: sequences.rows
      .filter((r) => r.deptype === 'i')
      .map((r) => ({ sequence: r.sequence, column: r.column })),
    statisticsTargets: stats.rows,
    reloptions: [...options.rows[0].own, ...options.rows[0].toast.map((o: string) => `toast.${o}`)],
    columnOptions: columnOptions.rows,
    statistics: statistics.rows,
    partitions: options.rows[0].partitions,
    rules: rules.rows.map((r) => r.name),
    rowTypeUsers: rowType.rows.map((r) => r.what),
    others: others.rows.map((r) => r.what),
    securityLabels: b.labels,
    subscribed: b.subscribed,
  };
}

// ---------------------------------------------------------------- statements

export interface MoveContext {
  /** `from` and `to` as they are named when the statements run (after the renames). */
  from: string;
  to: string;
  versionNum: number;
  /** The `to` table is a native partitioned table (NOT VALID foreign keys need PostgreSQL 18 there). */
  toPartitioned: boolean;
  /** The `to` table is a hypertable. */
  toHypertable: boolean;
  /** Inbound foreign keys that cannot point at `to` and are dropped instead (settings.dropUnsupportedForeignKeys). */
  dropInbound: Set<string>;
  /** Replica identity index on `to`, by its final name. */
  replicaIndex: string | null;
  /** Leave `from`'s own foreign keys (the rollback drops that table right after). */
  keepFromConstraints?: boolean;
  /** Rollback: inbound foreign keys the swap dropped, to add back (`table` as it is named now). */
  restoreInbound?: DroppedForeignKey[];
}

export interface MoveStatement {
  kind: string;
  name: string;
  action: string;
  sql: string[];
  /** Run after the swap commits (constraint validation): slow, but takes no lock the application waits on. */
  after?: string[];
}

function grantSql(g: Grant, target: string): string {
  const who = g.grantee === null ? 'PUBLIC' : qi(g.grantee);
  const priv = g.column ? `${g.privilege} (${qi(g.column)})` : g.privilege;
  return `GRANT ${priv} ON TABLE ${target} TO ${who}${g.grantable ? ' WITH GRANT OPTION' : ''};`;
}

function revokeSql(g: Grant, target: string): string {
  const who = g.grantee === null ? 'PUBLIC' : qi(g.grantee);
  const priv = g.column ? `${g.privilege} (${qi(g.column)})` : g.privilege;
  return `REVOKE ${priv} ON TABLE ${target} FROM ${who};`;
}

const grantKey = (g: Grant) => `${g.grantee ?? ''}|${g.privilege}|${g.column ?? ''}|${g.grantable}`;

function policySql(p: TableObjects['policies'][number], target: string): string[] {
  const roles = p.roles.map((r) => (r === 'PUBLIC' ? 'PUBLIC' : qi(r))).join(', ');
  return [
    `DROP POLICY IF EXISTS ${qi(p.name)} ON ${target};`,
    `CREATE POLICY ${qi(p.name)} ON ${target} AS ${p.permissive ? 'PERMISSIVE' : 'RESTRICTIVE'} FOR ${p.command} TO ${roles}${
      p.using ? ` USING (${p.using})` : ''
    }${p.check ? ` WITH CHECK (${p.check})` : ''};`,
  ];
}

const triggerState: Record<string, string> = {
  O: 'ENABLE',
  D: 'DISABLE',
  R: 'ENABLE REPLICA',
  A: 'ENABLE ALWAYS',
};

/** Recreates a view (same OID, so grants, owner and views on it stay) against whatever its names now mean. */
function viewSql(v: ViewInfo): MoveStatement {
  const name = qn(v.schema, v.name);
  const withOptions = v.options?.length ? ` WITH (${v.options.join(', ')})` : '';
  const definition = v.definition.trim().replace(/;$/, '');
  if (v.kind === 'view') {
    return {
      kind: 'view',
      name,
      action:
        'recreated with CREATE OR REPLACE VIEW against the new table (same view: grants, owner and dependent views kept)',
      sql: [`CREATE OR REPLACE VIEW ${name}${withOptions} AS ${definition};`],
    };
  }
  const sql = [
    `DROP MATERIALIZED VIEW ${name};`,
    `CREATE MATERIALIZED VIEW ${name}${withOptions}${v.tablespace ? ` TABLESPACE ${qi(v.tablespace)}` : ''} AS ${definition} WITH ${v.populated ? '' : 'NO '}DATA;`,
    ...v.indexes.map((i) => `${i};`),
    `ALTER MATERIALIZED VIEW ${name} OWNER TO ${qi(v.owner)};`,
    ...v.grants.map((g) => grantSql(g, name)),
  ];
  if (v.comment !== null) sql.push(`COMMENT ON MATERIALIZED VIEW ${name} IS ${ql(v.comment)};`);
  return {
    kind: 'materialized view',
    name,
    action: 'rebuilt against the new table (with its indexes, owner, grants and comment)',
    sql,
  };
}

/**
 * Adds back an inbound foreign key the swap dropped, with its name, actions,
 * deferrability and match type: NOT VALID inside the rollback's transaction
 * (no scan under the lock), VALIDATE after the commit (it does not block writes).
 */
/**
 * Whether a foreign key of another table can be added NOT VALID (and validated
 * after the commit): PostgreSQL before 18 refuses that on a partitioned table,
 * so there it is checked when added, inside the swap.
 */
export function inboundNotValidOk(fk: { partitioned?: boolean }, versionNum: number): boolean {
  return !fk.partitioned || versionNum >= 180000;
}

export function restoreForeignKey(fk: DroppedForeignKey, T: string, versionNum: number): MoveStatement {
  const def = replaceReferencedTable(fk.definition, T);
  const addNotValid = !/\bNOT VALID$/.test(def) && inboundNotValidOk(fk, versionNum);
  return {
    kind: 'foreign key (referencing)',
    name: `${fk.table}.${fk.name}`,
    action: !fk.validated
      ? 'restored (NOT VALID, as it was)'
      : addNotValid
        ? 'restored (added NOT VALID, then validated after the commit)'
        : 'restored (checked when added: PostgreSQL before 18 cannot add it NOT VALID to a partitioned table)',
    sql: [
      `ALTER TABLE ${fk.table} ADD CONSTRAINT ${qi(fk.name)} ${def}${addNotValid ? ' NOT VALID' : ''};`,
      ...(fk.comment ? [`COMMENT ON CONSTRAINT ${qi(fk.name)} ON ${fk.table} IS ${ql(fk.comment)};`] : []),
    ],
    after: addNotValid && fk.validated ? [`ALTER TABLE ${fk.table} VALIDATE CONSTRAINT ${qi(fk.name)};`] : [],
  };
}

/**
 * Statements that give `to` what `from` has and take from `from` what must not
 * stay there (foreign keys, publication membership, sequence ownership). Both
 * snapshots are read before the renames; the statements use the names after them.
 */
export function moveStatements(from: TableObjects, to: TableObjects, ctx: MoveContext): MoveStatement[] {
  const out: MoveStatement[] = [];
  const T = ctx.to;
  const F = ctx.from;

  if (from.owner !== to.owner) {
    out.push({
      kind: 'owner',
      name: from.owner,
      action: 'the new table gets the same owner',
      sql: [`ALTER TABLE ${T} OWNER TO ${qi(from.owner)};`],
    });
  }
  const wanted = new Set(from.grants.map(grantKey));
  const have = new Set(to.grants.map(grantKey));
  const grantSqls = [
    ...to.grants.filter((g) => !wanted.has(grantKey(g))).map((g) => revokeSql(g, T)),
    ...from.grants.filter((g) => !have.has(grantKey(g))).map((g) => grantSql(g, T)),
  ];
  if (grantSqls.length > 0) {
    out.push({
      kind: 'grants',
      name: `${from.grants.length} privileges`,
      action: 'granted the same way',
      sql: grantSqls,
    });
  }
  if (from.comment !== to.comment) {
    out.push({
      kind: 'comment',
      name: 'table comment',
      action: 'copied',
      sql: [`COMMENT ON TABLE ${T} IS ${from.comment === null ? 'NULL' : ql(from.comment)};`],
    });
  }
  for (const seq of from.ownedSequences) {
    out.push({
      kind: 'sequence',
      name: seq.sequence,
      action: `now owned by the new table's ${seq.column} (cleanup will not drop it; defaults keep using it)`,
      sql: [`ALTER SEQUENCE ${seq.sequence} OWNED BY ${T}.${qi(seq.column)};`],
    });
  }
  for (const seq of from.identitySequences) {
    const target = to.identitySequences.find((s) => s.column === seq.column);
    if (!target) continue;
    out.push({
      kind: 'identity',
      name: `${seq.column}`,
      action: 'the new identity sequence continues where the old one stopped',
      // The plan names the new table's sequence by an expression (it does not exist yet); the swap by its name.
      sql: [
        `SELECT setval(${target.sequence.startsWith('pg_get_serial_sequence(') ? target.sequence : `${ql(target.sequence)}::regclass`}, s.last_value, s.is_called) FROM ${seq.sequence} s;`,
      ],
    });
  }
  for (const st of from.statisticsTargets) {
    if (to.statisticsTargets.some((x) => x.column === st.column && x.target === st.target)) continue;
    out.push({
      kind: 'statistics target',
      name: st.column,
      action: `SET STATISTICS ${st.target}`,
      sql: [`ALTER TABLE ${T} ALTER COLUMN ${qi(st.column)} SET STATISTICS ${Math.trunc(st.target)};`],
    });
  }
  out.push(...tuningStatements(from, to, T, ctx.versionNum));
  if (
    from.replicaIdentity !== 'd' &&
    (from.replicaIdentity !== to.replicaIdentity || from.replicaIdentity === 'i')
  ) {
    const clause =
      from.replicaIdentity === 'f'
        ? 'FULL'
        : from.replicaIdentity === 'n'
          ? 'NOTHING'
          : ctx.replicaIndex
            ? `USING INDEX ${qi(ctx.replicaIndex)}`
            : null;
    if (clause) {
      out.push({
        kind: 'replica identity',
        name: clause,
        action: 'set the same way',
        sql: [`ALTER TABLE ${T} REPLICA IDENTITY ${clause};`],
      });
    }
  }

  // Foreign keys from `from` to other tables: on `to` instead (NOT VALID, validated after the swap).
  const notValidOk = !ctx.toPartitioned || ctx.versionNum >= 180000;
  for (const fk of from.fksOut) {
    let def = fk.definition;
    if (fk.selfReference) def = replaceReferencedTable(def, T);
    const alreadyNotValid = /\bNOT VALID$/.test(def);
    const addNotValid = notValidOk && !alreadyNotValid;
    const sql: string[] = ctx.keepFromConstraints
      ? []
      : [`ALTER TABLE ${F} DROP CONSTRAINT IF EXISTS ${qi(fk.name)};`];
    if (!to.constraintNames.includes(fk.name)) {
      sql.push(`ALTER TABLE ${T} ADD CONSTRAINT ${qi(fk.name)} ${def}${addNotValid ? ' NOT VALID' : ''};`);
    }
    out.push({
      kind: 'foreign key',
      name: fk.name,
      action:
        addNotValid && fk.validated
          ? 'moved to the new table (validated after the swap)'
          : 'moved to the new table',
      sql,
      after: addNotValid && fk.validated ? [`ALTER TABLE ${T} VALIDATE CONSTRAINT ${qi(fk.name)};`] : [],
    });
  }
  // Foreign keys of other tables that reference `from`: re-pointed at `to`.
  for (const fk of from.fksIn) {
    const drop = `ALTER TABLE ${fk.table} DROP CONSTRAINT IF EXISTS ${qi(fk.name)};`;
    if (ctx.dropInbound.has(`${fk.table}.${fk.name}`)) {
      out.push({
        kind: 'foreign key (referencing)',
        name: `${fk.table}.${fk.name}`,
        action: 'dropped: it cannot reference the new table (settings.dropUnsupportedForeignKeys)',
        sql: [drop],
      });
      continue;
    }
    const def = replaceReferencedTable(fk.definition, T);
    const addNotValid = !/\bNOT VALID$/.test(def) && inboundNotValidOk(fk, ctx.versionNum);
    out.push({
      kind: 'foreign key (referencing)',
      name: `${fk.table}.${fk.name}`,
      action:
        addNotValid || !fk.validated
          ? 'now references the new table (validated after the swap)'
          : 'now references the new table (checked inside the swap: PostgreSQL before 18 cannot add it NOT VALID to a partitioned table)',
      sql: [
        drop,
        `ALTER TABLE ${fk.table} ADD CONSTRAINT ${qi(fk.name)} ${def}${addNotValid ? ' NOT VALID' : ''};`,
      ],
      after:
        addNotValid && fk.validated ? [`ALTER TABLE ${fk.table} VALIDATE CONSTRAINT ${qi(fk.name)};`] : [],
    });
  }

  // Dropped by the swap because they could not reference the new table: back as they were, checked after the commit.
  for (const fk of ctx.restoreInbound ?? []) {
    if (from.fksIn.some((x) => x.tableOid === fk.tableOid && x.name === fk.name)) continue;
    out.push(restoreForeignKey(fk, T, ctx.versionNum));
  }

  for (const t of from.triggers) {
    const def = replaceTriggerTable(t.definition, T);
    const exists = to.triggers.some((x) => x.name === t.name);
    const sql =
      ctx.versionNum >= 140000
        ? [`${orReplaceTrigger(def)};`]
        : [...(exists ? [`DROP TRIGGER IF EXISTS ${qi(t.name)} ON ${T};`] : []), `${def};`];
    // Hypertables refuse ENABLE/DISABLE TRIGGER: the pre-flight warns that such a trigger ends up enabled.
    const settable = t.enabled !== 'O' && !ctx.toHypertable;
    if (settable) sql.push(`ALTER TABLE ${T} ${triggerState[t.enabled] ?? 'ENABLE'} TRIGGER ${qi(t.name)};`);
    out.push({
      kind: 'trigger',
      name: t.name,
      action:
        t.enabled !== 'O' && !settable
          ? 'created on the new table (enabled: hypertables cannot disable triggers)'
          : 'created on the new table',
      sql,
    });
  }

  if (from.rowSecurity !== to.rowSecurity || from.forceRowSecurity !== to.forceRowSecurity) {
    out.push({
      kind: 'row level security',
      name: from.rowSecurity ? 'enabled' : 'disabled',
      action: 'set the same way',
      sql: [
        `ALTER TABLE ${T} ${from.rowSecurity ? 'ENABLE' : 'DISABLE'} ROW LEVEL SECURITY;`,
        `ALTER TABLE ${T} ${from.forceRowSecurity ? 'FORCE' : 'NO FORCE'} ROW LEVEL SECURITY;`,
      ],
    });
  }
  for (const p of from.policies) {
    out.push({ kind: 'policy', name: p.name, action: 'created on the new table', sql: policySql(p, T) });
  }

  for (const pub of from.publications) {
    if (pub.allTables) continue;
    const member = to.publications.some((p) => p.name === pub.name && !p.allTables);
    const cols = pub.columns ? ` (${pub.columns.map(qi).join(', ')})` : '';
    const where = pub.rowFilter ? ` WHERE (${pub.rowFilter})` : '';
    out.push({
      kind: 'publication',
      name: pub.name,
      action: 'the new table is published instead',
      sql: [
        `ALTER PUBLICATION ${qi(pub.name)} DROP TABLE ${F};`,
        ...(member ? [] : [`ALTER PUBLICATION ${qi(pub.name)} ADD TABLE ${T}${cols}${where};`]),
      ],
    });
  }

  // Indexes are built, and constraints added, without the comments: put them back, under the names they have now.
  const comments = [
    ...from.partComments.map((c) =>
      c.kind === 'index'
        ? `COMMENT ON INDEX ${qn(from.schema, c.name)} IS ${ql(c.comment)};`
        : `COMMENT ON CONSTRAINT ${qi(c.name)} ON ${T} IS ${ql(c.comment)};`,
    ),
    ...from.fksIn
      .filter((fk) => fk.comment !== null && !ctx.dropInbound.has(`${fk.table}.${fk.name}`))
      .map((fk) => `COMMENT ON CONSTRAINT ${qi(fk.name)} ON ${fk.table} IS ${ql(fk.comment ?? '')};`),
  ];
  if (comments.length > 0) {
    out.push({
      kind: 'comments',
      name: `${comments.length} on indexes and constraints`,
      action: 'copied',
      sql: comments,
    });
  }

  for (const view of from.views) out.push(viewSql(view));
  for (const f of from.functions) {
    out.push({
      kind: 'function',
      name: f.signature,
      action: 'recreated (its SQL body now reads the new table)',
      sql: [`${f.definition.trim().replace(/;$/, '')};`],
    });
  }
  return out;
}
