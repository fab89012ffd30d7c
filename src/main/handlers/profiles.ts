import type { ProfileChannel } from '../../shared/channels/profiles';
import { profileInputSchema } from '../../shared/profile';
import { AppError } from '../errors';
import { parseConnectionString } from '../postgres/libpq-uri';
import { discoverProfiles, discoverWithPasswords } from '../postgres/service-file';
import { testProfile } from '../profiles/profile-test';
import { fieldErrors, type HandlersFor } from '../router';
import type { Services } from '../services';

export function profileHandlers(s: Services): HandlersFor<ProfileChannel> {
  const { profiles, pools, tunnels, events, now } = s;
  const changed = (reason: 'created' | 'updated' | 'deleted', id: string) => {
    if (reason !== 'created') void pools.invalidate(id);
    // An edited profile gets a new tunnel when its settings changed (TunnelManager.route compares them).
    if (reason === 'deleted') void tunnels.close(id);
    events.emit('profiles:changed', { reason, id });
  };

  return {
    'profiles:list': () => profiles.list(),
    'profiles:get': ({ id }) => profiles.get(id),
    'profiles:create': (input) => {
      const profile = profiles.create(input);
      changed('created', profile.id);
      return profile;
    },
    'profiles:update': ({ id, input }) => {
      const profile = profiles.update(id, input);
      changed('updated', id);
      return profile;
    },
    'profiles:duplicate': ({ id, name }) => {
      const profile = profiles.duplicate(id, name);
      changed('created', profile.id);
      return profile;
    },
    'profiles:delete': ({ id }) => {
      profiles.delete(id);
      changed('deleted', id);
      return { id };
    },
    'profiles:parseUri': ({ uri }) => parseConnectionString(uri),
    'profiles:discover': () => discoverProfiles(),
    'profiles:import': async ({ labels }) => {
      const { found } = await discoverWithPasswords();
      const results = labels.map((label) => {
        const match = found.find((f) => f.candidate.label === label);
        if (!match)
          return { label, error: 'Not found any more in pg_service.conf or .pgpass. Search again.' };
        if (match.candidate.problem) return { label, error: match.candidate.problem };
        const parsed = profileInputSchema.safeParse({
          ...match.candidate.input,
          name: match.candidate.input.name ?? label,
          ...(match.password ? { password: match.password, passwordMode: 'store' } : {}),
        });
        if (!parsed.success) return { label, error: Object.values(fieldErrors(parsed.error)).join(' ') };
        try {
          const profile = profiles.create(parsed.data);
          changed('created', profile.id);
          return { label, profile };
        } catch (err) {
          if (err instanceof AppError) return { label, error: err.message };
          throw err;
        }
      });
      return { results };
    },
    'profiles:test': async (request) => {
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
      events.emit('profile:status', {
        profileId: request.id,
        state: result.ok ? 'up' : 'down',
        ...(result.ok ? {} : { message: result.message }),
        at: now().toISOString(),
      });
      return result;
    },
    'profiles:unlock': ({ id, password }) => {
      profiles.unlock(id, password);
      void pools.invalidate(id);
      return { id };
    },
    'profiles:tunnel': ({ id }) => {
      profiles.get(id);
      return tunnels.status(id) ?? null;
    },
  };
}
