import type { Channel, RequestOf, ResponseOf } from '../../shared/contract';
import type { Result } from '../../shared/result';
import type { RendererClient } from '../client';
import type { ProfilesStore } from './profiles';
import type { UnlockStore } from './unlock';

/** A request to the profile's server, as the migration stores make it. */
export type ProfileCall = <C extends Channel>(
  profileId: string,
  channel: C,
  request: RequestOf<C>,
) => Promise<Result<ResponseOf<C>>>;

/**
 * A profile that asks for its password gets the dialog once, then the request
 * is sent again.
 */
export function profileCall(
  client: RendererClient,
  profiles: ProfilesStore,
  unlock: UnlockStore,
): ProfileCall {
  return async (profileId, channel, request) => {
    let result = await client.invoke(channel, request);
    if (!result.ok && result.error.code === 'password_required') {
      const profile = profiles.getState().profiles.find((p) => p.id === profileId);
      const unlocked = profile ? await unlock.getState().unlockProfile(profile, result.error.message) : false;
      if (unlocked) result = await client.invoke(channel, request);
    }
    return result;
  };
}

export const migrationsPath = (profileId: string) => `/profiles/${encodeURIComponent(profileId)}/migrate`;
export const migrationPath = (profileId: string, id: string) =>
  `${migrationsPath(profileId)}/${encodeURIComponent(id)}`;
