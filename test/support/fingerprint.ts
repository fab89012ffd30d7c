/** Catalog fingerprints for the export-equals-engine tests (test-only). */

type Q = { query: (sql: string, params?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }> };

/**
 * Every object in one schema (and our triggers on it), one line each, as the
 * catalog describes it; with the schema's name written as <schema>.
 */
export async function fingerprint(db: Q, schema = 'public'): Promise<string[]> {
  const { rows } = await db.query(
    `
    WITH rels AS (SELECT c.oid, c.relname, c.relkind FROM pg_class c WHERE c.relnamespace = $1::regnamespace)
    SELECT 'relation ' || r.relname || ' kind=' || r.relkind::text || ' options=' || coalesce(array_to_string(c.reloptions, ','), '')
           || ' acl=' || coalesce(c.relacl::text, '') || ' comment=' || coalesce(obj_description(c.oid, 'pg_class'), '')
           || ' bound=' || coalesce(pg_get_expr(c.relpartbound, c.oid), '')
           || ' parent=' || coalesce((SELECT i.inhparent::regclass::text FROM pg_inherits i WHERE i.inhrelid = c.oid), '')
           || ' replident=' || c.relreplident::text || ' rls=' || c.relrowsecurity AS line
      FROM rels r JOIN pg_class c ON c.oid = r.oid
    UNION ALL
    SELECT 'column ' || r.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
           || ' notnull=' || a.attnotnull || ' default=' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
           || ' identity=' || a.attidentity::text || ' generated=' || a.attgenerated::text
           || ' comment=' || coalesce(col_description(r.oid, a.attnum), '') || ' acl=' || coalesce(a.attacl::text, '')
           || ' options=' || coalesce(array_to_string(a.attoptions, ','), '')
      FROM rels r JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
      LEFT JOIN pg_attrdef d ON d.adrelid = r.oid AND d.adnum = a.attnum
     WHERE r.relkind IN ('r', 'p', 'v', 'm')
    UNION ALL
    SELECT 'constraint ' || r.relname || '.' || k.conname || ' ' || pg_get_constraintdef(k.oid) || ' validated=' || k.convalidated
           || ' comment=' || coalesce(obj_description(k.oid, 'pg_constraint'), '')
      FROM rels r JOIN pg_constraint k ON k.conrelid = r.oid
    UNION ALL
    SELECT 'index ' || pg_get_indexdef(i.indexrelid) FROM rels r JOIN pg_index i ON i.indrelid = r.oid
    UNION ALL
    SELECT 'trigger ' || pg_get_triggerdef(t.oid) || ' enabled=' || t.tgenabled::text
      FROM rels r JOIN pg_trigger t ON t.tgrelid = r.oid AND NOT t.tgisinternal
    UNION ALL
    SELECT 'view ' || r.relname || ' ' || pg_get_viewdef(r.oid) FROM rels r WHERE r.relkind IN ('v', 'm')
    UNION ALL
    SELECT 'owned ' || pg_describe_object(d.classid, d.objid, 0) || ' by ' || pg_describe_object(d.refclassid, d.refobjid, d.refobjsubid)
      FROM pg_depend d JOIN rels r ON r.oid = d.refobjid
     WHERE d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
       AND (SELECT relkind FROM pg_class WHERE oid = d.objid) = 'S'
    UNION ALL
    SELECT 'statistics ' || pg_get_statisticsobjdef(s.oid) FROM pg_statistic_ext s WHERE s.stxnamespace = $1::regnamespace
    UNION ALL
    SELECT 'policy ' || r.relname || '.' || p.polname || ' ' || coalesce(pg_get_expr(p.polqual, p.polrelid), '')
      FROM rels r JOIN pg_policy p ON p.polrelid = r.oid
  `,
    [schema],
  );
  const quoted = `"${schema.replace(/"/g, '""')}"`;
  return rows.map((r) => String(r.line).split(quoted).join('<schema>').split(`${schema}.`).join('<schema>.'));
}

/** The engine and the script each name things after their own migration id: make both say <id>. */
export function normalised(lines: string[], id: string): string[] {
  const suffix = id.slice(0, 6);
  return lines
    .map((l) => l.split(id).join('<id>').split(suffix).join('<id>'))
    .filter((l) => !/^\\(un)?restrict /.test(l))
    .sort();
}
