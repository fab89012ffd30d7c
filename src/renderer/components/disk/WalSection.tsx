import type { DiskFacts } from '../../../shared/disk-facts';
import { Bytes, RelTime } from '../Values';
import { FixSql } from './FixSql';

/** pg_wal and the WAL each replication slot keeps. */
export function WalSection({ facts }: { facts: DiskFacts }) {
  return (
    <section className="card disk-section" aria-labelledby="wal-title" data-testid="disk-wal">
      <h2 id="wal-title">WAL and replication slots</h2>
      <p>
        {facts.wal ? (
          <>
            pg_wal holds <Bytes value={facts.wal.bytes} /> in {facts.wal.files} files.
          </>
        ) : (
          'The size of pg_wal was not read (see the notes above).'
        )}
        {facts.inRecovery
          ? ' This server is a standby: slots are measured from the replayed position.'
          : null}
      </p>
      {facts.slots.length === 0 ? (
        <p className="muted">No replication slots.</p>
      ) : (
        <table className="data-table">
          <thead>
            <tr>
              <th>Slot</th>
              <th>Kind</th>
              <th>Active</th>
              <th>WAL status</th>
              <th>Retains</th>
              <th>Fix, if abandoned</th>
            </tr>
          </thead>
          <tbody>
            {facts.slots.map((s) => (
              <tr key={s.name}>
                <td className="mono">{s.name}</td>
                <td>
                  {s.kind}
                  {s.database ? ` (${s.database})` : ''}
                </td>
                <td>
                  {s.active ? (
                    'yes'
                  ) : s.inactiveSince ? (
                    <>
                      no, since <RelTime iso={s.inactiveSince} />
                    </>
                  ) : (
                    'no'
                  )}
                </td>
                <td>{s.walStatus ?? '—'}</td>
                <td>
                  <Bytes value={s.retainedBytes} />
                </td>
                <td>{s.active ? null : <FixSql sql={s.fixSql} />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
