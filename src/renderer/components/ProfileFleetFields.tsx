import { useProfileForm, useStores } from '../stores';

/**
 * The profile form's fleet fields: tags to filter and fold the start page by,
 * and the size of the server's data volume for a "disk full around" date.
 */
export function ProfileFleetFields() {
  const { profileForm } = useStores();
  const tags = useProfileForm((s) => s.draft.tags);
  const diskSize = useProfileForm((s) => s.draft.diskSize);
  const tagError = useProfileForm(
    (s) =>
      Object.entries(s.fieldErrors).find(([field]) => field === 'tags' || field.startsWith('tags.'))?.[1],
  );
  const diskError = useProfileForm((s) => s.fieldErrors.diskBytes);
  return (
    <fieldset className="form-section">
      <legend>Fleet</legend>
      <div className="field-row">
        <div className="field grow">
          <label htmlFor="pf-tags">Tags</label>
          <input
            id="pf-tags"
            name="tags"
            type="text"
            autoComplete="off"
            spellCheck={false}
            placeholder="e.g. prod, team-billing"
            value={tags}
            onChange={(e) => profileForm.getState().setField('tags', e.target.value)}
            aria-invalid={tagError ? true : undefined}
            aria-describedby={tagError ? 'pf-tags-error' : 'pf-tags-hint'}
          />
          <p className="field-hint" id="pf-tags-hint">
            Separated by commas or spaces. The start page filters and groups servers by them.
          </p>
          {tagError ? (
            <p className="field-error" id="pf-tags-error" data-testid="error-tags">
              {tagError}
            </p>
          ) : null}
        </div>
        <div className="field">
          <label htmlFor="pf-diskBytes">Disk size</label>
          <input
            id="pf-diskBytes"
            name="diskSize"
            type="text"
            autoComplete="off"
            spellCheck={false}
            placeholder="e.g. 500 GiB"
            value={diskSize}
            onChange={(e) => profileForm.getState().setField('diskSize', e.target.value)}
            aria-invalid={diskError ? true : undefined}
            aria-describedby={diskError ? 'pf-diskBytes-error' : 'pf-diskBytes-hint'}
          />
          <p className="field-hint" id="pf-diskBytes-hint">
            The volume the data directory is on (KiB, MiB, GiB, TiB; 1 GiB = 1024 MiB). PostgreSQL cannot tell
            free space by itself; with it, forecasts say when the disk is full.
          </p>
          {diskError ? (
            <p className="field-error" id="pf-diskBytes-error" data-testid="error-diskBytes">
              {diskError}
            </p>
          ) : null}
        </div>
      </div>
    </fieldset>
  );
}
