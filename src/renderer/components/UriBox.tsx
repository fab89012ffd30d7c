import { useProfileForm, useStores } from '../stores';

/** The profile form's "Paste a connection URI" box: fills the fields, saves nothing. */
export function UriBox({ onPassword }: { onPassword: (password: string) => void }) {
  const { profileForm } = useStores();
  const uri = useProfileForm((s) => s.uri);
  const error = useProfileForm((s) => s.uriError);
  const parsing = useProfileForm((s) => s.parsingUri);
  return (
    <form
      className="uri-box"
      onSubmit={async (e) => {
        e.preventDefault();
        const found = await profileForm.getState().applyUri();
        if (found?.password) onPassword(found.password);
      }}
    >
      <label htmlFor="pf-uri">Paste a connection URI</label>
      <div className="input-row">
        <input
          id="pf-uri"
          type="text"
          autoComplete="off"
          spellCheck={false}
          placeholder="e.g. postgresql://monitor@db1.example.com:5432/orders?sslmode=require"
          value={uri}
          onChange={(e) => profileForm.getState().setUri(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'pf-uri-hint pf-uri-error' : 'pf-uri-hint'}
        />
        <button type="submit" disabled={parsing || !uri.trim()}>
          {parsing ? 'Reading…' : 'Fill in'}
        </button>
      </div>
      <p className="field-hint" id="pf-uri-hint">
        Fills in the fields below; nothing is saved until you press Save.
      </p>
      {error ? (
        <p className="field-error" id="pf-uri-error" data-testid="error-uri">
          {error}
        </p>
      ) : null}
    </form>
  );
}
