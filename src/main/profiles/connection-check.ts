import type { ParsedRequestOf } from '../../shared/contract';
import type { ConnectionTestResult } from '../../shared/profile';
import type { EventBus } from '../events';
import type { TunnelManager } from '../ssh/tunnels';
import type { ProfileService } from './profile-service';
import { testProfile } from './profile-test';

export interface ConnectionCheckDeps {
  profiles: ProfileService;
  tunnels: TunnelManager;
  events: EventBus;
  now: () => Date;
}

/**
 * "Test connection" for a form's draft or a saved profile, through its SSH tunnel when it has one.
 * A saved profile's result is also its status (the sidebar dot), so it is announced like a heartbeat's.
 */
export async function checkConnection(
  { profiles, tunnels, events, now }: ConnectionCheckDeps,
  request: ParsedRequestOf<'profiles:test'>,
): Promise<ConnectionTestResult> {
  const { acceptHostKey } = request;
  if ('draft' in request) {
    return testProfile(tunnels, {
      fields: request.draft,
      password: profiles.draftPassword(request.draft, request.draftOf),
      sshSecret: profiles.draftSshSecret(request.draft, request.draftOf),
      acceptHostKey,
    });
  }
  if (request.password) profiles.unlock(request.id, request.password);
  if (request.sshSecret) profiles.unlockSsh(request.id, request.sshSecret);
  const { fields, password, sshSecret } = profiles.credentials(request.id);
  const result = await testProfile(tunnels, {
    profileId: request.id,
    fields,
    password,
    sshSecret,
    acceptHostKey,
  });
  events.emit('profiles:statusChanged', {
    profileId: request.id,
    state: result.ok ? 'up' : 'down',
    ...(result.ok ? {} : { message: result.message }),
    at: now().toISOString(),
  });
  return result;
}
