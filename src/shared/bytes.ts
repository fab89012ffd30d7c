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
