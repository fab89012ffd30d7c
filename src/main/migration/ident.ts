import { utf8Bytes } from '../../shared/migration';

/**
 * Quoting for names and values that come from the DBA's database. Every
 * identifier the engine writes into SQL goes through qi(): names may hold
 * capitals, spaces, dots and double quotes.
 */

/** A quoted identifier, as pg's escapeIdentifier and format('%I') (always quoted). */
export function qi(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** schema.name, both quoted. */
export function qn(schema: string, name: string): string {
  return `${qi(schema)}.${qi(name)}`;
}

/** A string literal that is right whatever standard_conforming_strings says (as pg's escapeLiteral). */
export function ql(value: string): string {
  let hasBackslash = false;
  let out = "'";
  for (const ch of value) {
    if (ch === "'") out += "''";
    else if (ch === '\\') {
      out += '\\\\';
      hasBackslash = true;
    } else out += ch;
  }
  out += "'";
  return hasBackslash ? `E${out}` : out;
}

/** Cuts a name to at most `max` bytes without splitting a character. */
export function truncateBytes(name: string, max: number): string {
  if (utf8Bytes(name) <= max) return name;
  let out = '';
  for (const ch of name) {
    if (utf8Bytes(out + ch) > max) break;
    out += ch;
  }
  return out;
}

/** `<base><suffix>` within PostgreSQL's 63-byte limit: the base is shortened, never the suffix. */
export function withSuffix(base: string, suffix: string): string {
  return truncateBytes(base, 63 - utf8Bytes(suffix)) + suffix;
}
