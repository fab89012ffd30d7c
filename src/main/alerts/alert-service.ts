import type Database from 'better-sqlite3';
import type { Alert, AlertCounts, AlertRules, ProfileRules } from '../../shared/alerts';
import type { Profile } from '../../shared/profile';
import { StatusQuery } from '../history/status';
import type { Logger } from '../logger';
import type { EventBus } from '../router';
import { type AlertDraft, AlertRepository } from './alert-repository';
import { kindTitles } from './messages';
import type { Notifier } from './notifier';
import { RulesRepository } from './rules-repository';
import { SamplePairReader } from './sample-pair';
import { evaluateServer } from './server-evaluator';
import { StorageEvaluator, type StorageEvaluatorDeps } from './storage-evaluator';

export interface AlertServiceDeps {
  db: Database.Database;
  events: EventBus;
  logger: Logger;
  now: () => Date;
  /** The database's fitted growth rate and when it reaches a size (none until the history suffices). */
  forecast: StorageEvaluatorDeps['forecast'];
  profiles: { get(id: string): Profile };
  /** Desktop notifications and the badge; none in CLI mode. */
  notifier?: Notifier | undefined;
}

/** "db1.example.com:5432", "[::1]:5432". */
export function serverName(profile: Pick<Profile, 'host' | 'port'>): string {
  const host =
    profile.host.includes(':') && !profile.host.startsWith('[') ? `[${profile.host}]` : profile.host;
  return `${host}:${profile.port}`;
}

/**
 * Alerts: evaluates the rules after every stored storage sample and every
 * heartbeat (it listens on the EventBus; the sampling layer knows nothing of
 * alerts), stores what fires, and tells the renderer ('alerts:changed'), the
 * desktop (notifier) and the log. Evaluation is synchronous inside the event
 * handler, so when `runner.run()` or `heartbeat.beat()` resolves, its alerts
 * are stored.
 */
