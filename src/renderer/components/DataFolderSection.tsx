import { useEffect } from 'react';
import { formatBytes } from '../../shared/bytes';
import { useSettings, useStores } from '../stores';

/** Settings: where the data folder is and what takes its room, each part said with its size. */
export function DataFolderSection() {
  const { settings } = useStores();
  const folder = useSettings((s) => s.dataFolder);

  useEffect(() => {
    void settings.getState().loadDataFolder();
  }, [settings]);

  if (!folder) return null;
  const history = folder.databaseBytes + folder.walBytes + folder.shmBytes;
  return (
    <section className="form-section" aria-labelledby="data-folder-title" data-testid="data-folder">
      <h2 id="data-folder-title">Data folder</h2>
      <p>
        <span className="mono" data-testid="data-folder-path">
          {folder.path}
        </span>{' '}
        (readable by its owner only).
      </p>
      <dl className="facts">
        <div className="fact">
          <dt>History file</dt>
          <dd data-testid="data-folder-history">
            {formatBytes(history)}: {formatBytes(folder.databaseBytes)} tidemark.db,{' '}
            {formatBytes(folder.walBytes)} write-ahead log, {formatBytes(folder.shmBytes)} shared index
          </dd>
        </div>
        <div className="fact">
          <dt>Logs</dt>
          <dd>{formatBytes(folder.logBytes)}</dd>
        </div>
        <div className="fact">
          <dt>Demo server</dt>
          <dd data-testid="data-folder-demo">
            {folder.demo ? (
              <>
                {formatBytes(folder.demo.bytes)} in <span className="mono">{folder.demo.path}</span>
                {folder.demo.inDataFolder ? '' : ' (outside the data folder: PostgreSQL cannot run as root)'}
              </>
            ) : (
              'none set up'
            )}
          </dd>
        </div>
      </dl>
    </section>
  );
}
