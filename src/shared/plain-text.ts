const LINE_BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]+/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/**
 * Text from a monitored server (a name inside an alert's message) for one line
 * of plain text that another program shows as it is: a desktop notification.
 * Line breaks and tabs become spaces, so a name cannot add a line ("Resolved");
 * other control characters, bidi controls and invisible characters (zero-width
 * spaces, BOM) are written as escapes (`\u202e`), so a name cannot reorder the
 * line or pass for another.
 */
export function oneLine(text: string): string {
  return text
    .replace(LINE_BREAKS, ' ')
    .replace(HIDDEN, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
