import type { Queryable } from './db';
import { CAPTURE_SCHEMA } from './names';

/**
 * Everything that belongs to a table or depends on it and that the
 * application may rely on, read from the catalog (pg_class.relacl, pg_policy,
 * pg_trigger, pg_constraint, pg_publication_rel, pg_rewrite via pg_depend,
 * pg_proc via pg_depend, owned sequences …). moves.ts makes the statements
 * that give another table the same.
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
