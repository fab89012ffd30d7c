import { formatStamp } from '../../lib/format';

/**
 * For a slow fact (bloat, index findings, tablespaces) carried from an earlier
 * sample: when it was really measured. Nothing when read with this sample.
 */
export function MeasuredAt({ at, sampledAt }: { at: string | null; sampledAt: string }) {
  if (at === sampledAt) return null;
  return (
    <p className="muted" data-testid="measured-at">
      {at === null
        ? 'Not read with this sample (see the notes).'
        : `Measured with an earlier sample, at ${formatStamp(at)}: read on their own, slower cadence (Settings).`}
    </p>
  );
}
