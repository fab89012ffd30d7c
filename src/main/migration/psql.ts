/**
 * The one writer for text that goes into a psql script besides SQL built with
 * qi()/ql(): comments. Names from the DBA's server may hold line breaks and
 * backslashes; psql ends a `--` comment at CR or LF and reads the rest of the
 * line as SQL or as a meta-command (`\!` runs a shell). So every line of a
 * comment starts with `--`, and characters that could pass for a line break
 * (or fool a terminal or an editor) are written as escapes.
 */

import { HIDDEN_CHARACTERS, unicodeEscape } from '../../shared/plain-text';

/** Line breaks: psql honours CR and LF; the others are split too, so what the DBA reads is what psql reads. */
const LINE_BREAK = /\r\n|[\r\n\v\f\u0085\u2028\u2029]/;

/** Controls, bidi and invisible characters (see HIDDEN_CHARACTERS); a tab is kept as it is. */
const HIDDEN = new RegExp(`[${HIDDEN_CHARACTERS}]`, 'g');

/** `\u001b`-style escape for a character a script must not hold raw. */
export function escapeControls(text: string): string {
  return text.replace(HIDDEN, (ch) => (ch === '\t' ? ch : unicodeEscape(ch)));
}

/** `text` as psql comment lines, one `-- ` per line; inert whatever the text holds. */
export function sqlComment(text: string): string {
  return text
    .split(LINE_BREAK)
    .map((line) => `-- ${escapeControls(line)}`.trimEnd())
    .join('\n');
}
