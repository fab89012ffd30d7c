import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createTidemark } from '../app';
import { createDataDir } from '../data-dir';
import { defaultDataDir } from '../paths';
import { KeyFileSecretStore } from '../secrets/key-file-secret-store';
import { alertCommands, ruleCommands } from './alert-commands';
import { CliFailure, type CliIo, type CliValues, type CommandGroup } from './common';
import { migrateCommands, migrateOptions } from './migrate-commands';
import { passwordOptions } from './password-input';
import { profileCommands } from './profiles-commands';
import { historyCommands, sampleCommands } from './storage-commands';

export type { CliIo } from './common';

const groups: Record<string, CommandGroup> = {
  profiles: profileCommands,
  sample: sampleCommands,
  history: historyCommands,
  migrate: migrateCommands,
  alerts: alertCommands,
  rules: ruleCommands,
};

const usage = `Usage: tidemark [--data-dir DIR] <command>

Commands:
${Object.values(groups)
  .map((g) => g.usage)
  .join('\n')}

The data directory defaults to the desktop app's (override with --data-dir or TIDEMARK_DATA_DIR).`;

const options = {
  'data-dir': { type: 'string' },
  url: { type: 'string' },
  name: { type: 'string' },
  json: { type: 'boolean' },
  relation: { type: 'string' },
  since: { type: 'string' },
  csv: { type: 'boolean' },
  all: { type: 'boolean' },
  set: { type: 'string', multiple: true },
  reset: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  ...migrateOptions,
  ...passwordOptions,
} as const;

/** The `tidemark` command. Returns the exit code. */
export async function runCli(
  argv: string[],
  io: CliIo = { out: console.log, err: console.error },
): Promise<number> {
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof options }>
  >;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options });
  } catch (err) {
    io.err(`${(err as Error).message}\n\n${usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [groupName, ...rest] = positionals;
  if (values.help || !groupName) {
    io.out(usage);
    return values.help ? 0 : 2;
  }
  const group = groups[groupName];
  if (!group) {
    io.err(`Unknown command "${groupName}".\n\n${usage}`);
    return 1;
  }
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
  createDataDir(dataDir);
  const app = await createTidemark({ dataDir, mode: 'cli', secretStore: new KeyFileSecretStore(dataDir) });
  try {
    await group.run(app, rest, values as CliValues, io);
    return 0;
  } catch (err) {
    if (err instanceof CliFailure) {
      if (err.message) io.err(err.message);
      return 1;
    }
    io.err(`tidemark: ${(err as Error).message}`);
    return 1;
  } finally {
    await app.close();
  }
}
