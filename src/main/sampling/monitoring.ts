import { collectStorageSample } from '../collector/collector';
import { DemoServer } from '../demo/demo-server';
import { DemoService } from '../demo/demo-service';
import { History } from '../history/history';
import type { Services } from '../services';
import { otherDatabasesFor } from './database-cadence';
import { Heartbeat } from './heartbeat';
import { SampleRunner } from './sample-runner';
import { Scheduler } from './scheduler';
import { slowDiskFactsFor } from './slow-disk-facts-cadence';
import { upkeepFor } from './upkeep-cadence';

/** A beat may have to connect first: allow the profile's connect timeout, within bounds. */
const beatTimeoutMs = (connectTimeoutSec: number) =>
  Math.min(Math.max(connectTimeoutSec, 3), 15) * 1000 + 2000;

/**
 * Everything that watches servers over time: the local history, storage
 * samples, heartbeats, their timers, and the demo server. Built once by the
 * composition root; timers run only after start() (not for the CLI).
 */
export class Monitoring {
  readonly history: History;
  readonly runner: SampleRunner;
  readonly heartbeat: Heartbeat;
  readonly scheduler: Scheduler;
  readonly demo: DemoService;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly s: Services) {
    const { db, pools, events, logger, now, profiles } = s;
    this.history = new History(db, now);
    this.runner = new SampleRunner({
      pools,
      collect: async (client, profileId, reason) => {
        const facts = await pools.serverFacts(profileId, client);
        // The DBA's "Sample now" reads everything; a scheduled sample what is due on each cadence.
        if (reason === 'manual') return collectStorageSample(client, { facts, now });
        const settings = this.history.settings.get();
        return collectStorageSample(client, {
          facts,
          now,
          otherDatabases: otherDatabasesFor(
            this.history.otherDatabases(profileId),
            settings.databaseSizeEveryMinutes,
            now(),
          ),
          slowDiskFacts: slowDiskFactsFor(
            this.history.latestSlowDiskFacts(profileId),
            settings.slowDiskFactsEveryMinutes,
            now(),
          ),
          upkeep: upkeepFor(this.history.upkeepReadAt(profileId), settings.upkeepEveryMinutes, now()),
        });
      },
      sink: this.history,
      attempts: this.history,
      events,
      logger,
      now,
    });
    this.heartbeat = new Heartbeat({
      pools,
      sink: this.history,
      events,
      logger,
      now,
      sampling: (id) => this.runner.isRunning(id),
      timeoutMs: (id) => beatTimeoutMs(profiles.get(id).connectTimeoutSec),
    });
    this.scheduler = new Scheduler({
      profileIds: () => profiles.list().map((p) => p.id),
      schedules: this.history,
      runner: this.runner,
      heartbeat: this.heartbeat,
      maintenance: () => {
        this.history
          .prune()
          .then(() => this.history.downsample())
          .catch((err: Error) => logger.warn({ error: err.message }, 'pruning or downsampling failed'))
          .then(() => this.refreshLatestRelations());
      },
      logger,
      now,
    });
    this.demo = new DemoService({
      dataDir: s.dataDir,
      server: new DemoServer(s.dataDir, logger),
      profiles,
      schedules: this.history.schedules,
      scheduler: this.scheduler,
      logger,
    });
  }

  /** Starts the timers (the desktop app and browser mode; never the CLI). */
  async start(): Promise<void> {
    const { events } = this.s;
    this.unsubscribe = events.subscribe((message) => {
      if (message.event === 'storage:sampled' && message.payload.ok) this.refreshLatestRelations();
      if (message.event !== 'profiles:changed') return;
      const { reason, id } = message.payload;
      if (reason === 'deleted' || reason === 'archived') this.scheduler.remove(id);
      else this.scheduler.plan(id);
    });
    await this.demo.resume();
    this.scheduler.start();
    // A file from before step 022, or a history changed while the app was closed (the CLI samples too).
    this.refreshLatestRelations();
  }

  /** The Storage page's latest relations, rebuilt in the background after the history changed. */
  private refreshLatestRelations(): void {
    this.history
      .refreshLatestRelations()
      .catch((err: Error) =>
        this.s.logger.warn({ error: err.message }, 'rebuilding the latest relations failed'),
      );
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.scheduler.stop();
    await this.runner.settle();
    await this.demo.stop();
  }
}
