import { readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import SSHConfig from 'ssh-config';
import { SshTunnelError } from './errors';

/**
 * Turns a profile's SSH settings into the hops to open, reading ~/.ssh/config
 * as OpenSSH would for the alias (first value wins, `Host *` last) with
 * ssh-config's compute(). `Match exec` is never run and CanonicalizeHostName is
 * left out: a config file must not make Tidemark start programs.
 */

/** What a profile says about its tunnel. */
export interface TunnelSpec {
  /** An alias from ~/.ssh/config, or a host name. */
  host: string;
  port?: number;
  user?: string;
  /** Tried before any IdentityFile of the config. */
  keyFile?: string;
}

/** One SSH server to open a session on, in chain order (jump hosts first). */
export interface Hop {
  /** The name the DBA wrote (alias or host), for messages. */
  alias: string;
  hostName: string;
  port: number;
  user: string;
  identityFiles: string[];
  identitiesOnly: boolean;
  /** 0 = off (OpenSSH's default). */
  serverAliveIntervalSec: number;
  serverAliveCountMax: number;
  knownHostsFiles: string[];
}

export interface SshEnvironment {
  /** Default: os.homedir() (which reads $HOME, so tests can point it at a temp folder). */
  home?: string;
  /** Default: process.env (SSH_AUTH_SOCK). */
  env?: NodeJS.ProcessEnv;
}

const defaultIdentities = ['id_rsa', 'id_ecdsa', 'id_ecdsa_sk', 'id_ed25519', 'id_ed25519_sk', 'id_dsa'];

export function homeOf(env: SshEnvironment): string {
  return env.home ?? homedir();
}

/** `~` and the tokens OpenSSH expands in file names (%d home, %u local user, %h host, %r user). */
function expandPath(path: string, home: string, hop: { hostName: string; user: string }): string {
  const expanded = path.replace(/%([%dhru])/g, (_m, t: string) => {
    if (t === '%') return '%';
    if (t === 'd') return home;
    if (t === 'h') return hop.hostName;
    if (t === 'r') return hop.user;
    return userInfo().username;
  });
  return expanded === '~' || expanded.startsWith('~/') ? join(home, expanded.slice(1)) : expanded;
}

/**
 * ssh-config's compute() canonicalizes a host name by running `nslookup` (synchronously, blocking
 * main) for each CanonicalDomains entry. Tidemark starts no program for a config file, so
 * CanonicalizeHostName is left out: the name is used as written (the system resolver's search
 * domains still apply) and `Host` blocks for the canonical name do not match.
 */
function withoutCanonicalization(config: SSHConfig): SSHConfig {
  for (let i = config.length - 1; i >= 0; i--) {
    const line = config[i]!;
    if (line.type !== SSHConfig.DIRECTIVE) continue;
    if (/^CanonicalizeHostName$/i.test(line.param)) config.splice(i, 1);
    else if ('config' in line) withoutCanonicalization(line.config);
  }
  return config;
}

function readConfig(home: string): SSHConfig {
  try {
    return withoutCanonicalization(SSHConfig.parse(readFileSync(join(home, '.ssh', 'config'), 'utf8')));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return SSHConfig.parse('');
    throw new SshTunnelError('ssh_failed', `~/.ssh/config cannot be read: ${(err as Error).message}`);
  }
}

const first = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;
/** Every value: ssh-config already splits multi-value directives (respecting quotes); a quoted path keeps its spaces. */
const all = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : (Array.isArray(value) ? value : [value]).filter(Boolean);

/** `[user@]host[:port]` as ProxyJump and the CLI's --ssh write it. */
export function parseDestination(text: string): { user?: string; host: string; port?: number } {
  const match = /^(?:([^@\s]+)@)?(\[[^\]]+\]|[^:@\s]+)(?::(\d{1,5}))?$/.exec(text.trim());
  if (!match)
    throw new SshTunnelError('ssh_failed', `"${text}" is not an SSH destination ([user@]host[:port]).`);
  const port = match[3] ? Number(match[3]) : undefined;
  if (port !== undefined && (port < 1 || port > 65535)) {
    throw new SshTunnelError('ssh_failed', `"${text}": the port must be between 1 and 65535.`);
  }
  return { user: match[1], host: (match[2] as string).replace(/^\[|\]$/g, ''), port };
}

