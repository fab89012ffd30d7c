import type { Alert } from '../../shared/alerts';
import { DEFAULT_ROWS_COUNTED_UP_TO, type UpkeepReport } from '../../shared/partition-upkeep';
import type { AlertDraft } from './alert-repository';
import { partitionUpkeepMessage } from './messages';

/**
 * Fewer partitions ahead than this (or than the migration keeps, if fewer)
 * raises the alert. Upkeep runs after each storage sample, daily by default:
 * with one partition left ahead, one more round that cannot make partitions
 * (a lock not had in time, a name taken, lost rights) and new rows land in the
 * DEFAULT partition. Two ahead is the last point at which the DBA still has a
 * whole interval to act.
 */
export const MIN_PARTITIONS_AHEAD = 2;

/** What one round of partition upkeep says about the partition_upkeep alert. */
export interface UpkeepVerdict {
  drafts: AlertDraft[];
  /** Whether this round could tell about an active alert it raised no draft for (its table was maintained). */
  speaksFor(alert: Alert): boolean;
}

/**
 * A table needs the DBA when rows sit in its DEFAULT partition (no partition
 * takes them) or too few partitions are left ahead. A round for every table of
 * the profile (`complete`) also speaks for tables it no longer maintains
 * (rolled back): their alert clears.
 */
export function checkUpkeep(reports: UpkeepReport[], complete: boolean, profileName: string): UpkeepVerdict {
  const drafts = reports.flatMap((report) => {
    const message = needsTheDba(report, profileName);
    if (message === null) return [];
    const draft: AlertDraft = {
      kind: 'partition_upkeep',
      severity: 'warning',
      subject: { type: 'relation', name: report.table, relationId: null },
      message,
      currentBytes: null,
      previousBytes: null,
      growthPct: null,
    };
    return [draft];
  });
  const maintained = new Set(reports.map((r) => r.table));
  return {
    drafts,
    speaksFor: (alert) =>
      alert.kind === 'partition_upkeep' && (complete || maintained.has(alert.subject.name)),
  };
}

function needsTheDba(report: UpkeepReport, profileName: string): string | null {
  if (report.skipped !== null) return null;
  const threshold = Math.min(report.wantedAhead, MIN_PARTITIONS_AHEAD);
  const fewAhead = report.ahead !== null && report.ahead < threshold ? report.ahead : null;
  const inDefault = report.defaultPartition !== null && report.defaultRows > 0 ? report.defaultRows : null;
  if (fewAhead === null && inDefault === null) return null;
  return partitionUpkeepMessage({
    profileName,
    table: report.table,
    timeColumn: report.timeColumn,
    defaultPartition: report.defaultPartition,
    defaultRows: inDefault,
    defaultRowsCapped: inDefault !== null && inDefault >= DEFAULT_ROWS_COUNTED_UP_TO,
    ahead: fewAhead,
    wantedAhead: report.wantedAhead,
  });
}
