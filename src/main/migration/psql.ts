/**
 * The one writer for text that goes into a psql script besides SQL built with
 * qi()/ql(): comments. Names from the DBA's server may hold line breaks and
 * backslashes; psql ends a `--` comment at CR or LF and reads the rest of the
 * line as SQL or as a meta-command (`\!` runs a shell). So every line of a
 * comment starts with `--`, and characters that could pass for a line break
 * (or fool a terminal or an editor) are written as escapes.
 */

/** Line breaks: psql honours CR and LF; the others are split too, so what the DBA reads is what psql reads. */
const LINE_BREAK = /\r\n|[\r\n\v\f\u0085\u2028\u2029]/;

/** C0 and C1 controls (tab aside), DEL, and bidirectional overrides that can make text read differently. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is what it is for.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `\u001b`-style escape for a character a script must not hold raw. */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `text` as psql comment lines, one `-- ` per line; inert whatever the text holds. */
export function sqlComment(text: string): string {
  return text
    .split(LINE_BREAK)
    .map((line) => `-- ${escapeControls(line)}`.trimEnd())
    .join('\n');
}
