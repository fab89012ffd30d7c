import './Values.css';
import { formatSpan, matchesWindow } from '../../shared/span';
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

/**
 * " over 19 s" after a figure named for a window ("7-day growth") it is not
 * really computed over; nothing when its span matches the window.
 */
export function SpanNote({ spanMs, windowMs }: { spanMs: number | null; windowMs: number }) {
  if (spanMs === null || matchesWindow(spanMs, windowMs)) return null;
  return (
    <span className="span-note" data-testid="span-note" title="All the history there is so far.">
      {' '}
      over {formatSpan(spanMs)}
    </span>
  );
}

/** A growth over a window: "+3.3 MiB", or "+3.3 MiB over 19 s" while history is shorter. */
export function GrowthOver({
  bytes,
  spanMs,
  windowMs,
  emptyTitle,
}: {
  bytes: number | null;
  spanMs: number | null;
  windowMs: number;
  emptyTitle?: string;
}) {
  return (
    <>
      <SignedBytes value={bytes} {...(emptyTitle ? { emptyTitle } : {})} />
      {bytes !== null ? <SpanNote spanMs={spanMs} windowMs={windowMs} /> : null}
    </>
  );
}

/** Change over a window, e.g. "+1.2 GiB (+3.4 %)", with its real span when that differs. */
export function Change({
  change,
  window,
  windowMs,
}: {
  change: { bytes: number; pct: number | null; spanMs: number } | null;
  /** "24 h", "7 days": how much history the figure needs. */
  window: string;
  windowMs: number;
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
      <SpanNote spanMs={change.spanMs} windowMs={windowMs} />
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
