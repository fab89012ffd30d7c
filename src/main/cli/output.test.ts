import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ProcessOutput } from './output';

/** One terminal behind two streams: stdout's reader is slow (each write lands a turn later), stderr's is not. */
function terminal(stdoutFails = false) {
  const screen: string[] = [];
  const stdout = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (stdoutFails) return done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      setImmediate(() => {
        screen.push(`out: ${chunk}`);
        done();
      });
    },
  });
  const stderr = new Writable({
    write(chunk: Buffer, _encoding, done) {
      screen.push(`err: ${chunk}`);
      done();
    },
  });
  return { screen, stdout, stderr };
}

describe('ProcessOutput', () => {
  it('never lets an error line overtake output the reader has not taken yet', async () => {
    const { screen, stdout, stderr } = terminal();
    const output = new ProcessOutput(stdout, stderr);
    output.out('STOP  Primary key "tx_pkey"');
    output.out('Settings: interval 1 day');
    output.err('The pre-flight found blocking items.');
    output.out('after');
    await output.flush();
    expect(screen).toEqual([
      'out: STOP  Primary key "tx_pkey"\n',
      'out: Settings: interval 1 day\n',
      'err: The pre-flight found blocking items.\n',
      'out: after\n',
    ]);
  });

  it('keeps writing errors when the reader of stdout went away (| head)', async () => {
    const { screen, stdout, stderr } = terminal(true);
    const output = new ProcessOutput(stdout, stderr);
    output.out('first');
    output.out('second');
    output.err('the error');
    await output.flush();
    expect(screen).toEqual(['err: the error\n']);
  });
});
