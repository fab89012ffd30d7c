import type { Channel, RequestOf, ResponseOf } from '../../shared/contract';
import type { Result } from '../../shared/result';
import type { RendererClient } from '../client';
import type { ProfilesStore } from './profiles';
import { sendUnlocking, type UnlockStore } from './unlock';

/** A request to the profile's server, as the migration stores make it. */
export type ProfileCall = <C extends Channel>(
  profileId: string,
  channel: C,
  request: RequestOf<C>,
) => Promise<Result<ResponseOf<C>>>;

/**
 * A profile that asks for its password (or its tunnel's passphrase) gets the
 * dialog, then the request is sent again.
 */
export function profileCall(
  client: RendererClient,
  profiles: ProfilesStore,
  unlock: UnlockStore,
): ProfileCall {
  return (profileId, channel, request) =>
    sendUnlocking(
      unlock,
      profiles.getState().profiles.find((p) => p.id === profileId),
      () => client.invoke(channel, request),
    );
}

export const migrationsPath = (profileId: string) => `/profiles/${encodeURIComponent(profileId)}/migrate`;
export const migrationPath = (profileId: string, id: string) =>
  `${migrationsPath(profileId)}/${encodeURIComponent(id)}`;
