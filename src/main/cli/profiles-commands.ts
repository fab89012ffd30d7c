import { resolve } from 'node:path';
import { formatBytes, parseSize } from '../../shared/bytes';
import type { RequestOf } from '../../shared/contract';
import { shellWord } from '../../shared/plain-text';
import type { ConnectionTestResult, TunnelStatus } from '../../shared/profile';
import type { Tidemark } from '../app';
import { parseDestination } from '../ssh/config';
import { SshTunnelError } from '../ssh/errors';
import {
  CliFailure,
  type CliIo,
  type CliValues,
  type CommandGroup,
  call,
  inFlagTerms,
  print,
  profileByName,
  table,
  UsageError,
} from './common';
import { passwordFromInput, passwordUsage, promptOnTerminal } from './password-input';
import { exportCommand, importCommand, profileFileUsage } from './profile-file-commands';

export const sshOptions = {
  ssh: { type: 'string' },
  'ssh-key': { type: 'string' },
  'ask-ssh-passphrase': { type: 'boolean' },
  'accept-host-key': { type: 'string' },
  'keep-history': { type: 'boolean' },
} as const;

function describeTunnel(t: TunnelStatus | undefined): string[] {
  if (!t) return [];
  const where = t.hops.join(' -> ');
  const local = t.localPort ? `, local 127.0.0.1:${t.localPort}` : '';
  return [
    `tunnel       ${t.state}${where ? ` via ${where}` : ''}${local}${t.reason ? ` (${t.reason})` : ''}`,
  ];
}

/** `--ssh ALIAS|user@host[:port]` and `--ssh-key FILE` as profile fields. */
function tunnelFields(values: CliValues): Record<string, unknown> {
  if (typeof values.ssh !== 'string') {
    if (values['ssh-key'] || values['ask-ssh-passphrase']) throw new UsageError('--ssh-key needs --ssh.');
    return {};
  }
  let destination: ReturnType<typeof parseDestination>;
  try {
    destination = parseDestination(values.ssh);
  } catch (err) {
    if (err instanceof SshTunnelError) throw new UsageError(`--ssh: ${err.message}`);
    throw err;
  }
  const key = values['ssh-key'];
  return {
    sshHost: destination.host,
    ...(destination.user ? { sshUser: destination.user } : {}),
    ...(destination.port ? { sshPort: destination.port } : {}),
    ...(typeof key === 'string' ? { sshKeyFile: resolve(key) } : {}),
  };
}

function describeTest(result: ConnectionTestResult, name: string): string[] {
  if (!result.ok) {
    const trust = result.reason === 'ssh_host_key_unknown' && result.hostKey;
    return [
      // A server's error keeps its lines (DETAIL, HINT); print escapes what is in them.
      ...`FAILED (${result.reason}): ${result.message}`.split('\n'),
      ...describeTunnel(result.tunnel),
      ...(trust
        ? [
            `If the fingerprint is right, trust it with: tidemark profiles test ${shellWord(name)} --accept-host-key ${trust.fingerprint}`,
          ]
        : []),
    ];
  }
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
    ...describeTunnel(r.tunnel),
  ];
}

/** The request fields `profiles add` / `edit` fill from flags. */
const flags = new Map([
  ['uri', '--url'],
  ['name', '--name'],
  ['tags', '--tag'],
  ['diskBytes', '--disk'],
  ['sshHost', '--ssh'],
  ['sshUser', '--ssh'],
  ['sshPort', '--ssh'],
  ['sshKeyFile', '--ssh-key'],
  ['sshSecret', '--ask-ssh-passphrase'],
  ['acceptHostKey', '--accept-host-key'],
]);

/**
 * --tag (repeatable; --tag "" alone clears them) and --disk SIZE|none, as
 * profile fields; only those given. A size the parser cannot read is passed on
 * for the schema to refuse in its own words.
 */
function fleetFields(values: CliValues): { tags?: string[]; diskBytes?: number | null } {
  const fields: { tags?: string[]; diskBytes?: number | null } = {};
  if (Array.isArray(values.tag)) fields.tags = values.tag.filter((t) => t.trim() !== '');
  if (typeof values.disk === 'string') {
    fields.diskBytes =
      values.disk.trim().toLowerCase() === 'none' ? null : (parseSize(values.disk) as number);
  }
  return fields;
}

