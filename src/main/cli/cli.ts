import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Channel, RequestOf, ResponseOf } from '../../shared/contract';
import type { ConnectionTestResult, Profile } from '../../shared/profile';
import { createTidemark, type Tidemark } from '../app';
import { defaultDataDir } from '../paths';
import { KeyFileSecretStore } from '../secrets/key-file-secret-store';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

const usage = `Usage: tidemark [--data-dir DIR] <command>

Commands:
  profiles list [--json]                 list connection profiles
  profiles add --url URI [--name NAME]   add a profile from a libpq URI or key=value string
  profiles test NAME                     test a profile's connection

The data directory defaults to the desktop app's (override with --data-dir or TIDEMARK_DATA_DIR).`;

class CliFailure extends Error {}

/** Calls the router exactly as the UI does, and turns an error envelope into a message. */
async function call<C extends Channel>(
  app: Tidemark,
  channel: C,
  request: RequestOf<C>,
): Promise<ResponseOf<C>> {
  const result = await app.router.dispatch(channel, request, 'cli');
  if (result.ok) return result.value as ResponseOf<C>;
  const fields = Object.entries(result.error.fields ?? {})
    .filter(([, message]) => message !== result.error.message)
    .map(([field, message]) => `\n  ${field}: ${message}`)
    .join('');
  throw new CliFailure(result.error.message + fields);
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
}

function describeTest(result: ConnectionTestResult): string[] {
  if (!result.ok) return [`FAILED (${result.reason}): ${result.message}`];
  const r = result.report;
  const tsdb = r.timescaledb.installedVersion
    ? `installed ${r.timescaledb.installedVersion}`
    : r.timescaledb.availableVersion
      ? `available ${r.timescaledb.availableVersion}, not installed in ${r.database}`
      : 'not available';
  return [
    `OK  PostgreSQL ${r.serverVersion}${r.inRecovery ? ' (standby)' : ''}`,
    `database     ${r.database}`,
    `user         ${r.user}${r.isSuperuser ? ' (superuser)' : ''}, pg_monitor: ${r.hasPgMonitor ? 'yes' : 'no'}`,
    `timescaledb  ${tsdb}`,
    `ssl          ${r.ssl.inUse ? `${r.ssl.version ?? 'yes'} ${r.ssl.cipher ?? ''}`.trim() : 'not encrypted'}`,
    `latency      ${r.latencyMs.toFixed(1)} ms`,
  ];
}

async function profileByName(app: Tidemark, name: string): Promise<Profile> {
  const all = await call(app, 'profiles:list', {});
  const found = all.find((p) => p.name.toLowerCase() === name.toLowerCase());
  if (!found) {
    const known = all.map((p) => p.name).join(', ') || 'none yet';
    throw new CliFailure(`No profile named "${name}". Known profiles: ${known}.`);
  }
  return found;
}

async function run(app: Tidemark, positionals: string[], values: Record<string, unknown>, io: CliIo) {
  const [group, verb, arg] = positionals;
  if (group !== 'profiles') throw new CliFailure(usage);
  switch (verb) {
    case 'list': {
      const profiles = await call(app, 'profiles:list', {});
      if (values.json) return io.out(JSON.stringify(profiles, null, 2));
      if (profiles.length === 0)
        return io.out('No profiles yet. Add one with: tidemark profiles add --url URI');
      const rows = [['NAME', 'HOST', 'PORT', 'DATABASE', 'USER', 'SSLMODE', 'PASSWORD']];
      for (const p of profiles) {
        const password =
          p.passwordMode === 'store' ? (p.hasStoredPassword ? 'stored' : 'missing') : p.passwordMode;
        rows.push([p.name, p.host, String(p.port), p.database, p.user, p.sslmode, password]);
      }
      for (const line of table(rows)) io.out(line);
      return;
    }
    case 'add': {
      const url = values.url;
      if (typeof url !== 'string')
        throw new CliFailure('profiles add needs --url "postgresql://user@host:5432/db".');
      const fields = await call(app, 'profiles:parseUri', { uri: url });
      const name =
        typeof values.name === 'string'
          ? values.name
          : `${fields.host ?? 'localhost'}/${fields.database ?? ''}`;
      const profile = await call(app, 'profiles:create', {
        ...fields,
        name,
        passwordMode: fields.password ? 'store' : (fields.passwordMode ?? 'pgpass'),
      } as RequestOf<'profiles:create'>);
      return io.out(
        `Added profile "${profile.name}" (${profile.user}@${profile.host}:${profile.port}/${profile.database}).`,
      );
    }
    case 'test': {
      if (!arg) throw new CliFailure('profiles test needs a profile name.');
      const profile = await profileByName(app, arg);
      const result = await call(app, 'profiles:test', { id: profile.id });
      for (const line of describeTest(result)) io.out(line);
      if (!result.ok) throw new CliFailure('');
      return;
    }
    default:
      throw new CliFailure(usage);
  }
}

/** The `tidemark` command. Returns the exit code. */
export async function runCli(
  argv: string[],
  io: CliIo = { out: console.log, err: console.error },
): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'data-dir': { type: 'string' },
        url: { type: 'string' },
        name: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    io.err(`${(err as Error).message}\n\n${usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    io.out(usage);
    return values.help ? 0 : 2;
  }
  const dataDir = resolve(typeof values['data-dir'] === 'string' ? values['data-dir'] : defaultDataDir());
  mkdirSync(dataDir, { recursive: true });
  const app = await createTidemark({ dataDir, mode: 'cli', secretStore: new KeyFileSecretStore(dataDir) });
  try {
    await run(app, positionals, values, io);
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