export class AlertService {
  readonly rules: RulesRepository;
  readonly store: AlertRepository;
  private readonly storage: StorageEvaluator;
  private readonly status: StatusQuery;
  private readonly log: Logger;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly deps: AlertServiceDeps) {
    this.rules = new RulesRepository(deps.db);
    this.store = new AlertRepository(deps.db);
    this.status = new StatusQuery(deps.db);
    this.storage = new StorageEvaluator({
      reader: new SamplePairReader(deps.db),
      forecast: deps.forecast,
    });
    this.log = deps.logger.child({ component: 'alerts' });
  }

  /** Listens for samples and heartbeats; shows the current count on the badge. */
  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.deps.events.subscribe((message) => {
      // Never let an alert problem reach the emitter: the sample or beat itself succeeded.
      try {
        if (message.event === 'storage:sampled') {
          const { ok, sampleId, profileId } = message.payload;
          if (ok && sampleId !== null) this.afterSample(profileId, sampleId);
        } else if (message.event === 'profile:status') {
          this.afterHeartbeat(message.payload.profileId);
        } else if (message.event === 'profiles:changed' && message.payload.reason === 'deleted') {
          // Its alerts went with it (ON DELETE CASCADE).
          this.updateBadge();
        }
      } catch (err) {
        this.log.error({ err, event: message.event }, 'alert evaluation failed');
      }
    });
    this.updateBadge();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** The storage rules against a stored sample; returns the alerts raised (none that were already active). */
  afterSample(profileId: string, sampleId: number): Alert[] {
    const now = this.deps.now();
    const { rules } = this.rules.get(profileId);
    const drafts = this.storage.evaluate(profileId, sampleId, rules, now);
    if (drafts.length === 0) return [];
    const profile = this.deps.profiles.get(profileId);
    return drafts.flatMap((draft) => {
      const alert = this.raise(profile, draft, now);
      return alert ? [alert] : [];
    });
  }

  /**
   * server_down from the stored heartbeat state. 'profile:status' also comes
   * from a manual connection test, which records nothing: the stored state
   * decides, so a single failed test raises nothing.
   */
  afterHeartbeat(profileId: string): void {
    const { status } = this.status.of(profileId);
    if (status.state === 'unknown') return;
    const profile = this.deps.profiles.get(profileId);
    const server = serverName(profile);
    const active = this.store.active(profileId, 'server_down', {
      type: 'server',
      name: server,
      relationId: null,
    });
    const decision = evaluateServer(status, this.rules.get(profileId).rules, active !== null, {
      server,
      profileName: profile.name,
    });
    const now = this.deps.now();
    if (decision.action === 'raise') this.raise(profile, decision.draft, now);
    else if (decision.action === 'recover' && active) this.resolveAs(active.id, 'recovered', now, profile);
  }

  list(profileId: string | undefined, include: 'active' | 'all'): Alert[] {
    if (profileId !== undefined) this.deps.profiles.get(profileId);
    return this.store.list(profileId, include);
  }

  /** Dismiss: resolves the alert now. */
  resolve(id: number): Alert {
    const alert = this.store.get(id);
    return this.resolveAs(id, 'dismissed', this.deps.now(), this.profileOf(alert.profileId));
  }

  counts(): AlertCounts {
    return this.store.counts();
  }

  getRules(profileId: string): ProfileRules {
    this.deps.profiles.get(profileId);
    return this.rules.get(profileId);
  }

  /** The same rules for every profile named, in one transaction; they apply from the next sample. */
  setRules(profileIds: string[], rules: AlertRules): ProfileRules[] {
    const ids = this.existing(profileIds);
    const result = this.rules.set(ids, rules, this.deps.now());
    this.log.info({ profileIds: ids, rules }, 'alert rules changed');
    return result;
  }

  resetRules(profileIds: string[]): ProfileRules[] {
    const ids = this.existing(profileIds);
    const result = this.rules.reset(ids);
    this.log.info({ profileIds: ids }, 'alert rules back to the defaults');
    return result;
  }

  private existing(profileIds: string[]): string[] {
    const ids = [...new Set(profileIds)];
    for (const id of ids) this.deps.profiles.get(id);
    return ids;
  }

  private profileOf(profileId: string): Pick<Profile, 'id' | 'name'> {
    try {
      return this.deps.profiles.get(profileId);
    } catch {
      return { id: profileId, name: '(deleted profile)' };
    }
  }

  private raise(profile: Pick<Profile, 'id' | 'name'>, draft: AlertDraft, now: Date): Alert | null {
    const alert = this.store.raise(profile.id, draft, now);
    if (!alert) return null; // one of the same kind and subject is active
    this.log.warn(
      {
        profileId: profile.id,
        profileName: profile.name,
        alertId: alert.id,
        kind: alert.kind,
        severity: alert.severity,
        subject: alert.subject.name,
        subjectType: alert.subject.type,
        relationId: alert.subject.relationId,
        currentBytes: alert.currentBytes,
        previousBytes: alert.previousBytes,
        growthPct: alert.growthPct,
        alertMessage: alert.message,
      },
      'alert raised',
    );
    this.deps.events.emit('alerts:changed', { profileId: profile.id, change: 'raised', alert });
    this.notify(profile, alert);
    this.updateBadge();
    return alert;
  }

  private resolveAs(
    id: number,
    resolution: 'dismissed' | 'recovered',
    now: Date,
    profile: Pick<Profile, 'id' | 'name'>,
  ): Alert {
    const alert = this.store.resolve(id, resolution, now);
    this.log.info(
      {
        profileId: alert.profileId,
        profileName: profile.name,
        alertId: alert.id,
        kind: alert.kind,
        subject: alert.subject.name,
        resolution,
      },
      'alert resolved',
    );
    this.deps.events.emit('alerts:changed', { profileId: alert.profileId, change: 'resolved', alert });
    this.updateBadge();
    return alert;
  }

  private notify(profile: Pick<Profile, 'id' | 'name'>, alert: Alert): void {
    const notifier = this.deps.notifier;
    if (!notifier) return;
    try {
      notifier.notify({
        title: `${kindTitles[alert.kind]} — ${profile.name}`,
        body: alert.message,
        severity: alert.severity,
        profileId: profile.id,
      });
    } catch (err) {
      this.log.warn({ err, alertId: alert.id }, 'desktop notification failed');
    }
  }

  private updateBadge(): void {
    const notifier = this.deps.notifier;
    if (!notifier?.setBadgeCount) return;
    try {
      notifier.setBadgeCount(this.store.counts().total);
    } catch (err) {
      this.log.warn({ err }, 'the badge count could not be set');
    }
  }
}
