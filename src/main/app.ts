import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AppInfo } from '../shared/contract';
import { profileInputSchema } from '../shared/profile';
import { AppError } from './errors';
import type { Logger } from './logger';
import { createLogger } from './logger';
import { testConnection } from './postgres/connection-test';
import { parseConnectionString } from './postgres/libpq-uri';
import { PoolManager } from './postgres/pool-manager';
import { discoverProfiles, discoverWithPasswords } from './postgres/service-file';
import { ProfileService } from './profiles/profile-service';
import { EventBus, fieldErrors, type Handlers, Router } from './router';
import type { SecretStore } from './secrets/secret-store';
import { openStore } from './store/database';
import { ProfileRepository } from './store/profile-repository';

export interface TidemarkOptions {
  dataDir: string;
  mode: AppInfo['mode'];
  secretStore: SecretStore;
  logger?: Logger;
  now?: () => Date;
}

export interface Tidemark {
  router: Router;
  events: EventBus;
  profiles: ProfileService;
  pools: PoolManager;
  logger: Logger;
  close(): Promise<void>;
}

/** Tidemark's own package.json, found from wherever this code was built or loaded. */
function appVersion(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'tidemark' && pkg.version) return pkg.version;
    } catch {
      // Not here; look one level up.
    }
  }
  return 'unknown';
}

/** The composition root: every service built once, wired, and handed to the router. */
export async function createTidemark(options: TidemarkOptions): Promise<Tidemark> {
  const now = options.now ?? (() => new Date());
  const logger = options.logger ?? createLogger(options.dataDir);
  const { db, movedAside } = openStore(options.dataDir, now);
  const notices: AppInfo['notices'] = [];
  if (movedAside) {
    logger.warn({ movedAside }, 'local store was damaged and moved aside');
    notices.push({
      level: 'warning',
      message:
        `The local history file could not be read (${movedAside.reason}). It was moved to ${movedAside.to} ` +
        'and Tidemark started a new one. Nothing was deleted.',
    });
  }

  const events = new EventBus();
  const profiles = new ProfileService(new ProfileRepository(db), options.secretStore, now);
  const pools = new PoolManager(async (id) => profiles.credentials(id), logger);
  const version = appVersion();

  const changed = (reason: 'created' | 'updated' | 'deleted', id: string) => {
    if (reason !== 'created') void pools.invalidate(id);
    events.emit('profiles:changed', { reason, id });
  };

  const handlers: Handlers = {
    'app:info': () => ({
      version,
      mode: options.mode,
      dataDir: options.dataDir,
      secretStorage: {
        backend: options.secretStore.backend,
        strong: options.secretStore.strong,
        note: options.secretStore.note,
      },
      notices,
    }),
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
    },
    'profiles:unlock': ({ id, password }) => {
      profiles.unlock(id, password);
      void pools.invalidate(id);
      return { id };
    },
  };

  const router = new Router(handlers, logger);
  logger.info({ dataDir: options.dataDir, mode: options.mode, version }, 'tidemark started');

  return {
    router,
    events,
    profiles,
    pools,
    logger,
    async close() {
      await pools.closeAll();
      db.close();
      logger.info('tidemark stopped');
      logger.flush();
    },
  };
}
