/** IEC units, as formatBytes writes them. */
export const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/**
 * Binary units, as a DBA reads them: "512 B", "8.0 KiB", "136 KiB", "1.4 GiB".
 * One decimal below 100, none above.
 */
export function formatBytes(bytes: number): string {
  const sign = bytes < 0 ? '−' : '';
  let v = Math.abs(bytes);
  if (v < 1024) return `${sign}${Math.round(v)} B`;
  let unit = 0;
  while (v >= 1024 && unit < BYTE_UNITS.length - 1) {
    v /= 1024;
    unit++;
  }
  // 1023.96 KiB would print as "1024 KiB": carry it into the next unit.
  if (v >= 1023.5 && unit < BYTE_UNITS.length - 1) {
    v /= 1024;
    unit++;
  }
  const text = v < 99.95 ? v.toFixed(1) : v.toFixed(0);
  return `${sign}${text} ${BYTE_UNITS[unit]}`;
}

const UNIT_POWERS: Record<string, number> = { b: 0, k: 1, m: 2, g: 3, t: 4, p: 5 };
export type SizeUnitName = 'B' | 'KiB' | 'MiB' | 'GiB' | 'TiB';

/**
 * A size as a DBA types it → whole bytes: "50" (in `defaultUnit`), "0,5", "1 GB", "500MB",
 * "1.5 TiB", "8kB". Units are binary, as in PostgreSQL's own settings (1 GB = 1024 MB).
 * Computed in exact decimal arithmetic (0.1 GiB is 107,374,182.4 bytes → 107,374,182), never
 * through a binary float. Refused, with the reason: negatives, unknown units, anything else.
 */
export function parseByteSize(
  text: string,
  defaultUnit: SizeUnitName,
): { ok: true; bytes: number } | { ok: false; message: string } {
  const typed = text.trim();
  const match = /^([+-]?)(\d*)(?:[.,](\d*))?\s*([a-z]*)$/i.exec(typed);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) {
    return { ok: false, message: `"${typed}" is not a size: write a number, e.g. 50, 0.5 or 1.5 GiB.` };
  }
  const [, sign, whole = '', frac = '', unitText = ''] = match;
  const unit = (unitText || defaultUnit).toLowerCase();
  const power = /^(b|[kmgtp](i?b)?)$/.test(unit) ? UNIT_POWERS[unit[0]!] : undefined;
  if (power === undefined) {
    return {
      ok: false,
      message: `"${unitText}" is not a unit: use B, KiB, MiB, GiB or TiB (or kB, MB, GB, TB).`,
    };
  }
  if (sign === '-' && /[1-9]/.test(whole + frac)) return { ok: false, message: 'A size cannot be negative.' };
  const scale = 10n ** BigInt(frac.length);
  const numerator = BigInt(`${whole || '0'}${frac}`) * 1024n ** BigInt(power);
  // Round half up to the nearest byte.
  const bytes = (numerator * 2n + scale) / (scale * 2n);
  if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, message: `"${typed}" is too large.` };
  return { ok: true, bytes: Number(bytes) };
}

/**
 * A size in the largest binary unit that states it exactly ("500 GiB",
 * "1536 MiB", "1000 B"), for a field that is read back by parseSize.
 */
export function formatBytesExact(bytes: number): string {
  let unit = 0;
  let v = bytes;
  while (v !== 0 && v % 1024 === 0 && unit < 4) {
    v /= 1024;
    unit++;
  }
  return `${v} ${BYTE_UNITS[unit]}`;
}

/**
 * For the command line and forms that hand a figure on to a schema: bytes when `parseByteSize`
 * reads it, else the text as typed, for the schema to refuse with its own message. A negative
 * goes on as a number, so the schema's "cannot be negative" names the field.
 */
export function parseSize(text: string): number | string {
  const negative = /^\s*-/.test(text);
  const parsed = parseByteSize(negative ? text.replace('-', '') : text, 'B');
  if (!parsed.ok) return text;
  return negative ? -parsed.bytes : parsed.bytes;
}
