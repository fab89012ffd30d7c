/**
 * The characters a name never shows as they are, for every writer of text that
 * another program shows (terminal, notification, psql comment) and for the names
 * an imported file may give: C0 and C1 controls and DEL, line and paragraph
 * separators, the soft hyphen, bidirectional marks, embeddings, overrides and
 * isolates (U+061C, U+200E/F, U+202A-E, U+2066-9), zero-width spaces and
 * joiners, the word joiner and invisible operators, and the BOM. Any of them can
 * move a terminal's cursor, add a line, reorder what is read or make one name
 * pass for another. A character class body, for `new RegExp(`[${…}]`)`.
 */
export const HIDDEN_CHARACTERS =
  '\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u061c\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2069\\ufeff';

/** `\u202e`: how a hidden character is written where it must be seen. */
export const unicodeEscape = (ch: string) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;

const LINE_BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]+/g;
const HIDDEN = new RegExp(`[${HIDDEN_CHARACTERS}]`, 'g');

/**
 * Text from a monitored server (a name inside an alert's message) for one line
 * of plain text that another program shows as it is: a desktop notification.
 * Line breaks and tabs become spaces, so a name cannot add a line ("Resolved");
 * other control characters, bidi controls and invisible characters (zero-width
 * spaces, BOM) are written as escapes (`\u202e`), so a name cannot reorder the
 * line or pass for another.
 */
export function oneLine(text: string): string {
  return text.replace(LINE_BREAKS, ' ').replace(HIDDEN, unicodeEscape);
}

/**
 * A name in a command Tidemark prints for the DBA to paste into a shell: a word
 * the shell reads back as itself, as is when plain, else single-quoted (a quote
 * as '"'"', without a backslash, which the terminal writer would double).
 */
export function shellWord(text: string): string {
  return /^[A-Za-z0-9_.,:@%+/=-]+$/.test(text) ? text : `'${text.replace(/'/g, `'"'"'`)}'`;
}
