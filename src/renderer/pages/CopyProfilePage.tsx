import { useEffect, useState } from 'react';
import { useProfiles, useStores } from '../stores';
import { NotFoundPage } from './NotFoundPage';
import { FormBody } from './ProfileFormPage';

/** Duplicate: the Add server form filled from a profile, named "… (copy)"; nothing is saved until Save. */
export function CopyProfilePage({ id }: { id: string }) {
  const { profileForm } = useStores();
  const loaded = useProfiles((s) => s.loaded);
  const profile = useProfiles((s) => s.profiles.find((p) => p.id === id));
  const [readyFor, setReadyFor] = useState<string | null>(null);
  useEffect(() => {
    // Once per source profile: later profile events must not wipe what the DBA typed.
    if (!profile || readyFor === profile.id) return;
    profileForm.getState().startCopy(profile);
    setReadyFor(profile.id);
  }, [profile, profileForm, readyFor]);
  if (!loaded) return <p className="loading">Loading…</p>;
  if (!profile)
    return <NotFoundPage message="This server profile does not exist (it may have been deleted)." />;
  if (readyFor !== id) return null;
  return <FormBody title={`Add a copy of “${profile.name}”`} />;
}
