/**
 * Names of a DBA's objects as Tidemark shows them in words (messages, reports,
 * alerts, the commands it suggests): quoted only where a name must be, as psql
 * would take it, so `public.orders` reads plainly and a name holding a dot, a
 * quote, a capital, a space or a keyword cannot be read as another one. SQL that
 * Tidemark runs quotes every name (main/migration/ident.ts).
 */

/**
 * The keywords PostgreSQL 18's quote_ident() quotes (pg_get_keywords() with
 * catcode <> 'U': reserved, column-name and type/function-name ones): bare, a
 * table named `user` or `select` would not parse where psql reads a name.
 */
const KEYWORDS = new Set(
  `all analyse analyze and any array as asc asymmetric authorization between bigint binary bit boolean both case cast
char character check coalesce collate collation column concurrently constraint create cross current_catalog
current_date current_role current_schema current_time current_timestamp current_user dec decimal default deferrable
desc distinct do else end except exists extract false fetch float for foreign freeze from full grant greatest group
grouping having ilike in initially inner inout int integer intersect interval into is isnull join json json_array
json_arrayagg json_exists json_object json_objectagg json_query json_scalar json_serialize json_table json_value
lateral leading least left like limit localtime localtimestamp merge_action national natural nchar none normalize not
notnull null nullif numeric offset on only or order out outer overlaps overlay placing position precision primary real
references returning right row select session_user setof similar smallint some substring symmetric system_user table
tablesample then time timestamp to trailing treat trim true union unique user using values varchar variadic verbose
when where window with xmlattributes xmlconcat xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot
xmlserialize xmltable`.split(/\s+/),
);

/** "orders" → orders; "Trades" → "Trades"; "a.b" → "a.b"; "user" → "user"; 'say "hi"' → "say ""hi""". */
export function displayIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) && !KEYWORDS.has(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

/** schema.name, each part quoted only where it must be. */
export function displayName(schema: string, name: string): string {
  return `${displayIdent(schema)}.${displayIdent(name)}`;
}

/**
 * A name Tidemark quoted for SQL ('"public"."Trades"', every part quoted) as it
 * reads in words (public."Trades"). Text that is not such a name is returned as it is.
 */
export function displayQuoted(quoted: string): string {
  if (!/^"(?:[^"]|"")*"(?:\."(?:[^"]|"")*")*$/.test(quoted)) return quoted;
  const parts = quoted.match(/"(?:[^"]|"")*"/g) ?? [];
  return parts.map((p) => displayIdent(p.slice(1, -1).replaceAll('""', '"'))).join('.');
}

/**
 * One relation as a key in memory (maps, sets, store entries). A bare dot would
 * make "a.b".c and a."b.c" one key; NUL cannot appear in a PostgreSQL name.
 */
export function relationKey(schema: string, name: string): string {
  return `${schema}\u0000${name}`;
}
