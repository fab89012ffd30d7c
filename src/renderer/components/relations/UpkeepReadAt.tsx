import { formatStamp } from '../../lib/format';
import { useStorage } from '../../stores';

/**
 * When the dead tuples and vacuum/analyze times in the table were read: they have their own, slower
 * cadence, so the latest sample may carry them from an earlier one.
 */
export function UpkeepReadAt() {
  const latest = useStorage((s) => s.overview.data?.latest ?? null);
  if (!latest) return null;
  const carried = latest.upkeepReadAt !== latest.takenAt;
  return (
    <p className="muted" data-testid="upkeep-read-at">
      Dead tuples and vacuum/analyze times read at {formatStamp(latest.upkeepReadAt)}
      {carried
        ? ', with an earlier sample: they are read on their own, slower cadence (Settings); “Sample now” reads them.'
        : ', with this sample.'}
    </p>
  );
}
