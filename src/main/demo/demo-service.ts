import { relative } from 'node:path';
import type { DemoStatus } from '../../shared/channels/storage';
import { type Profile, profileInputSchema } from '../../shared/profile';
import type { ScheduleRepository } from '../history/schedule-repository';
import type { Logger } from '../logger';
import type { ProfileService } from '../profiles/profile-service';
import type { Scheduler } from '../sampling/scheduler';
import type { DemoServer } from './demo-server';

interface DemoServiceDeps {
  dataDir: string;
  server: DemoServer;
  profiles: ProfileService;
  schedules: ScheduleRepository;
  scheduler: Scheduler;
  logger: Logger;
}

/** The demo server and the profile that watches it: started together, kept together across restarts. */
export class DemoService {
  constructor(private readonly d: DemoServiceDeps) {}

  /** `size`: also walk the cluster's files (a few thousand stats), only where the size is shown. */
  status({ size = false }: { size?: boolean | undefined } = {}): DemoStatus {
    const { server } = this.d;
    const setUp = server.hasBeenSetUp();
    return {
      running: server.running,
      profileId: this.profileId(),
      setUp,
      location: server.location,
      inDataFolder: !relative(this.d.dataDir, server.location).startsWith('..'),
      sizeBytes: !size ? null : setUp ? server.sizeOnDisk() : 0,
    };
  }

  /** Deletes the demo: its profile (with the profile's history and alerts), its server and its files. */
  async remove(): Promise<DemoStatus> {
    const id = this.profileId();
    if (id) {
      await this.d.profiles.delete(id);
      this.d.scheduler.remove(id);
    }
    await this.d.server.remove();
    return this.status({ size: true });
  }

  /** Starts the server and returns its profile: the one from a previous run, or a new one sampled every minute. */
  async start(): Promise<{ profile: Profile }> {
    const { server, profiles, schedules, scheduler } = this.d;
    const connection = await server.start();
    const existing = this.profileId();
    let profile: Profile;
    if (existing) {
      profile = this.followPort(existing, connection.port);
    } else {
      profile = profiles.create(
        profileInputSchema.parse({
          name: this.freeName(),
          host: connection.host,
          port: connection.port,
          database: connection.database,
          user: connection.user,
          password: connection.password,
          passwordMode: 'store',
          sslmode: 'disable',
          connectTimeoutSec: 5,
          statementTimeoutMs: 15_000,
          poolSize: 2,
        }),
      );
      server.rememberProfile(profile.id);
      schedules.set(profile.id, { storage: 'every 1m', heartbeatSeconds: 15 });
    }
    scheduler.plan(profile.id);
    return { profile };
  }

  /** At app start: the demo's profile keeps working across restarts, so its server comes back first. */
  async resume(): Promise<void> {
    const id = this.profileId();
    if (!id) return;
    try {
      const connection = await this.d.server.start();
      this.followPort(id, connection.port);
    } catch (err) {
      this.d.logger.warn({ error: (err as Error).message }, 'demo server could not start');
    }
  }

  stop(): Promise<void> {
    return this.d.server.stop();
  }

  /** The remembered profile, if the DBA has not deleted it. */
  private profileId(): string | null {
    const id = this.d.server.profileId;
    return id && this.d.profiles.list().some((p) => p.id === id) ? id : null;
  }

  /**
   * The server may come back on another port. The update goes through ProfileService, which
   * announces it, so the profile's pool is dropped and reconnects to the new port.
   */
  private followPort(profileId: string, port: number): Profile {
    const { profiles } = this.d;
    const current = profiles.credentials(profileId).fields;
    return current.port === port ? profiles.get(profileId) : profiles.update(profileId, { ...current, port });
  }

  private freeName(): string {
    const taken = new Set(this.d.profiles.list().map((p) => p.name.toLowerCase()));
    let name = 'Demo server';
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `Demo server ${n}`;
    return name;
  }
}
