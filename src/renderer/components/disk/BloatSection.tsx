import type { DiskFacts } from '../../../shared/disk-facts';
import { relationKey } from '../../../shared/ident';
import { formatBytes } from '../../lib/format';
import { ExactBloatCell } from './ExactBloatCell';
import { FixSql } from './FixSql';
import { MeasuredAt } from './MeasuredAt';

/** Estimated bloat of tables and B-tree indexes, from planner statistics. */
export function BloatSection({ facts, sampledAt }: { facts: DiskFacts; sampledAt: string }) {
  return (
    <section className="card disk-section" aria-labelledby="bloat-title" data-testid="disk-bloat">
      <h2 id="bloat-title">Estimated bloat</h2>
      <MeasuredAt at={facts.measuredAt.bloat} sampledAt={sampledAt} />
      <p className="muted">
        An estimate from planner statistics (column widths and row counts as of the last ANALYZE), not a
        measurement; tables and B-tree indexes of 1 MiB or more. "Measure" reads one relation now with the
        pgstattuple extension, where it is installed.
      </p>
      {facts.bloat.length === 0 ? (
        <p className="muted">None estimated.</p>
      ) : (
        <table className="data-table">
          <thead>
            <tr>
              <th>Kind</th>
              <th>Relation</th>
              <th>Size</th>
              <th>Est. bloat</th>
              <th>Share</th>
              <th>Exact (pgstattuple)</th>
              <th>Fix</th>
            </tr>
          </thead>
          <tbody>
            {facts.bloat.map((b) => (
              <tr key={`${b.kind} ${relationKey(b.schema, b.name)}`}>
                <td>{b.kind}</td>
                <td className="mono">
                  {b.schema}.{b.name}
                  {b.table ? ` on ${b.table}` : ''}
                </td>
                <td>{formatBytes(b.bytes)}</td>
                <td>≈ {formatBytes(b.bloatBytes)}</td>
                <td>≈ {b.bloatPct.toFixed(1)} %</td>
                <td>
                  <ExactBloatCell schema={b.schema} name={b.name} />
                </td>
                <td>
                  <FixSql sql={b.fixSql} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
