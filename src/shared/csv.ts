/**
 * The one CSV writer (RFC 4180) for every file Tidemark hands to a
 * spreadsheet or a script. Names come from monitored servers, so a text cell
 * is always made inert: quoted when it holds a quote, comma or line break,
 * and prefixed with an apostrophe when it starts like a formula (= + - @, tab,
 * carriage return), which spreadsheets would otherwise evaluate. Numbers are
 * written as they are; null is an empty cell.
 */
export type CsvCell = string | number | null;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: CsvCell): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: readonly CsvCell[]): string {
  return cells.map(csvCell).join(',');
}

/** A whole file: the header, then one line per row, each ending in a newline. */
export function csvText(header: readonly string[], rows: Iterable<readonly CsvCell[]>): string {
  const lines = [csvLine(header)];
  for (const row of rows) lines.push(csvLine(row));
  return `${lines.join('\n')}\n`;
}
