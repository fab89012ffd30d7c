import type { AlertRules } from '../../shared/alerts';
import type { Growth } from '../../shared/storage';
import type { AlertDraft } from './alert-repository';
import {
  databaseGrowthMessage,
  forecastMessage,
  relationGrowthMessage,
  sizeCriticalMessage,
} from './messages';
import type { SamplePairReader } from './sample-pair';

const DAY_MS = 86_400_000;

/**
 * Growth between two samples in percent, normalised to 24 h:
 * (cur − prev) / prev × 24 h / Δt. Null when it cannot be said (no base, no interval).
 */
export function growthPer24h(previousBytes: number, currentBytes: number, spanMs: number): number | null {
  if (!(previousBytes > 0) || !(spanMs > 0)) return null;
  return ((currentBytes - previousBytes) / previousBytes) * 100 * (DAY_MS / spanMs);
}

export interface StorageEvaluatorDeps {
  reader: SamplePairReader;
  /** The forecast at the current rate (the history's least-squares growth). */
  forecast: (profileId: string, thresholdBytes: number, now: Date) => Growth;
}

/**
 * The storage rules, after a sample is stored: which alerts its figures call
 * for. Raising (and not raising twice) is the service's business.
 */
export class StorageEvaluator {
  constructor(private readonly deps: StorageEvaluatorDeps) {}

  evaluate(profileId: string, sampleId: number, rules: AlertRules, now: Date): AlertDraft[] {
    const { reader } = this.deps;
    const current = reader.sample(profileId, sampleId);
    if (!current) return [];
    const before = reader.previous(profileId, current);
    // Another database behind the same profile (the profile was edited) is no basis for growth.
    const previous = before && before.databaseName === current.databaseName ? before : null;
    const drafts: AlertDraft[] = [];
    const database = current.databaseName;
    const dbSubject = { type: 'database' as const, name: database, relationId: null };
    const dbGrowth = previous
      ? growthPer24h(previous.databaseBytes, current.databaseBytes, current.takenAt - previous.takenAt)
      : null;
    const dbFigures = {
      currentBytes: current.databaseBytes,
      previousBytes: previous?.databaseBytes ?? null,
      growthPct: dbGrowth,
    };

    // Growth rule: the database, both samples at or above the floor.
    if (
      rules.growthWarningEnabled &&
      previous &&
      dbGrowth !== null &&
      dbGrowth > rules.growthWarningPct &&
      previous.databaseBytes >= rules.growthFloorBytes &&
      current.databaseBytes >= rules.growthFloorBytes
    ) {
      drafts.push({
        kind: 'growth_warning',
        severity: 'warning',
        subject: dbSubject,
        message: databaseGrowthMessage(database, {
          pct: dbGrowth,
          previousBytes: previous.databaseBytes,
          currentBytes: current.databaseBytes,
          spanMs: current.takenAt - previous.takenAt,
          thresholdPct: rules.growthWarningPct,
        }),
        ...dbFigures,
      });
    }

    // Growth rule: each top-level relation measured in both samples, both at or above the floor.
    if (rules.relationGrowthEnabled && previous) {
      const spanMs = current.takenAt - previous.takenAt;
      for (const r of reader.relationPairs(current, previous)) {
        if (r.previousBytes < rules.growthFloorBytes || r.currentBytes < rules.growthFloorBytes) continue;
        const pct = growthPer24h(r.previousBytes, r.currentBytes, spanMs);
        if (pct === null || !(pct > rules.relationGrowthPct)) continue;
        const name = `${r.schema}.${r.name}`;
        drafts.push({
          kind: 'relation_growth',
          severity: 'warning',
          subject: { type: 'relation', name, relationId: r.relationId },
          message: relationGrowthMessage(name, r.kind, {
            pct,
            previousBytes: r.previousBytes,
            currentBytes: r.currentBytes,
            spanMs,
            thresholdPct: rules.relationGrowthPct,
          }),
          currentBytes: r.currentBytes,
          previousBytes: r.previousBytes,
          growthPct: pct,
        });
      }
    }

    // Absolute-size rule.
    if (rules.sizeCriticalEnabled && current.databaseBytes >= rules.sizeCriticalBytes) {
      drafts.push({
        kind: 'size_critical',
        severity: 'critical',
        subject: dbSubject,
        message: sizeCriticalMessage(database, current.databaseBytes, rules.sizeCriticalBytes),
        ...dbFigures,
      });
    }

    // Forecast: not there yet, but the current rate gets there within the window.
    if (rules.forecastEnabled && current.databaseBytes < rules.sizeCriticalBytes) {
      const g = this.deps.forecast(profileId, rules.sizeCriticalBytes, now);
      if (
        g.daysLeft !== null &&
        g.reachesAt !== null &&
        g.bytesPerDay !== null &&
        g.bytesPerDay > 0 &&
        g.daysLeft <= rules.forecastDays
      ) {
        drafts.push({
          kind: 'forecast_warning',
          severity: 'warning',
          subject: dbSubject,
          message: forecastMessage(database, {
            currentBytes: current.databaseBytes,
            bytesPerDay: g.bytesPerDay,
            daysLeft: g.daysLeft,
            reachesAt: new Date(g.reachesAt),
            criticalBytes: rules.sizeCriticalBytes,
            forecastDays: rules.forecastDays,
          }),
          ...dbFigures,
        });
      }
    }
    return drafts;
  }
}
