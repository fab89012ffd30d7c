import type { Writable } from 'node:stream';
import { HIDDEN_CHARACTERS, unicodeEscape } from '../../shared/plain-text';
import type { CliIo } from './common';

const HIDDEN_OR_BACKSLASH = new RegExp(`[\\\\${HIDDEN_CHARACTERS}]`, 'g');
const HIDDEN = new RegExp(`[${HIDDEN_CHARACTERS}]`, 'g');

/**
 * The `tidemark` process's stdout and stderr, written strictly in call order:
 * a line goes out only once the one before it has been handed to the OS, so an
 * error line never overtakes earlier output on a shared terminal or pipe
 * (`2>&1 | tee`), however slow the reader. flush() resolves when everything
 * is out; the exit code is set after it, never by process.exit().
 */
export class ProcessOutput implements CliIo {
  private pending: Promise<void> = Promise.resolve();
  private readonly closed = new Set<Writable>();
  readonly stdoutIsTerminal: boolean;

  constructor(
    private readonly stdout: Writable = process.stdout,
    private readonly stderr: Writable = process.stderr,
  ) {
    this.stdoutIsTerminal = (stdout as { isTTY?: boolean }).isTTY === true;
    // A reader that goes away (`| head`) closes its pipe: stop writing there rather than crash.
    for (const stream of [stdout, stderr]) stream.on('error', () => this.closed.add(stream));
  }

  out(line: string): void {
    this.write(this.stdout, line);
  }

  err(line: string): void {
    this.write(this.stderr, line);
  }

  flush(): Promise<void> {
    return this.pending;
  }

  private write(stream: Writable, line: string): void {
    this.pending = this.pending.then(
      () =>
        new Promise<void>((done) => {
          if (this.closed.has(stream)) return done();
          stream.write(`${line}\n`, () => done());
        }),
    );
  }
}

/**
 * Text from a monitored server (names, comments, settings, query texts, error
 * messages) made safe to print on a terminal: control characters (C0, DEL,
 * C1), line and paragraph separators, bidirectional controls and invisible
 * characters (zero-width spaces and joiners, soft hyphen, BOM) are written as
 * escapes (`\x1b`, `\u202e`, `\u200b`), so a name cannot move the cursor,
 * recolour the screen, fake a line of output, reorder what is shown or pass for
 * another name. A backslash is doubled, so an escape in the output always
 * means one was there. Every line a command prints goes through here (see
 * `print` in common.ts).
 */
export function terminalSafe(text: string): string {
  return text.replace(HIDDEN_OR_BACKSLASH, (ch) => {
    if (ch === '\\') return '\\\\';
    const code = ch.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
  });
}

/**
 * A failure's text for stderr: every line through terminalSafe, the line
 * breaks kept (a server error's DETAIL and HINT are lines of their own). A
 * server can send any DETAIL or HINT it likes, so a kept line break shows
 * nothing it could not; the escapes keep it from reaching the terminal itself.
 */
export function terminalBlock(text: string): string {
  return text.split('\n').map(terminalSafe).join('\n');
}

/**
 * `--json` output (and the profiles file): JSON whose strings write the hidden
 * characters as `\u202e` escapes. The same document once parsed; nothing raw
 * on a terminal. JSON.stringify escapes C0 inside strings already, so the C0
 * left (the indentation's line breaks) is kept.
 */
export function jsonText(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(HIDDEN, (ch) => (ch < ' ' ? ch : unicodeEscape(ch)));
}
