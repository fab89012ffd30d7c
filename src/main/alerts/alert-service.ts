import type Database from 'better-sqlite3';
import {
  type Alert,
  type AlertCounts,
  type AlertKind,
  type AlertRules,
  type ProfileRules,
  type RelationRule,
  type Snooze,
  snoozeMs,
} from '../../shared/alerts';
import { displayName } from '../../shared/ident';
import type { UpkeepReport } from '../../shared/partition-upkeep';
import { oneLine } from '../../shared/plain-text';
import type { Profile } from '../../shared/profile';
import type { EventBus } from '../events';
import { DiskFactsRepository } from '../history/disk-facts-repository';
import { SettingsRepository } from '../history/settings-repository';
import { StatusQuery } from '../history/status';
import type { Logger } from '../logger';
import { type AlertDraft, AlertRepository, subjectKey } from './alert-repository';
import { checkDiskFacts } from './disk-check';
import { DiskFullCheck } from './disk-full-check';
import { kindTitles } from './messages';
import type { Notifier } from './notifier';
import { checkUpkeep } from './partition-check';
import { RelationRulesRepository, SampledRelations } from './relation-rules';
import { RulesRepository } from './rules-repository';
import { SamplePairReader } from './sample-pair';
import { evaluateServer } from './server-evaluator';
import { StorageCheck } from './storage-check';
import { StorageEvaluator, type StorageEvaluatorDeps } from './storage-evaluator';
import type { WebhookService } from './webhooks/service';

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
  /** Posts raised, raised-again and resolved alerts to the team. */
  webhooks?: Pick<WebhookService, 'announce'> | undefined;
}

type Who = Pick<Profile, 'id' | 'name'>;

const STORAGE_KINDS: ReadonlySet<AlertKind> = new Set([
  'growth_warning',
  'relation_growth',
  'size_critical',
  'forecast_warning',
  'relation_size',
  'disk_full',
]);
/** Raised from the disk facts stored with a sample. */
const DISK_KINDS: ReadonlySet<AlertKind> = new Set(['slot_retention', 'wraparound']);

/** "db1.example.com:5432", "[::1]:5432". */
export function serverName(profile: Pick<Profile, 'host' | 'port'>): string {
  const host =
    profile.host.includes(':') && !profile.host.startsWith('[') ? `[${profile.host}]` : profile.host;
  return `${host}:${profile.port}`;
}

/**
 * Alerts: evaluates the rules after every stored storage sample, every
 * heartbeat and every round of partition upkeep (it listens on the EventBus;
 * the sampling layer and the migration engine know nothing of alerts). A
 * condition that holds raises an alert, or refreshes the active one's figures
 * and last-seen time; an active alert whose condition no longer
 * holds is resolved ("cleared"), so the next occurrence is a new alert.
 * Acknowledging keeps an alert quiet until it clears or its snooze ends.
 * Evaluation is synchronous inside the event handler, so when `runner.run()`
 * or `heartbeat.beat()` resolves, its alerts are stored; webhooks are only queued.
 */