async function run(app: Tidemark, args: string[], values: CliValues, io: CliIo): Promise<void> {
  const [verb, arg] = args;
  switch (verb) {
    case 'list': {
      const profiles = await call(app, 'profiles:list', {});
      return print(io, values, profiles, (list) => {
        if (list.length === 0) return ['No profiles yet. Add one with: tidemark profiles add --url URI'];
        const rows = [['NAME', 'HOST', 'PORT', 'DATABASE', 'USER', 'SSLMODE', 'PASSWORD']];
        for (const p of list) {
          const password =
            p.passwordMode === 'store' ? (p.hasStoredPassword ? 'stored' : 'missing') : p.passwordMode;
          rows.push([p.name, p.host, String(p.port), p.database, p.user, p.sslmode, password]);
        }
        return table(rows);
      });
    }
    case 'add': {
      const url = values.url;
      if (typeof url !== 'string')
        throw new UsageError('profiles add needs --url "postgresql://user@host:5432/db".');
      const fields = await call(app, 'profiles:parseUri', { uri: url });
      const given = await passwordFromInput(
        values,
        io,
        `Password for ${fields.user ?? 'the user'}@${fields.host ?? 'localhost'}: `,
      );
      if (given !== undefined && fields.password) {
        throw new UsageError(
          'The URL already holds a password: leave it out of the URL, or leave out --password-stdin.',
        );
      }
      const password = given ?? fields.password;
      const tunnel = tunnelFields(values);
      const passphrase = values['ask-ssh-passphrase']
        ? await (io.prompt ?? promptOnTerminal)('SSH key passphrase (or SSH password): ')
        : undefined;
      const name =
        typeof values.name === 'string'
          ? values.name
          : `${fields.host ?? 'localhost'}/${fields.database ?? ''}`;
      const profile = await call(app, 'profiles:create', {
        ...fields,
        ...fleetFields(values),
        name,
        ...(password
          ? { password, passwordMode: 'store' }
          : { passwordMode: fields.passwordMode ?? 'pgpass' }),
        ...tunnel,
        ...(passphrase ? { sshSecretMode: 'store', sshSecret: passphrase } : {}),
      } as RequestOf<'profiles:create'>);
      return print(io, values, profile, (p) => [
        `Added profile "${p.name}" (${p.user}@${p.host}:${p.port}/${p.database}` +
          `${p.sshHost ? `, through SSH ${p.sshUser ? `${p.sshUser}@` : ''}${p.sshHost}${p.sshPort ? `:${p.sshPort}` : ''}` : ''}).`,
      ]);
    }
    case 'edit': {
      if (!arg)
        throw new UsageError('profiles edit needs a profile name: tidemark profiles edit NAME --tag prod');
      const profile = await profileByName(app, arg);
      const changes = fleetFields(values);
      if (typeof values.name === 'string') Object.assign(changes, { name: values.name });
      if (Object.keys(changes).length === 0)
        throw new UsageError('profiles edit needs something to change: --tag T, --disk SIZE or --name NEW.');
      const { id, hasStoredPassword: _h, createdAt: _c, updatedAt: _u, ...input } = profile;
      const updated = await call(app, 'profiles:update', { id, input: { ...input, ...changes } });
      return print(io, values, updated, (p) => [
        `Updated profile "${p.name}": tags ${p.tags.length ? p.tags.join(', ') : 'none'}, ` +
          `disk ${p.diskBytes === null ? 'not given' : formatBytes(p.diskBytes)}.`,
      ]);
    }
    case 'test': {
      if (!arg) throw new UsageError('profiles test needs a profile name: tidemark profiles test NAME');
      const profile = await profileByName(app, arg);
      const password = await passwordFromInput(values, io, `Password for ${profile.user}@${profile.host}: `);
      const accept = values['accept-host-key'];
      const result = await call(app, 'profiles:test', {
        id: profile.id,
        ...(password ? { password } : {}),
        ...(typeof accept === 'string' ? { acceptHostKey: accept } : {}),
      });
      print(io, values, result, (r) => describeTest(r, profile.name));
      if (!result.ok)
        throw new CliFailure(
          `Profile "${profile.name}" did not connect (${result.reason}).`,
          'connection_failed',
        );
      return;
    }
    case 'export':
      return exportCommand(app, arg, values, io);
    case 'import':
      return importCommand(app, arg, values, io);
    case 'delete': {
      if (!arg) throw new UsageError('profiles delete needs a profile name: tidemark profiles delete NAME');
      const profile = await profileByName(app, arg);
      const keepHistory = values['keep-history'] === true;
      // An archived profile can only be deleted for good.
      if (profile.archivedAt && keepHistory) {
        throw new CliFailure(`"${profile.name}" is already archived with its history.`, 'conflict');
      }
      const result = await call(app, 'profiles:delete', { id: profile.id, keepHistory });
      return print(io, values, result, () => [
        keepHistory
          ? `Archived "${profile.name}": no longer watched, its password not kept; its history stays readable ` +
            `(tidemark profiles restore ${shellWord(profile.name)} watches it again).`
          : `Deleted "${profile.name}" with its history (samples, heartbeats, disk facts, alerts); ` +
            'the migration journal of its tables is kept.',
      ]);
    }
    case 'archived': {
      const list = await call(app, 'profiles:listArchived', {});
      return print(io, values, list, (rows) =>
        rows.length === 0
          ? ['No archived servers.']
          : table([
              ['NAME', 'HOST', 'PORT', 'DATABASE', 'ARCHIVED'],
              ...rows.map((p) => [p.name, p.host, String(p.port), p.database, p.archivedAt ?? '']),
            ]),
      );
    }
    case 'restore': {
      if (!arg) throw new UsageError('profiles restore needs a profile name: tidemark profiles restore NAME');
      const archived = (await call(app, 'profiles:listArchived', {})).find(
        (p) => p.name.toLowerCase() === arg.toLowerCase(),
      );
      if (!archived) throw new CliFailure(`No archived server named "${arg}".`, 'not_found');
      const restored = await call(app, 'profiles:restore', { id: archived.id });
      return print(io, values, restored, (p) => [
        `Restored "${p.name}": it is watched again.` +
          (p.passwordMode === 'ask'
            ? ' It asks for its password (no password is kept while archived): the app asks, or store it again.'
            : ''),
      ]);
    }
    default:
      throw new UsageError(
        verb ? `Unknown profiles command "${verb}".` : 'profiles needs a command.',
        `Usage:\n${profileCommands.usage}`,
      );
  }
}

