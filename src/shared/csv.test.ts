import { describe, expect, it } from 'vitest';
import { csvCell, csvLine, csvText } from './csv';

describe('the CSV writer', () => {
  it('writes numbers as they are and null as an empty cell', () => {
    expect(csvLine([1_234_567, -5, 0.5, null])).toBe('1234567,-5,0.5,');
  });

  it('quotes a cell with a quote, comma or any line break, so a name never adds a row or a column', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\ronly')).toBe('"cr\ronly"');
    const text = csvText(['name', 'bytes'], [['evil\n1970-01-01,0', 7]]);
    expect(text).toBe('name,bytes\n"evil\n1970-01-01,0",7\n');
  });

  it('makes a text cell that starts like a formula inert', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@sum')).toBe("'@sum");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('public.orders')).toBe('public.orders');
  });
});
