import { createHash } from 'node:crypto';
import type { ProfileFields, TunnelStatus } from '../../shared/profile';
import type { Logger } from '../logger';
import type { SshEnvironment, TunnelSpec } from './config';
import { SshTunnel, type TunnelRoute } from './tunnel';

/**
 * One tunnel per profile, shared by everything that talks to its server (the
 * monitoring pool, samples, heartbeats, the migration wizard's pool). Built
 * once in the composition root; a profile whose SSH settings change gets a new
 * tunnel the next time its connection is resolved.
 */

export type TunnelFields = Pick<
  ProfileFields,
  'host' | 'port' | 'sshHost' | 'sshPort' | 'sshUser' | 'sshKeyFile' | 'connectTimeoutSec'
>;

export interface TunnelManagerOptions extends SshEnvironment {
  logger?: Logger;
  now?: () => Date;
}

export function tunnelSpecOf(fields: TunnelFields): TunnelSpec | undefined {
  if (!fields.sshHost) return undefined;
  return { host: fields.sshHost, port: fields.sshPort, user: fields.sshUser, keyFile: fields.sshKeyFile };
}

function settingsKey(fields: TunnelFields, secret: string | undefined): string {
  const secretHash = secret === undefined ? null : createHash('sha256').update(secret).digest('hex');
  return JSON.stringify([
    tunnelSpecOf(fields),
    fields.host,
    fields.port,
    fields.connectTimeoutSec,
    secretHash,
  ]);
}

export class TunnelManager {
  private readonly tunnels = new Map<
    string,
    { key: string; tunnel: SshTunnel; route: Promise<TunnelRoute> }
  >();
  /** A tunnel that could not be opened is closed, but its state (failed, and why) is still shown. */
  private readonly failed = new Map<string, TunnelStatus>();

  constructor(private readonly options: TunnelManagerOptions = {}) {}

  /**
   * The address pg connects to for a profile: its tunnel's local end, opened
   * (or reused) here; undefined for a profile without SSH. Throws SshTunnelError.
   */
  async route(
    profileId: string,
    fields: TunnelFields,
    secret: string | undefined,
    acceptHostKey?: string,
  ): Promise<TunnelRoute | undefined> {
    const spec = tunnelSpecOf(fields);
    const key = settingsKey(fields, secret);
    const existing = this.tunnels.get(profileId);
    if (existing && existing.key === key && !acceptHostKey) {
      const route = await existing.route;
      await route.ready();
      return route;
    }
    if (existing) await this.close(profileId);
    if (!spec) return undefined;
    const tunnel = new SshTunnel(
      spec,
      { host: fields.host, port: fields.port },
      this.tunnelOptions(fields, secret, acceptHostKey),
    );
    const route = tunnel.open();
    const entry = { key, tunnel, route };
    this.tunnels.set(profileId, entry);
    // The listener stays, so a failed first open is retried by route.ready() on later use.
    this.failed.delete(profileId);
    try {
      return await route;
    } catch (err) {
      if (this.tunnels.get(profileId) === entry) {
        this.failed.set(profileId, tunnel.status());
        this.tunnels.delete(profileId);
        void tunnel.close();
      }
      throw err;
    }
  }

  /** A tunnel for a draft (the form's "Test connection"): the caller closes it. */
  async openDraft(
    fields: TunnelFields,
    secret: string | undefined,
    acceptHostKey?: string,
  ): Promise<{ route: TunnelRoute; close: () => Promise<void> } | undefined> {
    const spec = tunnelSpecOf(fields);
    if (!spec) return undefined;
    const tunnel = new SshTunnel(
      spec,
      { host: fields.host, port: fields.port },
      this.tunnelOptions(fields, secret, acceptHostKey),
    );
    try {
      return { route: await tunnel.open(), close: () => tunnel.close() };
    } catch (err) {
      await tunnel.close();
      throw err;
    }
  }

  status(profileId: string): TunnelStatus | undefined {
    return this.tunnels.get(profileId)?.tunnel.status() ?? this.failed.get(profileId);
  }

  async close(profileId: string): Promise<void> {
    this.failed.delete(profileId);
    const entry = this.tunnels.get(profileId);
    if (!entry) return;
    this.tunnels.delete(profileId);
    await entry.tunnel.close();
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.tunnels.keys()].map((id) => this.close(id)));
  }

  private tunnelOptions(fields: TunnelFields, secret: string | undefined, acceptHostKey: string | undefined) {
    return {
      ...this.options,
      connectTimeoutMs: fields.connectTimeoutSec * 1000,
      ...(secret !== undefined ? { secret } : {}),
      ...(acceptHostKey ? { acceptHostKey } : {}),
    };
  }
}
