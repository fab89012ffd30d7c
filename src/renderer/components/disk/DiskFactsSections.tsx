import { useEffect } from 'react';
import './disk.css';
import { formatStamp } from '../../lib/format';
import { useDiskFacts, useStores } from '../../stores';
import { LoadError } from '../Values';
import { AgesSection } from './AgesSection';
import { BloatSection } from './BloatSection';
import { IndexUsageSection } from './IndexUsageSection';
import { TablespacesSection } from './TablespacesSection';
import { TempFilesSection } from './TempFilesSection';
import { WalSection } from './WalSection';

/** "What else fills the disk" on the Storage page: one section per fact, from the latest sample. */
export function DiskFactsSections({ profileId }: { profileId: string }) {
  const { diskFacts } = useStores();
  const view = useDiskFacts((s) => s.view);
  const error = useDiskFacts((s) => s.error);
  useEffect(() => {
    diskFacts.getState().open(profileId);
  }, [diskFacts, profileId]);

  if (error && !view)
    return <LoadError message={error.message} onRetry={() => void diskFacts.getState().load()} />;
  if (!view) return null;
  const { facts } = view;
  return (
    <div className="disk-facts" data-testid="disk-facts">
      <h2 className="section-title">
        What else fills the disk{' '}
        <span className="muted">(read with the sample of {formatStamp(view.takenAt)})</span>
      </h2>
      {facts.gaps.length > 0 ? (
        <p className="muted">
          Some of these could not be read with this profile's rights: the notes at the top of the page say
          which, and which role grants them.
        </p>
      ) : null}
      <WalSection facts={facts} />
      <AgesSection facts={facts} sampledAt={view.takenAt} />
      <IndexUsageSection facts={facts} sampledAt={view.takenAt} />
      <BloatSection facts={facts} sampledAt={view.takenAt} />
      <TempFilesSection view={view} />
      <TablespacesSection facts={facts} sampledAt={view.takenAt} />
    </div>
  );
}
