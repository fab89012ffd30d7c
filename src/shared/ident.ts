/**
 * Names of a DBA's objects as Tidemark shows them in words (messages, reports,
 * alerts, the commands it suggests): quoted only where a name must be, as psql
 * would take it, so `public.orders` reads plainly and a name holding a dot, a
 * quote, a capital or a space cannot be read as another one. SQL that Tidemark
 * runs quotes every name (main/migration/ident.ts).
 */

/** "orders" → orders; "Trades" → "Trades"; "a.b" → "a.b"; 'say "hi"' → "say ""hi""". */
export function displayIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

/** schema.name, each part quoted only where it must be. */
export function displayName(schema: string, name: string): string {
  return `${displayIdent(schema)}.${displayIdent(name)}`;
}
