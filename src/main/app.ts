import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { rateRequirementOf } from '../shared/alerts';
import type { AppInfo } from '../shared/contract';
import { AlertService } from './alerts/alert-service';
import type { Notifier } from './alerts/notifier';
import { type WebhookOptions, WebhookService } from './alerts/webhooks/service';
import { createDataDir, tightenDataDir } from './data-dir';
import { EventBus } from './events';
import { FleetService } from './fleet/fleet-service';
import { alertHandlers } from './handlers/alerts';
import { appHandlers } from './handlers/app';
import { fleetHandlers } from './handlers/fleet';
import { migrationHandlers } from './handlers/migration';
import { profileHandlers } from './handlers/profiles';
import { storageHandlers } from './handlers/storage';
import { ProfilePurge } from './history/profile-purge';
import { openStore } from './local-db/database';
import { ProfileRepository } from './local-db/profile-repository';
import type { Logger } from './logger';
import { createLogger } from './logger';
import { MigrationService } from './migration/service';
import { PoolManager } from './postgres/pool-manager';
import { NewProfileDefaults } from './profiles/new-profile-defaults';
import { ProfileService } from './profiles/profile-service';
import { type Handlers, Router } from './router';
import { Monitoring } from './sampling/monitoring';
import type { SecretStore } from './secrets/secret-store';
import type { Services } from './services';
import { TunnelManager } from './ssh/tunnels';

export interface TidemarkOptions {
  dataDir: string;
  mode: AppInfo['mode'];
  secretStore: SecretStore;
  logger?: Logger;
  now?: () => Date;
  /** Start sampling and heartbeat timers (the desktop app and browser mode, not the CLI or tests). */
  background?: boolean;
  /** Desktop notifications and the badge for alerts (the Electron shell); never used in CLI mode. */
  notifier?: Notifier;
  /** Webhook retry delays and timeout (tests shorten them). */
  webhooks?: WebhookOptions;
}

export interface Tidemark {
  router: Router;
  events: EventBus;
  profiles: ProfileService;
  pools: PoolManager;
  tunnels: TunnelManager;
  logger: Logger;
  monitoring: Monitoring;
  alerts: AlertService;
  webhooks: WebhookService;
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
  createDataDir(options.dataDir);
  const tightened = tightenDataDir(options.dataDir);
  const logger = options.logger ?? createLogger(options.dataDir);
  if (tightened.length > 0) {
    logger.warn(
      { tightened },
      'data folder was readable by other users: permissions tightened to owner only',
    );
  }
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
  const profiles = new ProfileService(
    new ProfileRepository(db),
    options.secretStore,
    now,
    events,
    new ProfilePurge(db),
    new NewProfileDefaults(db, now),
  );
  const binding = profiles.bindUnboundSecrets();
  if (binding.bound > 0) logger.info({ bound: binding.bound }, 'stored passwords bound to their servers');
  if (binding.unreadable.length > 0) {
    logger.warn(
      { profiles: binding.unreadable },
      'stored passwords that could not be read here were left as they are',
    );
  }
  const tunnels = new TunnelManager({ logger, now });
  // The one place a profile's connections are routed through its SSH tunnel (monitoring and migrations).
  const resolveConnection = async (id: string) => {
    const { fields, password, sshSecret } = profiles.credentials(id);
    return { fields, password, via: await tunnels.route(id, fields, sshSecret) };
  };
  const pools = new PoolManager(resolveConnection, logger);
  // A changed or deleted profile (new port, new password) must not keep using its old connections;
  // a deleted or archived one's tunnel closes (an edited one gets a new tunnel when its SSH settings changed).
  events.subscribe((message) => {
    if (message.event !== 'profiles:changed' || message.payload.reason === 'created') return;
    void pools.invalidate(message.payload.id);
    if (message.payload.reason === 'deleted' || message.payload.reason === 'archived') {
      void tunnels.close(message.payload.id);
    }
  });
  const version = appVersion();

  const services: Services = {
    dataDir: options.dataDir,
    mode: options.mode,
    secretStore: options.secretStore,
    db,
    logger,
    now,
    events,
    profiles,
    pools,
    tunnels,
  };
  const monitoring = new Monitoring(services);
  const webhooks = new WebhookService({
    db,
    secretStore: options.secretStore,
    logger,
    now,
    events,
    options: options.webhooks,
  });
  const alerts = new AlertService({
    db,
    events,
    logger,
    now,
    forecast: (id, thresholdBytes, requirement, now) =>
      monitoring.history.growth(id, { thresholdBytes, requirement, now }),
    profiles,
    notifier: options.mode === 'cli' ? undefined : options.notifier,
    webhooks,
  });
  // Always listening (also in the CLI and tests): a sample or beat taken anywhere is evaluated.
  alerts.start();
  const migrations = new MigrationService({
    db,
    events,
    logger,
    now,
    resolve: resolveConnection,
  });
  const handlers: Handlers = {
    ...appHandlers(services, { version, notices }),
    ...profileHandlers(services),
    ...migrationHandlers(migrations),
    ...storageHandlers(services, monitoring, (id) => rateRequirementOf(alerts.rules.get(id).rules)),
    ...alertHandlers(alerts, webhooks),
    ...fleetHandlers(new FleetService({ history: monitoring.history, alerts, now })),
  };

  const router = new Router(handlers, logger);
  logger.info({ dataDir: options.dataDir, mode: options.mode, version }, 'tidemark started');
  const stopUpkeep = options.background ? migrations.startPartitionUpkeep() : () => {};
  if (options.background) await monitoring.start();

  return {
    router,
    events,
    profiles,
    pools,
    tunnels,
    logger,
    monitoring,
    alerts,
    webhooks,
    async close() {
      await monitoring.stop();
      stopUpkeep();
      alerts.stop();
      await webhooks.close();
      await migrations.close();
      await pools.closeAll();
      await tunnels.closeAll();
      db.close();
      logger.info('tidemark stopped');
      logger.flush();
    },
  };
}
