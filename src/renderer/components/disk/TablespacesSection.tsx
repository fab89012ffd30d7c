import type { DiskFacts } from '../../../shared/disk-facts';
import { formatCount } from '../../lib/format';
import { Bytes } from '../Values';
import { MeasuredAt } from './MeasuredAt';

/** Tablespaces, their size, and what lives in each. */
export function TablespacesSection({ facts, sampledAt }: { facts: DiskFacts; sampledAt: string }) {
  return (
    <section className="card disk-section" aria-labelledby="tablespaces-title" data-testid="disk-tablespaces">
      <h2 id="tablespaces-title">Tablespaces</h2>
      <MeasuredAt at={facts.measuredAt.tablespaces} sampledAt={sampledAt} />
      <table className="data-table">
        <thead>
          <tr>
            <th>Tablespace</th>
            <th>Location</th>
            <th>Size</th>
            <th>Default of</th>
            <th>Relations of this database</th>
          </tr>
        </thead>
        <tbody>
          {facts.tablespaces.map((t) => (
            <tr key={t.name}>
              <td className="mono">{t.name}</td>
              <td className="mono">{t.location || '(data directory)'}</td>
              <td>
                <Bytes value={t.bytes} empty="no rights to size it" />
              </td>
              <td className="mono">{t.databases.join(', ')}</td>
              <td>{formatCount(t.relations)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
