import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { keepServingOnUnexpectedErrors } from './last-resort';

describe('the last-resort handler of browser mode', () => {
  it('logs an uncaught exception or unhandled rejection with its stack, says so, and lets the process go on', () => {
    const lines: string[] = [];
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const fakeProcess = new EventEmitter();
    const said: string[] = [];
    keepServingOnUnexpectedErrors(logger, fakeProcess, (line) => said.push(line));

    fakeProcess.emit('uncaughtException', new URIError('URI malformed'));
    fakeProcess.emit('unhandledRejection', new TypeError("Cannot read properties of null (reading 'type')"));

    expect(said).toEqual([
      'Tidemark hit an unexpected error and keeps serving (details in its log): URI malformed',
      "Tidemark hit an unexpected error and keeps serving (details in its log): Cannot read properties of null (reading 'type')",
    ]);
    const logged = lines.map((l) => JSON.parse(l) as { origin: string; err: { stack: string } });
    expect(logged.map((l) => l.origin)).toEqual(['uncaughtException', 'unhandledRejection']);
    expect(logged[0]?.err.stack).toContain('URIError: URI malformed');
  });
});
