import { type DiskFacts, WRAPAROUND_AGE, wraparoundPct } from '../../../shared/disk-facts';
import { relationKey } from '../../../shared/ident';
import { formatBytes, formatCount } from '../../lib/format';
import { FixSql } from './FixSql';
import { MeasuredAt } from './MeasuredAt';

const pct = (age: number) => `${wraparoundPct(age).toFixed(2)} %`;

/** Transaction-ID and multixact age per database and of the oldest tables, against wraparound. */
export function AgesSection({ facts, sampledAt }: { facts: DiskFacts; sampledAt: string }) {
  return (
    <section className="card disk-section" aria-labelledby="ages-title" data-testid="disk-ages">
      <h2 id="ages-title">Transaction-ID age</h2>
      <p className="muted">
        Wraparound at {formatCount(WRAPAROUND_AGE)}; autovacuum forces a freeze from{' '}
        {formatCount(facts.freezeMaxAge)} (multixacts from {formatCount(facts.multixactFreezeMaxAge)}).
      </p>
      <table className="data-table">
        <thead>
          <tr>
            <th>Database</th>
            <th>XID age</th>
            <th>Of wraparound</th>
            <th>Multixact age</th>
            <th>Of wraparound</th>
          </tr>
        </thead>
        <tbody>
          {facts.databases.map((d) => (
            <tr key={d.name}>
              <td className="mono">{d.name}</td>
              <td>{formatCount(d.xidAge)}</td>
              <td>{pct(d.xidAge)}</td>
              <td>{formatCount(d.mxidAge)}</td>
              <td>{pct(d.mxidAge)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Oldest tables of this database</h3>
      <MeasuredAt at={facts.measuredAt.oldestTables} sampledAt={sampledAt} />
      <table className="data-table">
        <thead>
          <tr>
            <th>Table</th>
            <th>XID age</th>
            <th>Multixact age</th>
            <th>Size at last vacuum</th>
            <th>Fix</th>
          </tr>
        </thead>
        <tbody>
          {facts.oldestTables.map((t) => (
            <tr key={relationKey(t.schema, t.name)}>
              <td className="mono">
                {t.schema}.{t.name}
              </td>
              <td>{formatCount(t.xidAge)}</td>
              <td>{formatCount(t.mxidAge)}</td>
              <td>{formatBytes(t.bytes)}</td>
              <td>
                <FixSql sql={t.fixSql} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
