import { type DiskFacts, scanCountingText } from '../../../shared/disk-facts';
import { relationKey } from '../../../shared/ident';
import { formatStamp } from '../../lib/format';
import { Bytes } from '../Values';
import { FixSql } from './FixSql';
import { MeasuredAt } from './MeasuredAt';

const kindLabels = { unused: 'never scanned', duplicate: 'duplicate', prefix: 'prefix of another' } as const;

/** Indexes never scanned since the statistics reset, duplicate and redundant ones. */
export function IndexUsageSection({ facts, sampledAt }: { facts: DiskFacts; sampledAt: string }) {
  const counting = scanCountingText(facts.statsReset, facts.measuredAt.indexes ?? sampledAt, (iso) =>
    formatStamp(iso),
  );
  return (
    <section className="card disk-section" aria-labelledby="index-usage-title" data-testid="disk-indexes">
      <h2 id="index-usage-title">Index usage</h2>
      <MeasuredAt at={facts.measuredAt.indexes} sampledAt={sampledAt} />
      <p className="muted">
        {counting} Indexes behind a primary key, unique or exclusion constraint, and unique indexes, are never
        named.
      </p>
      {facts.indexes.length === 0 ? (
        <p className="muted">No findings.</p>
      ) : (
        <table className="data-table">
          <thead>
            <tr>
              <th>Finding</th>
              <th>Index</th>
              <th>Table</th>
              <th>Size</th>
              <th>Covered by</th>
              <th>Fix</th>
            </tr>
          </thead>
          <tbody>
            {facts.indexes.map((i) => (
              <tr key={`${i.kind} ${relationKey(i.schema, i.name)}`}>
                <td>{kindLabels[i.kind]}</td>
                <td className="mono" title={i.definition}>
                  {i.schema}.{i.name}
                </td>
                <td className="mono">{i.table}</td>
                <td>
                  <Bytes value={i.bytes} empty="locked, not sized" />
                </td>
                <td className="mono">{i.coveredBy ?? ''}</td>
                <td>
                  <FixSql sql={i.fixSql} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
