import './AlertParts.css';
import type { Alert } from '../../shared/alerts';
import {
  alertCountText,
  alertKindHints,
  alertKindLabels,
  formatGrowthPct,
  isGrowthKind,
  severityLabels,
} from '../lib/alerts';
import { useNow } from '../lib/clock';
import { exactTime, formatClock, formatRelative } from '../lib/format';
import type { SeverityCounts } from '../stores/alerts';
import { Bytes, SignedBytes } from './Values';

/** "Warning" in amber, "Critical" in red; the word is always there, colour is only a help. */
export function SeverityBadge({ severity }: { severity: Alert['severity'] }) {
  return (
    <span className={`severity severity-${severity}`} data-severity={severity}>
      <span className="severity-icon" aria-hidden="true" />
      {severityLabels[severity]}
    </span>
  );
}

export function KindName({ kind }: { kind: Alert['kind'] }) {
  return (
    <span className="alert-kind" title={alertKindHints[kind]}>
      {alertKindLabels[kind]}
    </span>
  );
}

/** The subject: "database shop", "relation public.orders", "server db1:5432". */
export function Subject({ subject }: { subject: Alert['subject'] }) {
  return (
    <span className="alert-subject">
      {subject.type} <span className="mono">{subject.name}</span>
    </span>
  );
}

/**
 * The sizes behind an alert. A growth rule: "8.1 MiB → 9.7 MiB (+1.6 MiB) +19.8 %";
 * an absolute-size or forecast rule: the size now, as its growth is not what fired.
 */
export function AlertFigures({ alert }: { alert: Alert }) {
  const growth = isGrowthKind(alert.kind);
  const now = alert.currentBytes;
  const before = growth ? alert.previousBytes : null;
  const growthPct = growth ? alert.growthPct : null;
  if (now === null && growthPct === null) return null;
  return (
    <span className="alert-figures" data-testid="alert-figures">
      {now !== null && before !== null ? (
        <span className="alert-sizes">
          <span data-testid="alert-previous">
            <Bytes value={before} />
          </span>{' '}
          →{' '}
          <span data-testid="alert-current">
            <Bytes value={now} />
          </span>{' '}
          <span className="muted">
            (<SignedBytes value={now - before} />)
          </span>
        </span>
      ) : now !== null ? (
        <span className="alert-sizes">
          now{' '}
          <span data-testid="alert-current">
            <Bytes value={now} />
          </span>
        </span>
      ) : null}
      {growthPct !== null ? (
        <span className="alert-growth" data-testid="alert-growth" data-pct={growthPct}>
          {formatGrowthPct(growthPct)}
        </span>
      ) : null}
    </span>
  );
}

/** "10:42 (3 min ago)", the exact moment on hover. */
export function When({ iso }: { iso: string }) {
  const now = useNow();
  return (
    <time dateTime={iso} title={exactTime(iso)}>
      {formatClock(iso, now)} <span className="muted">({formatRelative(iso, now)})</span>
    </time>
  );
}

/** A count of active alerts, coloured by the worst of them (sidebar, header). */
export function AlertCountBadge({ counts, testId }: { counts: SeverityCounts; testId?: string }) {
  if (counts.total === 0) return null;
  const worst = counts.critical > 0 ? 'critical' : 'warning';
  const detail = [
    counts.critical ? `${counts.critical} critical` : null,
    counts.warning ? `${counts.warning} ${counts.warning === 1 ? 'warning' : 'warnings'}` : null,
  ]
    .filter(Boolean)
    .join(', ');
  return (
    <span
      className={`alert-count alert-count-${worst}`}
      title={`${alertCountText(counts.total)} active: ${detail}`}
      data-testid={testId}
      data-severity={worst}
    >
      <span aria-hidden="true">{counts.total}</span>
      <span className="visually-hidden">
        , {alertCountText(counts.total)} active ({detail})
      </span>
    </span>
  );
}
