import { compareRisk, type FleetOverview, type FleetRow, riskReason } from '../../shared/fleet';
import type { AlertService } from '../alerts/alert-service';
import type { DiskFactsSummary } from '../history/disk-facts-repository';
import type { History } from '../history/history';

/** What the fleet shows of a server's disk facts. */
interface DiskFactsCells {
  walRetainedBytes: number | null;
  xidAgePct: number | null;
  /** Why a figure is missing, in words (shown as the title of its "—"). */
  note: string | null;
}

/** WAL retained by replication slots and the oldest transaction-ID age, from the latest sample that read them. */
function diskFactsCells(facts: DiskFactsSummary | undefined): DiskFactsCells {
  if (!facts) {
    return {
      walRetainedBytes: null,
      xidAgePct: null,
      note: 'Not read yet: the next storage sample reads the WAL kept by slots and transaction-ID age.',
    };
  }
  const missing = [
    facts.walRetainedBytes === null ? 'no replication slot keeps WAL' : null,
    facts.oldestXidAgePct === null ? 'transaction-ID age could not be read' : null,
  ].filter(Boolean);
  return {
    walRetainedBytes: facts.walRetainedBytes,
    xidAgePct: facts.oldestXidAgePct,
    note:
      missing.length > 0
        ? `As of the sample at ${facts.takenAt.toISOString()}: ${missing.join('; ')}.`
        : null,
  };
}

export interface FleetDeps {
  history: Pick<History, 'fleet' | 'latestDiskFactsSummaries'>;
  alerts: Pick<AlertService, 'counts' | 'rules'>;
  now: () => Date;
}

/**
 * The fleet overview (start page, `tidemark fleet`): one row per server,
 * built in main in one call from one query per table (the disk facts too), worst first by
 * compareRisk (shared/fleet.ts).
 */
export class FleetService {
  constructor(private readonly deps: FleetDeps) {}

  overview(): FleetOverview {
    const now = this.deps.now();
    const rules = this.deps.alerts.rules.all();
    const counts = this.deps.alerts.counts().byProfile;
    const diskFacts = this.deps.history.latestDiskFactsSummaries();
    const rows: FleetRow[] = this.deps.history.fleet(now, rules.of).map((facts) => {
      const disk = diskFactsCells(diskFacts.get(facts.profileId));
      const alerts = counts[facts.profileId] ?? { critical: 0, warning: 0 };
      const row = {
        ...facts,
        alerts: { critical: alerts.critical, warning: alerts.warning },
        walRetainedBytes: disk.walRetainedBytes,
        xidAgePct: disk.xidAgePct,
        diskFactsNote: disk.note,
        riskRank: 0,
        riskReason: null,
      };
      return { ...row, riskReason: riskReason(row) };
    });
    rows.sort(compareRisk);
    rows.forEach((row, i) => {
      row.riskRank = i + 1;
    });
    return { at: now.toISOString(), rows };
  }
}
