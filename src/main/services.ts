import type Database from 'better-sqlite3';
import type { AppInfo } from '../shared/contract';
import type { EventBus } from './events';
import type { Logger } from './logger';
import type { PoolManager } from './postgres/pool-manager';
import type { ProfileService } from './profiles/profile-service';
import type { SecretStore } from './secrets/secret-store';
import type { TunnelManager } from './ssh/tunnels';

/** What the composition root builds once and hands to every domain's handlers. */
export interface Services {
  dataDir: string;
  mode: AppInfo['mode'];
  secretStore: SecretStore;
  db: Database.Database;
  logger: Logger;
  now: () => Date;
  events: EventBus;
  profiles: ProfileService;
  pools: PoolManager;
  /** One SSH tunnel per profile that has one, shared by all its connections. */
  tunnels: TunnelManager;
}
