import type { RequestOf } from '../../shared/contract';
import type { ConnectionTestResult } from '../../shared/profile';
import type { Tidemark } from '../app';
import {
  CliFailure,
  type CliIo,
  type CliValues,
  type CommandGroup,
  call,
  profileByName,
  table,
} from './common';
import { passwordFromInput, passwordUsage } from './password-input';

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

async function run(app: Tidemark, args: string[], values: CliValues, io: CliIo): Promise<void> {
  const [verb, arg] = args;
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
      const given = await passwordFromInput(
        values,
        io,
        `Password for ${fields.user ?? 'the user'}@${fields.host ?? 'localhost'}: `,
      );
      if (given !== undefined && fields.password) {
        throw new CliFailure('The URL already holds a password: leave it out of the URL.');
      }
      const password = given ?? fields.password;
      const name =
        typeof values.name === 'string'
          ? values.name
          : `${fields.host ?? 'localhost'}/${fields.database ?? ''}`;
      const profile = await call(app, 'profiles:create', {
        ...fields,
        name,
        ...(password
          ? { password, passwordMode: 'store' }
          : { passwordMode: fields.passwordMode ?? 'pgpass' }),
      } as RequestOf<'profiles:create'>);
      return io.out(
        `Added profile "${profile.name}" (${profile.user}@${profile.host}:${profile.port}/${profile.database}).`,
      );
    }
    case 'test': {
      if (!arg) throw new CliFailure('profiles test needs a profile name.');
      const profile = await profileByName(app, arg);
      const password = await passwordFromInput(values, io, `Password for ${profile.user}@${profile.host}: `);
      const result = await call(app, 'profiles:test', { id: profile.id, ...(password ? { password } : {}) });
      for (const line of describeTest(result)) io.out(line);
      if (!result.ok) throw new CliFailure('');
      return;
    }
    default:
      throw new CliFailure(profileCommands.usage);
  }
}

export const profileCommands: CommandGroup = {
  usage: `  profiles list [--json]                 list connection profiles
  profiles add --url URI [--name NAME] [--password-stdin | --ask-password]
                                         add a profile from a libpq URI or key=value string
  profiles test NAME [--password-stdin | --ask-password]
                                         test a profile's connection ("ask" profiles take their password so)
${passwordUsage}`,
  run,
};
