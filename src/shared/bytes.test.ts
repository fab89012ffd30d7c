import { describe, expect, it } from 'vitest';
import { parseByteSize } from './bytes';

const GiB = 1024 ** 3;
const bytes = (text: string, unit: Parameters<typeof parseByteSize>[1] = 'GiB') => {
  const r = parseByteSize(text, unit);
  return r.ok ? r.bytes : r.message;
};

describe('parseByteSize: a size as a DBA types it', () => {
  it('reads a bare number in the field unit, with a dot or a comma', () => {
    expect(bytes('50')).toBe(50 * GiB);
    expect(bytes('0.5')).toBe(GiB / 2);
    expect(bytes('0,25')).toBe(GiB / 4);
    expect(bytes(' 1.5 ')).toBe(1.5 * GiB);
    expect(bytes('4096', 'B')).toBe(4096);
  });

  it('reads units, binary as in PostgreSQL (1 GB = 1024 MB), any case, with or without a space', () => {
    expect(bytes('1 GB')).toBe(GiB);
    expect(bytes('1GiB', 'B')).toBe(GiB);
    expect(bytes('500MB')).toBe(500 * 1024 ** 2);
    expect(bytes('8kB')).toBe(8192);
    expect(bytes('1.5 tib')).toBe(1.5 * 1024 ** 4);
    expect(bytes('2 T')).toBe(2 * 1024 ** 4);
    expect(bytes('512 B')).toBe(512);
  });

  it('computes exactly, never through a float', () => {
    expect(bytes('0.1')).toBe(107_374_182);
    expect(bytes('0.0000000005')).toBe(1);
    expect(bytes('0')).toBe(0);
    expect(bytes('-0')).toBe(0);
  });

  it('refuses what cannot be meant, saying why', () => {
    expect(bytes('-5')).toBe('A size cannot be negative.');
    expect(bytes('-1 GB')).toBe('A size cannot be negative.');
    expect(bytes('5 parsecs')).toMatch(/"parsecs" is not a unit: use B, KiB, MiB, GiB or TiB/);
    expect(bytes('1 GX')).toMatch(/"GX" is not a unit/);
    for (const text of ['', '.', 'lots', '1e3', '1.2.3', 'GB'])
      expect(bytes(text)).toMatch(/is not a (size|unit)/);
    expect(bytes('99999999999999999999')).toMatch(/too large/);
  });
});