export class AlertService {
  readonly rules: RulesRepository;
  readonly relationRules: RelationRulesRepository;
  readonly store: AlertRepository;
  private readonly storage: StorageCheck;
  private readonly status: StatusQuery;
  private readonly diskFacts: DiskFactsRepository;
  private readonly diskFull: DiskFullCheck;
  private readonly log: Logger;
  /** The default rules and the notification preferences. */
  private readonly settings: SettingsRepository;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly deps: AlertServiceDeps) {
    this.settings = new SettingsRepository(deps.db);
    this.rules = new RulesRepository(deps.db, () => this.settings.get().defaultRules);
    this.relationRules = new RelationRulesRepository(deps.db);
    this.store = new AlertRepository(deps.db);
    this.status = new StatusQuery(deps.db);
    this.diskFacts = new DiskFactsRepository(deps.db);
    this.diskFull = new DiskFullCheck(deps.db, deps.forecast);
    this.storage = new StorageCheck(
      new StorageEvaluator({ reader: new SamplePairReader(deps.db), forecast: deps.forecast }),
      new SampledRelations(deps.db),
    );
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
        } else if (message.event === 'partitions:maintained') {
          const { profileId, reports, complete } = message.payload;
          this.afterUpkeep(profileId, reports, complete);
        } else if (message.event === 'profiles:statusChanged') {
          this.afterHeartbeat(message.payload.profileId);
        } else if (message.event === 'profiles:changed' && message.payload.reason === 'deleted') {
          // Its alerts went with it (ON DELETE CASCADE).
          this.updateBadge();
        } else if (message.event === 'profiles:changed' && message.payload.reason === 'archived') {
          this.afterArchive(message.payload.id);
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

  /** An archived server is no longer watched: its active alerts end as dismissed by the DBA (they stay in its history). */
  private afterArchive(profileId: string): void {
    const now = this.deps.now();
    for (const alert of this.store.activeOf(profileId, now)) {
      this.changed(this.store.resolve(alert.id, 'dismissed', now), 'resolved');
    }
    this.updateBadge();
  }

  /** The storage rules against a stored sample; returns the alerts that became loud (new, or a snooze ended). */
  afterSample(profileId: string, sampleId: number): Alert[] {
    const now = this.deps.now();
    const { rules } = this.rules.get(profileId);
    const verdict = this.storage.run(profileId, sampleId, rules, this.relationRules.list(profileId), now);
    const disk = checkDiskFacts(this.diskFacts.ofSample(sampleId), rules);
    const profile = this.deps.profiles.get(profileId);
    const full = this.diskFull.run(profile, serverName(profile), sampleId, rules, now);
    const drafts = [...verdict.drafts, ...disk.drafts, ...full];
    // What no longer holds ends first, so retention after a raise counts it as resolved.
    const held = new Set(drafts.map((d) => `${d.kind} ${subjectKey(d.subject)}`));
    for (const alert of this.store.activeOf(profileId, now)) {
      if (held.has(`${alert.kind} ${subjectKey(alert.subject)}`)) continue;
      const speaks = STORAGE_KINDS.has(alert.kind)
        ? verdict.speaksFor(alert)
        : DISK_KINDS.has(alert.kind) && disk.knows;
      if (speaks) this.resolveAs(alert.id, 'cleared', now, profile);
    }
    const loud = drafts.flatMap((draft) => this.holds(profile, draft, now) ?? []);
    this.updateBadge();
    return loud;
  }

  /**
   * partition_upkeep from a round of partition upkeep: raised or refreshed
   * while a table has rows in its DEFAULT partition or too few partitions
   * ahead, cleared when the round shows the condition gone.
   */
  afterUpkeep(profileId: string, reports: UpkeepReport[], complete: boolean): void {
    const now = this.deps.now();
    const profile = this.deps.profiles.get(profileId);
    const verdict = checkUpkeep(reports, complete, profile.name);
    const held = new Set(verdict.drafts.map((d) => subjectKey(d.subject)));
    for (const alert of this.store.activeOf(profileId, now)) {
      if (verdict.speaksFor(alert) && !held.has(subjectKey(alert.subject)))
        this.resolveAs(alert.id, 'cleared', now, profile);
    }
    for (const draft of verdict.drafts) this.holds(profile, draft, now);
    this.updateBadge();
  }

  /**
   * server_down from the stored heartbeat state. 'profiles:statusChanged' also comes
   * from a manual connection test, which records nothing: the stored state
   * decides, so a single failed test raises nothing.
   */
  afterHeartbeat(profileId: string): void {
    const { status } = this.status.of(profileId);
    if (status.state === 'unknown') return;
    const profile = this.deps.profiles.get(profileId);
    const server = serverName(profile);
    const decision = evaluateServer(status, this.rules.get(profileId).rules, {
      server,
      profileName: profile.name,
    });
    const now = this.deps.now();
    this.wakeSnoozed(profile, now);
    if (decision.action === 'holds') this.holds(profile, decision.draft, now);
    else if (decision.action === 'clear') {
      const subject = { type: 'server' as const, name: server, relationId: null };
      const active = this.store.active(profileId, 'server_down', subject, now);
      if (active) this.resolveAs(active.id, decision.resolution, now, profile);
    }
    this.updateBadge();
  }

  list(profileId: string | undefined, include: 'active' | 'all'): Alert[] {
    if (profileId !== undefined) this.deps.profiles.get(profileId);
    return this.store.list(profileId, include, this.deps.now());
  }

  /** Quiet until the condition clears, or until the snooze ends. */
  acknowledge(id: number, snooze?: Snooze): Alert {
    const now = this.deps.now();
    const until = snooze ? new Date(now.getTime() + snoozeMs[snooze]) : null;
    const alert = this.store.acknowledge(id, until, now);
    this.log.info(
      { profileId: alert.profileId, alertId: id, kind: alert.kind, until: until?.toISOString() ?? 'cleared' },
      'alert acknowledged',
    );
    this.updateBadge();
    return this.changed(alert, 'updated');
  }

  unacknowledge(id: number): Alert {
    const alert = this.store.unacknowledge(id, this.deps.now());
    this.log.info(
      { profileId: alert.profileId, alertId: id, kind: alert.kind },
      'alert acknowledgement undone',
    );
    this.updateBadge();
    return this.changed(alert, 'updated');
  }

  counts(): AlertCounts {
    return this.store.counts(this.deps.now());
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
    const result = this.rules.reset(ids, this.deps.now());
    this.log.info({ profileIds: ids }, 'alert rules back to the defaults');
    return result;
  }

  getRelationRules(profileId: string): RelationRule[] {
    this.deps.profiles.get(profileId);
    return this.relationRules.list(profileId);
  }

  /** One relation's overrides; they apply from the next sample. */
  setRelationRule(profileId: string, rule: RelationRule): RelationRule[] {
    this.deps.profiles.get(profileId);
    const result = this.relationRules.set(profileId, rule, this.deps.now());
    this.log.info(
      { profileId, relation: displayName(rule.schema, rule.name), rule },
      'relation alert rule changed',
    );
    return result;
  }

  removeRelationRule(profileId: string, schema: string, name: string): RelationRule[] {
    this.deps.profiles.get(profileId);
    return this.relationRules.remove(profileId, schema, name);
  }

  private existing(profileIds: string[]): string[] {
    const ids = [...new Set(profileIds)];
    for (const id of ids) this.deps.profiles.get(id);
    return ids;
  }

  /**
   * Snoozes that have ended become loud again at the next heartbeat (every
   * minute), not only at the next sample, which may be a day away. The
   * condition held when last seen; the next evaluation confirms or clears it.
   */
  private wakeSnoozed(profile: Who, now: Date): void {
    for (const id of this.store.endedSnoozes(profile.id, now)) {
      const alert = this.store.unacknowledge(id, now);
      this.log.warn(this.logFields(profile, alert), 'alert snooze ended');
      this.changed(alert, 'raised');
      this.notify(profile, alert, ' (snooze ended)');
    }
  }

  /**
   * The draft's condition holds now: a new alert (announced), or the active
   * one refreshed. Returns the alert when it became loud (new, or its snooze ended).
   */
  private holds(profile: Who, draft: AlertDraft, now: Date): Alert | null {
    const active = this.store.active(profile.id, draft.kind, draft.subject, now);
    if (active) {
      const snoozeEnded = this.store.snoozeEnded(active.id, now);
      const alert = this.store.touch(active.id, draft, now);
      if (!alert) return null;
      this.changed(alert, snoozeEnded ? 'raised' : 'updated');
      if (!snoozeEnded) return null;
      this.log.warn(this.logFields(profile, alert), 'alert snooze ended');
      this.notify(profile, alert, ' (snooze ended)');
      return alert;
    }
    const alert = this.store.raise(profile.id, draft, now);
    if (!alert) return null;
    const again = this.store.seenBefore(alert);
    this.log.warn(this.logFields(profile, alert), again ? 'alert raised again' : 'alert raised');
    this.changed(alert, 'raised');
    this.notify(profile, alert, '');
    this.deps.webhooks?.announce(again ? 'raised_again' : 'raised', alert, profile);
    return alert;
  }

  private resolveAs(id: number, resolution: 'recovered' | 'cleared', now: Date, profile: Who): Alert {
    const alert = this.store.resolve(id, resolution, now);
    this.log.info({ ...this.logFields(profile, alert), resolution }, 'alert resolved');
    this.changed(alert, 'resolved');
    this.deps.webhooks?.announce('resolved', alert, profile);
    return alert;
  }

  private changed(alert: Alert, change: 'raised' | 'updated' | 'resolved'): Alert {
    this.deps.events.emit('alerts:changed', { profileId: alert.profileId, change, alert });
    return alert;
  }

  private logFields(profile: Who, alert: Alert) {
    return {
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
    };
  }

  /** A desktop notification, as the DBA's preferences (Settings) allow; the alert itself is stored regardless. */
  private notify(profile: Who, alert: Alert, note: string): void {
    const notifier = this.deps.notifier;
    if (!notifier) return;
    const { notifyDesktop, notifyMinSeverity } = this.settings.get();
    if (!notifyDesktop || (notifyMinSeverity === 'critical' && alert.severity !== 'critical')) return;
    try {
      notifier.notify({
        title: oneLine(`${kindTitles[alert.kind]} — ${profile.name}${note}`),
        body: oneLine(alert.message),
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
      notifier.setBadgeCount(this.store.counts(this.deps.now()).total);
    } catch (err) {
      this.log.warn({ err }, 'the badge count could not be set');
    }
  }
}