export const profileCommands: CommandGroup = {
  usage: `  profiles list [--json]                 list connection profiles
  profiles add --url URI [--name NAME] [--password-stdin | --ask-password]
                                         add a profile from a libpq URI or key=value string
      [--tag T]... [--disk SIZE]         tags to group it by; its data volume's size (500GiB, 2TiB)
      [--ssh ALIAS|user@host[:port] [--ssh-key FILE] [--ask-ssh-passphrase]]
                                         through an SSH tunnel (an alias of ~/.ssh/config, ProxyJump included)
  profiles edit NAME [--tag T]... [--disk SIZE|none] [--name NEW]
                                         change its tags (--tag "" clears them), disk size or name
  profiles delete NAME [--keep-history]  delete a profile with its history, or keep the history (archived:
                                         not watched, no password kept, readable offline)
  profiles archived                      list archived servers
  profiles restore NAME                  watch an archived server again
  profiles test NAME [--password-stdin | --ask-password] [--accept-host-key SHA256:...]
                                         test a profile's connection and tunnel ("ask" profiles take their
                                         password so; a new SSH host key is trusted only when its fingerprint is given)
${profileFileUsage}
${passwordUsage}`,
  run: async (app, args, values, io) => {
    try {
      await run(app, args, values, io);
    } catch (err) {
      throw inFlagTerms(err, (field) => flags.get(field) ?? null);
    }
  },
};
