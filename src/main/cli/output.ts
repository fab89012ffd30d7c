import type { Writable } from 'node:stream';
import type { CliIo } from './common';

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

  constructor(
    private readonly stdout: Writable = process.stdout,
    private readonly stderr: Writable = process.stderr,
  ) {
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
 * Text from a monitored server (names, comments, settings) made safe to print
 * on a terminal: control characters (C0, DEL, C1), line and paragraph
 * separators and bidirectional overrides are written as escapes (`\x1b`,
 * `\u202e`), so a name cannot move the cursor, recolour the screen, fake a
 * line of output or reorder what is shown. A backslash is doubled, so an
 * escape in the output always means one was there.
 */
export function terminalSafe(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  return text.replace(/[\\\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (ch) => {
    if (ch === '\\') return '\\\\';
    const code = ch.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
  });
}
