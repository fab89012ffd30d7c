import { BYTE_UNITS } from '../../shared/bytes';

/** Axis ticks a human reads at a glance: round sizes in one binary unit, round local times. */

function niceStep(raw: number): number {
  const exp = Math.floor(Math.log10(raw));
  const base = 10 ** exp;
  const f = raw / base;
  const nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
  return nice * base;
}

/** Decimals needed to print multiples of `step` exactly (0.25 → 2, 5 → 0). */
function decimalsOf(step: number): number {
  const text = String(Number(step.toPrecision(6)));
  return text.includes('.') ? text.split('.')[1]!.length : 0;
}

export type Ticks = { domain: [number, number]; ticks: number[]; format: (v: number) => string };

/** Size ticks: all in one unit (the largest that fits), 1-2-2.5-5 steps, about `count` of them. */
export function byteTicks(lo: number, hi: number, count = 4): Ticks {
  let min = Math.min(lo, hi);
  let max = Math.max(lo, hi);
  if (min === max) {
    const pad = Math.max(Math.abs(max) * 0.05, 1024);
    min = Math.max(0, min - pad);
    max += pad;
  }
  const top = Math.max(Math.abs(min), Math.abs(max));
  let unit = 0;
  while (unit < BYTE_UNITS.length - 1 && top / 1024 ** (unit + 1) >= 1) unit++;
  const u = 1024 ** unit;
  const step = niceStep((max - min) / u / count);
  const decimals = decimalsOf(step);
  const first = Math.floor(min / u / step) * step;
  const last = Math.ceil(max / u / step) * step;
  const ticks: number[] = [];
  for (let v = first; v <= last + step / 2; v += step) ticks.push(Math.round(v * u));
  const fixed = Math.min(decimals, 3);
  return {
    domain: [first * u, last * u],
    ticks,
    format: (v) => `${(v / u).toFixed(unit === 0 ? 0 : fixed)} ${BYTE_UNITS[unit]}`,
  };
}

/** Plain number ticks (latency in ms), from zero. */
export function linearTicks(hi: number, count = 4, suffix = ''): Ticks {
  const max = hi > 0 ? hi : 1;
  const step = niceStep(max / count);
  const last = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let v = 0; v <= last + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
  const decimals = decimalsOf(step);
  return { domain: [0, last], ticks, format: (v) => `${v.toFixed(Math.min(decimals, 2))}${suffix}` };
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const STEPS = [
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
  14 * DAY,
  30 * DAY,
  91 * DAY,
  365 * DAY,
];
const MINUTE_STEPS = [
  10_000,
  15_000,
  30_000,
  60_000,
  2 * 60_000,
  5 * 60_000,
  10 * 60_000,
  15 * 60_000,
  30 * 60_000,
];

const pad = (n: number) => String(n).padStart(2, '0');
const monthDay = (d: Date) => d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });

/** Time ticks on local hour/day boundaries, at most `count`; labels "03:00" or "Nov 22". */
export function timeTicks(from: number, to: number, count = 6): Ticks {
  const span = Math.max(to - from, 10_000);
  const step = [...MINUTE_STEPS, ...STEPS].find((s) => span / s <= count) ?? 365 * DAY;
  const start = new Date(from);
  if (step >= DAY) start.setHours(0, 0, 0, 0);
  else if (step >= HOUR) start.setMinutes(0, 0, 0);
  else start.setSeconds(0, 0);
  const ticks: number[] = [];
  if (step >= DAY) {
    const days = Math.round(step / DAY);
    const d = new Date(start);
    while (d.getTime() < from) d.setDate(d.getDate() + 1);
    while (d.getTime() <= to) {
      ticks.push(d.getTime());
      d.setDate(d.getDate() + days);
    }
  } else {
    let t = Math.ceil(start.getTime() / step) * step;
    // Align hour steps to local time, not to UTC multiples.
    if (step >= HOUR) {
      const h = new Date(start);
      while (h.getTime() < from || h.getHours() % Math.round(step / HOUR) !== 0) h.setHours(h.getHours() + 1);
      t = h.getTime();
    }
    for (; t <= to; t += step) ticks.push(t);
  }
  const format = (v: number) => {
    const d = new Date(v);
    if (step >= DAY) return monthDay(d);
    if (step < 60_000) return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
    if (d.getHours() === 0 && d.getMinutes() === 0) return monthDay(d);
    return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  };
  return { domain: [from, to], ticks, format };
}
