import { type AlertRules, rateRequirementOf } from '../../shared/alerts';
import { displayName } from '../../shared/ident';
import type { Growth, RateRequirement } from '../../shared/storage';
import type { AlertDraft } from './alert-repository';
import {
  databaseGrowthMessage,
  forecastMessage,
  type GrowthFigures,
  relationGrowthMessage,
  sizeCriticalMessage,
} from './messages';
import type { SamplePairReader } from './sample-pair';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Growth in percent of the baseline; null from nothing (never "infinite"). */
export function growthPct(baseBytes: number, currentBytes: number): number | null {
  return baseBytes > 0 ? ((currentBytes - baseBytes) / baseBytes) * 100 : null;
}

/**
 * Which growth rules a baseline → now comparison breaks: the percentage one
 * (`pctThreshold`, null when off) and the bytes-a-day one. Both need both
 * sizes at or above the floor. Null when neither fires.
 */
export function growthBreaks(
  base: { bytes: number; at: number },
  current: { bytes: number; at: number },
  pctThreshold: number | null,
  rules: AlertRules,
): GrowthFigures | null {
  const spanMs = current.at - base.at;
  if (!(spanMs > 0)) return null;
  if (base.bytes < rules.growthFloorBytes || current.bytes < rules.growthFloorBytes) return null;
  const pct = growthPct(base.bytes, current.bytes);
  const bytesPerDay = ((current.bytes - base.bytes) / spanMs) * DAY_MS;
  const pctAbove = pctThreshold !== null && pct !== null && pct > pctThreshold ? pctThreshold : null;
  const perDayAbove =
    rules.growthPerDayEnabled && bytesPerDay > rules.growthPerDayBytes ? rules.growthPerDayBytes : null;
  if (pctAbove === null && perDayAbove === null) return null;
  return {
    previousBytes: base.bytes,
    currentBytes: current.bytes,
    spanMs,
    pct,
    bytesPerDay,
    pctAbove,
    perDayAbove,
  };
}

export interface StorageEvaluatorDeps {
  reader: SamplePairReader;
  /** The database's rate and forecast (none until the history meets the requirement). */
  forecast: (profileId: string, thresholdBytes: number, requirement: RateRequirement, now: Date) => Growth;
}

/**
 * The storage rules, after a sample is stored: which alerts its figures call
 * for. Growth rules compare the sample with the one a growth window earlier
 * (never consecutive samples scaled up); the forecast needs a fitted rate.
 * Raising (and not raising twice) is the service's business.
 */
export class StorageEvaluator {
  constructor(private readonly deps: StorageEvaluatorDeps) {}

  evaluate(profileId: string, sampleId: number, rules: AlertRules, now: Date): AlertDraft[] {
    const { reader } = this.deps;
    const current = reader.sample(profileId, sampleId);
    if (!current) return [];
    const found = reader.baseline(profileId, current, rules.growthWindowHours * HOUR_MS);
    // Another database behind the same profile (the profile was edited) is no basis for growth.
    const baseline = found && found.databaseName === current.databaseName ? found : null;
    const drafts: AlertDraft[] = [];
    const database = current.databaseName;
    const dbSubject = { type: 'database' as const, name: database, relationId: null };
    const dbFigures = {
      currentBytes: current.databaseBytes,
      previousBytes: baseline?.databaseBytes ?? null,
      growthPct: baseline ? growthPct(baseline.databaseBytes, current.databaseBytes) : null,
    };

    if (baseline && (rules.growthWarningEnabled || rules.growthPerDayEnabled)) {
      const f = growthBreaks(
        { bytes: baseline.databaseBytes, at: baseline.takenAt },
        { bytes: current.databaseBytes, at: current.takenAt },
        rules.growthWarningEnabled ? rules.growthWarningPct : null,
        rules,
      );
      if (f) {
        drafts.push({
          kind: 'growth_warning',
          severity: 'warning',
          subject: dbSubject,
          message: databaseGrowthMessage(database, f),
          ...dbFigures,
        });
      }
    }

    // Each top-level relation measured in both samples.
    if (baseline && (rules.relationGrowthEnabled || rules.growthPerDayEnabled)) {
      for (const r of reader.relationPairs(current, baseline)) {
        const f = growthBreaks(
          { bytes: r.previousBytes, at: baseline.takenAt },
          { bytes: r.currentBytes, at: current.takenAt },
          rules.relationGrowthEnabled ? rules.relationGrowthPct : null,
          rules,
        );
        if (!f) continue;
        // The subject's name is stored as it always was (schema.name); the message reads it as psql would.
        const name = `${r.schema}.${r.name}`;
        drafts.push({
          kind: 'relation_growth',
          severity: 'warning',
          subject: { type: 'relation', name, relationId: r.relationId },
          message: relationGrowthMessage(displayName(r.schema, r.name), r.kind, f),
          currentBytes: r.currentBytes,
          previousBytes: r.previousBytes,
          growthPct: f.pct,
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

    // Forecast: not there yet, but the fitted rate gets there within the window.
    if (rules.forecastEnabled && current.databaseBytes < rules.sizeCriticalBytes) {
      const g = this.deps.forecast(profileId, rules.sizeCriticalBytes, rateRequirementOf(rules), now);
      if (
        g.fit !== null &&
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
            fit: g.fit,
          }),
          ...dbFigures,
        });
      }
    }
    return drafts;
  }
}
