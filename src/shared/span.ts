const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** A threshold as the DBA typed it: "20", "12.5". */
export const plainNumber = (n: number) => (Number.isInteger(n) ? String(n) : String(Number(n.toFixed(2))));

/**
 * How long a figure is computed over, in the words main, the renderer and the
 * CLI all use: "46 s", "45 min", "6 h", "3 days".
 */
export function formatSpan(ms: number): string {
  if (ms < 60_000) return `${Math.max(0, Math.round(ms / 1000))} s`;
  const minutes = Math.round(ms / 60_000);
  if (minutes < 120) return `${minutes} min`;
  const hours = ms / HOUR_MS;
  if (hours < 48) return `${plainNumber(Number(hours.toFixed(1)))} h`;
  return `${plainNumber(Number((ms / DAY_MS).toFixed(1)))} days`;
}

/**
 * Whether a figure over `spanMs` may carry the name of its nominal window
 * ("7-day growth") without saying its span: within 10 % of it either way,
 * which absorbs schedule jitter (03:00:02 against 03:00:09). Shorter history,
 * or a baseline older than the window, is stated.
 */
export const matchesWindow = (spanMs: number, windowMs: number) =>
  Math.abs(spanMs - windowMs) <= windowMs * 0.1;
