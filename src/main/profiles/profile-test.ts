import { performance } from 'node:perf_hooks';
import type { ConnectionTestResult } from '../../shared/profile';
import type { ConnectionFields } from '../postgres/client-config';
import { testConnection } from '../postgres/connection-test';
import { SshTunnelError } from '../ssh/errors';
import type { TunnelRoute } from '../ssh/tunnel';
import type { TunnelManager } from '../ssh/tunnels';

/**
 * "Test connection" for a profile, through its SSH tunnel when it has one: a
 * saved profile uses (and so checks) the tunnel its pool shares; a draft gets a
 * tunnel of its own, closed afterwards. A host key seen for the first time comes
 * back as `ssh_host_key_unknown` with its fingerprint, to be trusted by testing
 * again with `acceptHostKey`.
 */
export interface ProfileTestTarget {
  /** Saved profile: share its tunnel. Undefined: a draft. */
  profileId?: string;
  fields: ConnectionFields;
  password: string | undefined;
  sshSecret: string | undefined;
  acceptHostKey?: string;
}

export async function testProfile(
  tunnels: TunnelManager,
  t: ProfileTestTarget,
): Promise<ConnectionTestResult> {
  if (!t.fields.sshHost) return testConnection(t.fields, t.password);
  const started = performance.now();
  let route: TunnelRoute | undefined;
  let close = async () => {};
  try {
    if (t.profileId) {
      route = await tunnels.route(t.profileId, t.fields, t.sshSecret, t.acceptHostKey);
    } else {
      const draft = await tunnels.openDraft(t.fields, t.sshSecret, t.acceptHostKey);
      route = draft?.route;
      if (draft) close = draft.close;
    }
  } catch (err) {
    if (!(err instanceof SshTunnelError)) throw err;
    const tunnel = t.profileId ? tunnels.status(t.profileId) : undefined;
    return {
      ok: false,
      reason: err.reason,
      message: err.message,
      ...(err.detail ? { detail: err.detail } : {}),
      elapsedMs: Math.round(performance.now() - started),
      ...(err.hostKey ? { hostKey: err.hostKey } : {}),
      ...(tunnel ? { tunnel } : {}),
    };
  }
  try {
    const result = await testConnection(t.fields, t.password, route ? { via: route } : {});
    const tunnel = route?.status();
    if (!tunnel) return result;
    return result.ok ? { ok: true, report: { ...result.report, tunnel } } : { ...result, tunnel };
  } finally {
    await close();
  }
}
