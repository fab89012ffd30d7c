import type { Logger } from '../logger';
import type { Heartbeat } from './heartbeat';
import type { ScheduleSource } from './ports';
import type { SampleRunner } from './sample-runner';
import { nextRun, parseSchedule } from './schedule';

export interface SchedulerDeps {
  profileIds: () => string[];
  schedules: ScheduleSource;
  runner: Pick<SampleRunner, 'run'>;
  heartbeat: Pick<Heartbeat, 'beat'>;
  /** Pruning and other daily upkeep; runs at start and every 24 h. */
  maintenance: () => void;
  logger: Logger;
  now: () => Date;
}

/** setTimeout cannot wait longer than ~24.8 days; re-plan before that. */
const MAX_DELAY_MS = 6 * 3_600_000;
const RETRY_AFTER_FAILURE_MS = 5 * 60_000;
const DAY_MS = 24 * 3_600_000;

interface ProfileTimers {
  sample?: NodeJS.Timeout;
  beat?: NodeJS.Timeout;
  nextSampleAt?: Date;
  /** After a failed sample, wait before trying again rather than hammering a sick server. */
  retryAt?: Date;
}

/**
 * Timers per profile: storage samples on the profile's schedule (a run missed
 * while the app was closed happens at start) and heartbeats. Each profile has
 * its own timers and its own async work, so one that is down or slow never
 * delays the others.
 */
export class Scheduler {
  private readonly profiles = new Map<string, ProfileTimers>();
  private maintenanceTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly deps: SchedulerDeps) {}

  start(): void {
    this.stopped = false;
    for (const id of this.deps.profileIds()) this.plan(id);
    this.runMaintenance();
  }

  /** (Re)reads a profile's schedule and sets its timers; call after it changes. */
  plan(profileId: string): void {
    if (this.stopped) return;
    this.remove(profileId);
    const timers: ProfileTimers = {};
    this.profiles.set(profileId, timers);
    this.planSample(profileId, timers);
    this.planBeat(profileId, timers, 0);
  }

  remove(profileId: string): void {
    const timers = this.profiles.get(profileId);
    if (!timers) return;
    clearTimeout(timers.sample);
    clearTimeout(timers.beat);
    this.profiles.delete(profileId);
  }

  nextSampleAt(profileId: string): Date | null {
    return this.profiles.get(profileId)?.nextSampleAt ?? null;
  }

  stop(): void {
    this.stopped = true;
    for (const id of [...this.profiles.keys()]) this.remove(id);
    clearTimeout(this.maintenanceTimer);
  }

  private planSample(profileId: string, timers: ProfileTimers): void {
    const { schedules, now, logger } = this.deps;
    let at: Date;
    try {
      const schedule = schedules.scheduleOf(profileId);
      at = nextRun(parseSchedule(schedule.storage), schedule.lastSampleAt, now());
    } catch (err) {
      logger.warn({ profileId, error: (err as Error).message }, 'no storage schedule for profile');
      return;
    }
    if (timers.retryAt && timers.retryAt > at) at = timers.retryAt;
    timers.nextSampleAt = at;
    const delay = Math.max(0, at.getTime() - now().getTime());
    timers.sample = setTimeout(
      () => {
        if (delay > MAX_DELAY_MS) return this.planSample(profileId, timers);
        void this.deps.runner
          .run(profileId, 'schedule')
          .then(
            () => {
              timers.retryAt = undefined;
            },
            () => {
              timers.retryAt = new Date(this.deps.now().getTime() + RETRY_AFTER_FAILURE_MS);
            },
          )
          .finally(() => {
            if (this.profiles.get(profileId) === timers) this.planSample(profileId, timers);
          });
      },
      Math.min(delay, MAX_DELAY_MS),
    );
    timers.sample.unref();
  }

  private planBeat(profileId: string, timers: ProfileTimers, delayMs: number): void {
    timers.beat = setTimeout(() => {
      void this.deps.heartbeat.beat(profileId).finally(() => {
        if (this.profiles.get(profileId) !== timers) return;
        let seconds = 60;
        try {
          seconds = this.deps.schedules.scheduleOf(profileId).heartbeatSeconds;
        } catch {
          // Profile gone; the next plan() or remove() settles it.
        }
        this.planBeat(profileId, timers, seconds * 1000);
      });
    }, delayMs);
    timers.beat.unref();
  }

  private runMaintenance(): void {
    try {
      this.deps.maintenance();
    } catch (err) {
      this.deps.logger.warn({ error: (err as Error).message }, 'daily maintenance failed');
    }
    this.maintenanceTimer = setTimeout(() => this.runMaintenance(), DAY_MS);
    this.maintenanceTimer.unref();
  }
}
