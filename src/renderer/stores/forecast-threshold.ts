/**
 * The Storage page's forecast threshold: the size (GiB) the forecast says the database reaches,
 * typed per profile and kept in this browser's localStorage.
 */

const GIB = 1024 ** 3;
export const DEFAULT_THRESHOLD_GIB = 50;

const THRESHOLD_KEY = 'tidemark.forecastThresholdGiB.';

export function readThreshold(win: Window | undefined, profileId: string): string {
  try {
    return win?.localStorage.getItem(THRESHOLD_KEY + profileId) ?? String(DEFAULT_THRESHOLD_GIB);
  } catch {
    return String(DEFAULT_THRESHOLD_GIB);
  }
}

export function writeThreshold(win: Window | undefined, profileId: string, text: string): void {
  try {
    win?.localStorage.setItem(THRESHOLD_KEY + profileId, text);
  } catch {
    // Storage disabled: the threshold holds for this session only.
  }
}

/** GiB as typed ("50", "1.5", "0,5") → bytes, or an explanation. */
export function parseThreshold(text: string): { ok: true; bytes: number } | { ok: false; message: string } {
  const value = Number(text.trim().replace(',', '.'));
  if (text.trim() === '' || !Number.isFinite(value))
    return { ok: false, message: 'Enter a size in GiB, e.g. 50.' };
  if (value <= 0) return { ok: false, message: 'The threshold must be more than 0 GiB.' };
  if (value > 1024 * 1024)
    return { ok: false, message: 'The threshold must be at most 1 PiB (1048576 GiB).' };
  return { ok: true, bytes: Math.round(value * GIB) };
}
