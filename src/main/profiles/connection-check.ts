import type { ConnectionTestResult, ProfileFields } from '../../shared/profile';
import type { EventBus } from '../events';
import { testConnection } from '../postgres/connection-test';
import type { ProfileService } from './profile-service';

export type ConnectionCheckRequest =
  | { id: string; password?: string }
  | { draft: ProfileFields & { password?: string }; draftOf?: string };

/**
 * "Test connection" for a form's draft or a saved profile. A saved profile's result is also its
 * status (the sidebar dot), so it is announced like a heartbeat's.
 */
export async function checkConnection(
  profiles: ProfileService,
  events: EventBus,
  now: () => Date,
  request: ConnectionCheckRequest,
): Promise<ConnectionTestResult> {
  if ('draft' in request) {
    return testConnection(request.draft, profiles.draftPassword(request.draft, request.draftOf));
  }
  if (request.password) profiles.unlock(request.id, request.password);
  const { fields, password } = profiles.credentials(request.id);
  const result = await testConnection(fields, password);
  events.emit('profile:status', {
    profileId: request.id,
    state: result.ok ? 'up' : 'down',
    ...(result.ok ? {} : { message: result.message }),
    at: now().toISOString(),
  });
  return result;
}
