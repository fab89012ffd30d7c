const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

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

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

/**
 * "1GiB", "500MB", "1.5 GB", "1073741824" → bytes. Units are binary, as in
 * PostgreSQL's own settings (1 MB = 1024 kB). Anything else is handed on as
 * typed, for the schema that receives it to refuse with its own message.
 */
export function parseSize(text: string): number | string {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const factor = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || factor === undefined) return text;
  return Math.round(Number(m[1]) * factor);
}
