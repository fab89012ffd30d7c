import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createTidemark, type Tidemark } from '../app';
import { createDataDir } from '../data-dir';
import { AppError } from '../errors';
import { defaultDataDir } from '../paths';
import { KeyFileSecretStore } from '../secrets/key-file-secret-store';
import { alertCommands, ruleCommands } from './alert-commands';
import { CliFailure, type CliIo, type CliValues, type CommandGroup, UsageError } from './common';
import { fleetCommands } from './fleet-commands';
import { growthCommands } from './growth-commands';
import { migrateCommands } from './migrate-commands';
import { migrateOptions } from './migrate-settings';
import { notifyCommands } from './notify-commands';
import { jsonText, terminalBlock } from './output';
import { partitionCommands } from './partitions-commands';
import { passwordOptions } from './password-input';
import { profileFileOptions } from './profile-file-commands';
import { profileCommands, sshOptions } from './profiles-commands';
import { historyCommands, sampleCommands } from './storage-commands';
import { storageCommands } from './storage-report';

export type { CliIo } from './common';

const groups: Record<string, CommandGroup> = {
  fleet: fleetCommands,
  profiles: profileCommands,
  sample: sampleCommands,
  history: historyCommands,
  storage: storageCommands,
  growth: growthCommands,
  migrate: migrateCommands,
  alerts: alertCommands,
  rules: ruleCommands,
  partitions: partitionCommands,
  notify: notifyCommands,
};

const usage = `Usage: tidemark [--data-dir DIR] [--json] <command>

Commands:
${Object.values(groups)
  .map((g) => g.usage)
  .join('\n')}

--json prints one JSON document on stdout (and errors as {"error":{"code","message"}} on stderr).
Exit codes: 0 done, 1 failed (the reason is on stderr), 2 the command line is wrong.
The data directory defaults to the desktop app's (override with --data-dir or TIDEMARK_DATA_DIR).`;

const options = {
  'data-dir': { type: 'string' },
  url: { type: 'string' },
  name: { type: 'string' },
  json: { type: 'boolean' },
  relation: { type: 'string' },
  since: { type: 'string' },
  top: { type: 'string' },
  'exact-bloat': { type: 'string' },
  csv: { type: 'boolean' },
  all: { type: 'boolean' },
  set: { type: 'string', multiple: true },
  reset: { type: 'boolean' },
  for: { type: 'string' },
  format: { type: 'string' },
  tag: { type: 'string', multiple: true },
  disk: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  ...migrateOptions,
  ...passwordOptions,
  ...sshOptions,
  ...profileFileOptions,
} as const;

/** Any error as the failure a script sees; only CliFailure and AppError carry a message meant for the DBA. */
function failureOf(err: unknown): CliFailure {
  if (err instanceof CliFailure) return err;
  if (err instanceof AppError) return new CliFailure(err.message, err.code, err.fields);
  return new CliFailure(`tidemark: ${err instanceof Error ? err.message : String(err)}`, 'internal');
}

/** Writes the failure on stderr (as JSON with --json) and returns its exit code. */
function report(io: CliIo, json: boolean, failure: CliFailure): number {
  const { code, message, fields } = failure;
  if (json) {
    io.err(jsonText({ error: { code, message, ...(fields ? { fields } : {}) } }));
  } else {
    // The message and fields can quote the server (its errors, names); the help is ours.
    const details = Object.entries(fields ?? {})
      .filter(([, text]) => text !== message)
      .map(([field, text]) => `\n  ${field}: ${text}`);
    const help = failure instanceof UsageError && failure.help ? `\n\n${failure.help}` : '';
    io.err(terminalBlock(message + details.join('')) + help);
  }
  return failure.exitCode;
}

/** The `tidemark` command: exit code 0 done, 1 failed with the reason on stderr, 2 a wrong command line. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  // Known before parsing, so even a command line that does not parse fails in the format asked for.
  const json = argv.includes('--json');
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof options }>
  >;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options });
  } catch (err) {
    return report(io, json, new UsageError((err as Error).message, usage));
  }
  const { values, positionals } = parsed;
  const [groupName, ...rest] = positionals;
  if (values.help) {
    io.out(usage);
    return 0;
  }
  if (!groupName) return report(io, json, new UsageError('Name a command.', usage));
  const group = groups[groupName];
  if (!group) return report(io, json, new UsageError(`Unknown command "${groupName}".`, usage));

  let app: Tidemark | null = null;
  try {
    const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
    createDataDir(dataDir);
    app = await createTidemark({ dataDir, mode: 'cli', secretStore: new KeyFileSecretStore(dataDir) });
    await group.run(app, rest, values as CliValues, io);
    return 0;
  } catch (err) {
    return report(io, json, failureOf(err));
  } finally {
    await app?.close();
  }
}
