import type { RelationKind } from '../../shared/storage';
import { useNow } from '../lib/clock';
import {
  exactTime,
  formatBytes,
  formatExactBytes,
  formatRelative,
  formatSignedBytes,
  formatSignedExactBytes,
  formatSignedPct,
  relationKindLabels,
} from '../lib/format';

/** A size in human units, the exact bytes on hover. */
export function Bytes({ value, empty = '—' }: { value: number | null | undefined; empty?: string }) {
  if (value === null || value === undefined) return <span className="faint">{empty}</span>;
  return (
    <span title={formatExactBytes(value)} data-bytes={value}>
      {formatBytes(value)}
    </span>
  );
}

/** A change in size: "+1.2 MiB", signed, coloured by direction. */
export function SignedBytes({
  value,
  empty = '—',
  emptyTitle,
}: {
  value: number | null | undefined;
  empty?: string;
  emptyTitle?: string;
}) {
  if (value === null || value === undefined)
    return (
      <span className="faint" title={emptyTitle}>
        {empty}
      </span>
    );
  const dir = value > 0 ? 'up' : value < 0 ? 'down' : 'flat';
  return (
    <span className={`delta delta-${dir}`} title={formatSignedExactBytes(value)} data-bytes={value}>
      {formatSignedBytes(value)}
    </span>
  );
}

/** Change over a window, e.g. "+1.2 GiB (+3.4 %)". */
export function Change({
  change,
  window,
}: {
  change: { bytes: number; pct: number | null } | null;
  /** "24 h", "7 days": how much history the figure needs. */
  window: string;
}) {
  if (!change)
    return (
      <span className="faint" title={`Tidemark needs samples from ${window} ago to compare with.`}>
        not {window} of history yet
      </span>
    );
  return (
    <span className="change">
      <SignedBytes value={change.bytes} />
      {change.pct !== null ? <span className="change-pct">({formatSignedPct(change.pct)})</span> : null}
    </span>
  );
}

/** "3 min ago", with the exact time on hover. */
export function RelTime({ iso, empty = '—' }: { iso: string | null | undefined; empty?: string }) {
  const now = useNow();
  if (!iso) return <span className="faint">{empty}</span>;
  return (
    <time dateTime={iso} title={exactTime(iso)}>
      {formatRelative(iso, now)}
    </time>
  );
}

export function KindBadge({ kind }: { kind: RelationKind }) {
  return (
    <span className={`kind kind-${kind}`} data-kind={kind}>
      {relationKindLabels[kind]}
    </span>
  );
}

/** Something a request could not read: the message, and Retry. */
export function LoadError({
  message,
  onRetry,
  compact,
}: {
  message: string;
  onRetry?: () => void;
  compact?: boolean;
}) {
  return (
    <div className={`load-error${compact ? ' compact' : ''}`} role="alert">
      <p>{message}</p>
      {onRetry ? (
        <button type="button" className="small" onClick={onRetry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}