function computeHop(
  config: SSHConfig,
  spec: TunnelSpec,
  home: string,
): { hop: Hop; proxyJump: string | undefined } {
  const c = config.compute(spec.host, { ignoreCase: true, matchExec: false });
  if (first(c.proxycommand) && !first(c.proxyjump)) {
    throw new SshTunnelError(
      'ssh_failed',
      `~/.ssh/config gives "${spec.host}" a ProxyCommand, which Tidemark does not run. Use ProxyJump instead.`,
    );
  }
  const hostName = (first(c.hostname) ?? spec.host).replace(/%h/g, spec.host);
  const user = spec.user ?? first(c.user) ?? userInfo().username;
  const port = spec.port ?? (first(c.port) ? Number(first(c.port)) : 22);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new SshTunnelError('ssh_failed', `~/.ssh/config gives "${spec.host}" an invalid Port.`);
  }
  const where = { hostName, user };
  const configured = all(c.identityfile).map((f) => expandPath(f, home, where));
  const identityFiles = [
    ...(spec.keyFile ? [expandPath(spec.keyFile, home, where)] : []),
    ...(configured.length > 0 ? configured : defaultIdentities.map((f) => join(home, '.ssh', f))),
  ];
  const known = all(c.userknownhostsfile).map((f) => expandPath(f, home, where));
  const hop: Hop = {
    alias: spec.host,
    hostName,
    port,
    user,
    identityFiles: [...new Set(identityFiles)],
    identitiesOnly: first(c.identitiesonly)?.toLowerCase() === 'yes',
    serverAliveIntervalSec: Number(first(c.serveraliveinterval) ?? 0) || 0,
    serverAliveCountMax: Number(first(c.serveralivecountmax) ?? 3) || 3,
    knownHostsFiles: [
      ...(known.length > 0 ? known : [join(home, '.ssh', 'known_hosts'), join(home, '.ssh', 'known_hosts2')]),
      ...all(c.globalknownhostsfile ?? '/etc/ssh/ssh_known_hosts'),
    ],
  };
  const proxyJump = first(c.proxyjump);
  return { hop, proxyJump: proxyJump && proxyJump.toLowerCase() !== 'none' ? proxyJump : undefined };
}

/**
 * The hops to open for a profile, jump hosts first. ProxyJump `a,b` means: reach
 * a (following a's own ProxyJump), then b through a, then the target through b,
 * which is what `ssh -J a,b` does.
 */
export function resolveHops(spec: TunnelSpec, env: SshEnvironment = {}): Hop[] {
  const home = homeOf(env);
  const config = readConfig(home);
  const chain = (s: TunnelSpec, depth: number, followJumps: boolean): Hop[] => {
    if (depth > 8) throw new SshTunnelError('ssh_failed', 'ProxyJump goes more than 8 hops deep (a loop?).');
    const { hop, proxyJump } = computeHop(config, s, home);
    if (!followJumps || !proxyJump) return [hop];
    const jumps = proxyJump.split(',').map((j) => parseDestination(j));
    const [head, ...rest] = jumps;
    const hops = chain(
      { host: (head as { host: string }).host, port: head?.port, user: head?.user },
      depth + 1,
      true,
    );
    for (const j of rest) hops.push(...chain({ host: j.host, port: j.port, user: j.user }, depth + 1, false));
    return [...hops, hop];
  };
  return chain(spec, 0, true);
}

/** `user@host:port`, as the hops are shown. */
export function describeHop(hop: Hop): string {
  const host = hop.hostName.includes(':') ? `[${hop.hostName}]` : hop.hostName;
  return `${hop.user}@${host}:${hop.port}`;
}
