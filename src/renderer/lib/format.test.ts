import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatDuration,
  formatElapsed,
  formatRatio,
  formatRelative,
  formatSignedBytes,
  formatSignedPct,
  formatThreshold,
  formatUptime,
} from './format';
import { byteTicks, timeTicks } from './ticks';

describe('sizes as a DBA reads them', () => {
  it('uses binary units, one decimal below 100, none above', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(8192)).toBe('8.0 KiB');
    expect(formatBytes(139_264)).toBe('136 KiB');
    expect(formatBytes(1.5 * 1024 ** 3)).toBe('1.5 GiB');
    // Never "1024 KiB": it carries into the next unit.
    expect(formatBytes(1024 * 1024 - 1)).toBe('1.0 MiB');
  });

  it('signs changes and keeps zero unsigned', () => {
    expect(formatSignedBytes(8192)).toBe('+8.0 KiB');
    expect(formatSignedBytes(-8192)).toBe('−8.0 KiB');
    expect(formatSignedBytes(0)).toBe('0 B');
    expect(formatSignedPct(3.4)).toBe('+3.40 %');
    expect(formatSignedPct(-12.34)).toBe('−12.3 %');
    expect(formatSignedPct(0.001)).toBe('0 %');
  });

  it('prints thresholds as typed, ratios and uptimes', () => {
    expect(formatThreshold(50 * 1024 ** 3)).toBe('50 GiB');
    expect(formatThreshold(1.5 * 1024 ** 3)).toBe('1.5 GiB');
    expect(formatRatio(4 * 1024, 1024)).toBe('4.0x');
    expect(formatRatio(1, 0)).toBeNull();
    expect(formatUptime(100)).toBe('100 %');
    expect(formatUptime(99.987)).toBe('99.98 %');
    expect(formatUptime(87.54)).toBe('87.5 %');
  });
});

describe('times', () => {
  const now = Date.parse('2026-11-22T10:54:00Z');
  it('says how long ago, or how soon', () => {
    expect(formatRelative('2026-11-22T10:53:40Z', now)).toBe('just now');
    expect(formatRelative('2026-11-22T10:51:00Z', now)).toBe('3 min ago');
    expect(formatRelative('2026-11-22T07:54:00Z', now)).toBe('3 h ago');
    expect(formatRelative('2026-11-17T10:54:00Z', now)).toBe('5 d ago');
    expect(formatRelative('2026-11-22T15:54:00Z', now)).toBe('in 5 h');
  });
  it('prints durations', () => {
    expect(formatDuration(45_000)).toBe('45 s');
    expect(formatDuration(12 * 60_000)).toBe('12 min');
    expect(formatDuration(65 * 60_000)).toBe('1 h 5 min');
    expect(formatDuration(51 * 3_600_000)).toBe('2 d 3 h');
    expect(formatElapsed(840)).toBe('840 ms');
    expect(formatElapsed(1840)).toBe('1.8 s');
  });
});

describe('axis ticks', () => {
  it('puts sizes in one unit with round steps', () => {
    const t = byteTicks(78.4 * 1024 ** 3, 81.4 * 1024 ** 3);
    expect(t.ticks.map(t.format)).toEqual(['78 GiB', '79 GiB', '80 GiB', '81 GiB', '82 GiB']);
    const flat = byteTicks(8192, 8192);
    expect(flat.ticks.length).toBeGreaterThan(1);
    expect(new Set(flat.ticks.map(flat.format)).size).toBe(flat.ticks.length);
  });
  it('puts times on round local hours or days, at most a handful', () => {
    const to = Date.parse('2026-11-22T10:54:00Z');
    const day = timeTicks(to - 86_400_000, to);
    expect(day.ticks.length).toBeGreaterThan(2);
    expect(day.ticks.length).toBeLessThanOrEqual(6);
    for (const t of day.ticks) expect(new Date(t).getMinutes()).toBe(0);
    const week = timeTicks(to - 7 * 86_400_000, to);
    for (const t of week.ticks) expect(new Date(t).getHours()).toBe(0);
  });
});
