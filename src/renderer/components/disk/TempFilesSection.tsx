import type { DiskFactsView } from '../../../shared/disk-facts';
import { formatBytes, formatCount } from '../../lib/format';

/** Temporary files written per database between the last two samples. */
export function TempFilesSection({ view }: { view: DiskFactsView }) {
  return (
    <section className="card disk-section" aria-labelledby="temp-title" data-testid="disk-temp">
      <h2 id="temp-title">Temporary files</h2>
      {view.tempNote ? <p className="muted">{view.tempNote}</p> : null}
      {view.tempRates.length === 0 ? null : (
        <table className="data-table">
          <thead>
            <tr>
              <th>Database</th>
              <th>Written</th>
              <th>Files</th>
              <th>A day at that rate</th>
            </tr>
          </thead>
          <tbody>
            {view.tempRates.map((t) => (
              <tr key={t.database}>
                <td className="mono">{t.database}</td>
                <td>{formatBytes(t.bytes)}</td>
                <td>{formatCount(t.files)}</td>
                <td>
                  {t.bytesPerDay === null ? <span className="faint">—</span> : formatBytes(t.bytesPerDay)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
