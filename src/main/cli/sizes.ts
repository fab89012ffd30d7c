import { parseByteSize } from '../../shared/bytes';

/**
 * "1GiB", "500MB", "1.5 GB", "1073741824" → bytes. Units are binary, as in
 * PostgreSQL's own settings (1 MB = 1024 kB). Anything else is handed on as
 * typed, for the schema that receives it to refuse with its own message.
 */
export function parseSize(text: string): number | string {
  // A negative goes on as a number, so the schema's own "cannot be negative" names the field.
  const negative = /^\s*-/.test(text);
  const parsed = parseByteSize(negative ? text.replace('-', '') : text, 'B');
  if (!parsed.ok) return text;
  return negative ? -parsed.bytes : parsed.bytes;
}
