import './DemoOffer.css';
import { useDemo, useStores } from '../stores';

/** "Try with a demo server": a local PostgreSQL with a growing table, sampled every minute. */
export function DemoOffer() {
  const { demo } = useStores();
  const starting = useDemo((s) => s.starting);
  const error = useDemo((s) => s.error);
  const status = useDemo((s) => s.status);
  const where = status && !status.inDataFolder ? `in ${status.location}` : 'in the data folder';
  return (
    <div className="demo-offer" aria-live="polite">
      <p className="muted">No server at hand?</p>
      <button
        type="button"
        className="large"
        onClick={() => void demo.getState().start()}
        disabled={starting}
        aria-busy={starting}
        data-testid="demo-start"
      >
        {starting ? (
          <>
            <span className="spinner" aria-hidden="true" /> Starting the demo server…
          </>
        ) : (
          'Try with a demo server'
        )}
      </button>
      <p className="field-hint">
        {starting
          ? `Initialising a local PostgreSQL ${where} and filling a table. This takes a few seconds.`
          : `Starts a local PostgreSQL ${where} with a transactions table that keeps growing, sampled every minute. It stops when Tidemark quits; Settings can delete it.`}
      </p>
      {error ? (
        <p className="form-error" role="alert" data-testid="demo-error">
          {error.message}
        </p>
      ) : null}
    </div>
  );
}
