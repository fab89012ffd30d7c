import { displayName, relationKey } from '../../../shared/ident';
import { formatBytes, formatStamp } from '../../lib/format';
import { useDiskFacts, useStores } from '../../stores';

/**
 * One relation's exact bloat, measured on demand with pgstattuple (it reads
 * the relation, so only when the DBA asks), naming the function that gave it.
 */
export function ExactBloatCell({ schema, name }: { schema: string; name: string }) {
  const { diskFacts } = useStores();
  const state = useDiskFacts((s) => s.exact[relationKey(schema, name)]);
  const r = state?.data;
  return (
    <div className="exact-bloat" data-testid="exact-bloat">
      {r ? (
        <span title={`Measured at ${formatStamp(r.measuredAt)} in ${r.durationMs} ms`}>
          {formatBytes(r.bloatBytes)} ({r.bloatPct.toFixed(1)} %) by {r.function}()
          {r.scannedPct !== null ? `, ${r.scannedPct.toFixed(0)} % of pages read` : ''}
        </span>
      ) : null}
      {state?.error ? (
        <span className="form-error" role="alert">
          {state.error.message}
        </span>
      ) : null}
      <button
        type="button"
        className="small"
        disabled={state?.loading}
        onClick={() => void diskFacts.getState().measureExact(schema, name)}
        aria-label={`Measure the bloat of ${displayName(schema, name)} with pgstattuple`}
      >
        {state?.loading ? 'Measuring…' : r ? 'Measure again' : 'Measure'}
      </button>
    </div>
  );
}
