import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { table } from './common';
import { ProcessOutput, terminalBlock, terminalSafe } from './output';

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

describe('terminalSafe', () => {
  it('writes control characters, separators and bidi overrides as escapes, and doubles backslashes', () => {
    expect(terminalSafe('evil\x1b[31mred\nfake\r\x07')).toBe('evil\\x1b[31mred\\x0afake\\x0d\\x07');
    expect(terminalSafe('a\u202eb\u2028c\x9bd\x7f')).toBe('a\\u202eb\\u2028c\\x9bd\\x7f');
    expect(terminalSafe('C:\\x1b')).toBe('C:\\\\x1b');
    expect(terminalSafe('plain_name ünïcode 表')).toBe('plain_name ünïcode 表');
  });

  it('writes invisible characters and every bidi control as escapes: a name cannot pass for another', () => {
    expect(terminalSafe('orders\u200b')).toBe('orders\\u200b');
    expect(terminalSafe('a\u200eb\u061cc\u2066d\ufeffe\u00adf\u2060g')).toBe(
      'a\\u200eb\\u61cc\\u2066d\\ufeffe\\xadf\\u2060g',
    );
  });

  it('keeps the line breaks of an error and escapes what is in each line', () => {
    expect(terminalBlock('relation "x\x1b[2J" does not exist\nHINT: look')).toBe(
      'relation "x\\x1b[2J" does not exist\nHINT: look',
    );
  });
});

describe('table', () => {
  it('aligns columns as the terminal shows them, escapes included', () => {
    const lines = table([
      ['NAME', 'SIZE'],
      ['a\x1bb', '1'],
      ['plain', '2'],
    ]).map(terminalSafe);
    expect(lines).toEqual(['NAME    SIZE', 'a\\x1bb  1', 'plain   2']);
  });
});
