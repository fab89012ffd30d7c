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

/** Control characters (C0, DEL, C1) and the bidirectional overrides that can reorder what a terminal shows. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const UNSAFE_ON_TERMINAL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from a profile or a server made safe to print on a terminal: an
 * escape sequence or a newline in a name is shown as `\u001b`, `\u000a`, never
 * acted on (the one writer for names in the CLI's text output).
 */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE_ON_TERMINAL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
