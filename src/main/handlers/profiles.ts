import type { ProfileChannel } from '../../shared/channels/profiles';
import { checkConnection } from '../profiles/connection-check';
import { importProfiles } from '../profiles/import';
import { parseConnectionString } from '../profiles/libpq-uri';
import { discoverProfiles } from '../profiles/service-file';
import { exportProfiles, importProfilesFile } from '../profiles/transfer';
import type { HandlersFor } from '../router';
import type { Services } from '../services';

export function profileHandlers(s: Services): HandlersFor<ProfileChannel> {
  const { profiles, tunnels } = s;
  return {
    'profiles:list': () => profiles.list(),
    'profiles:get': ({ id }) => profiles.get(id),
    'profiles:create': ({ secretsFrom, ...input }) => profiles.create(input, secretsFrom),
    'profiles:update': ({ id, input }) => profiles.update(id, input),
    'profiles:duplicate': ({ id, name }) => profiles.duplicate(id, name),
    'profiles:delete': async ({ id, keepHistory }) => {
      if (keepHistory) profiles.archive(id);
      else await profiles.delete(id);
      return { id, archived: keepHistory };
    },
    'profiles:listArchived': () => profiles.archived(),
    'profiles:restore': ({ id }) => profiles.restore(id),
    'profiles:parseUri': ({ uri }) => parseConnectionString(uri),
    'profiles:discover': () => discoverProfiles(),
    'profiles:import': async ({ labels }) => ({ results: await importProfiles(profiles, labels) }),
    'profiles:test': (request) => checkConnection(s, request),
    'profiles:unlock': ({ id, password }) => {
      profiles.unlock(id, password);
      return { id };
    },
    'profiles:unlockSsh': ({ id, secret }) => {
      profiles.unlockSsh(id, secret);
      return { id };
    },
    'profiles:export': () => exportProfiles(profiles, s.now()),
    'profiles:importFile': ({ text, dryRun }) => importProfilesFile(profiles, text, dryRun),
    'profiles:getTunnel': ({ id }) => {
      profiles.get(id);
      return tunnels.status(id) ?? null;
    },
  };
}
