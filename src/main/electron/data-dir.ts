/** `--data-dir DIR` or `--data-dir=DIR` from Electron's command line, if given. */
export function dataDirArg(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--data-dir' && argv[i + 1]) return argv[i + 1];
    if (arg.startsWith('--data-dir=') && arg.length > '--data-dir='.length)
      return arg.slice('--data-dir='.length);
  }
  return undefined;
}
