import { useApp, useStores } from '../stores';

/** Things the DBA must know about this start (from app:info) and the state of the link to main. */
export function Banners() {
  const { app } = useStores();
  const info = useApp((s) => s.info);
  const infoError = useApp((s) => s.infoError);
  const dismissed = useApp((s) => s.dismissedNotices);
  const connection = useApp((s) => s.connection);

  const notices = (info?.notices ?? [])
    .map((n, i) => ({ ...n, index: i }))
    .filter((n) => !dismissed.includes(n.index));

  return (
    <div className="banners">
      {connection === 'reconnecting' ? (
        <div className="banner banner-warning" role="status" data-testid="connection-banner">
          <p>
            Lost the connection to Tidemark. Reconnecting… Anything you were doing will need to be tried
            again.
          </p>
        </div>
      ) : null}
      {connection === 'unreachable' ? (
        <div className="banner banner-error" role="alert" data-testid="connection-banner">
          <p>
            Tidemark is not reachable. Check that it is still running. If you restarted it, open the new
            address it printed: each start has a new access token. Still trying to reconnect…
          </p>
        </div>
      ) : null}
      {infoError ? (
        <div className="banner banner-error" role="alert">
          <p>{infoError}</p>
        </div>
      ) : null}
      {notices.map((n) => (
        <div
          key={n.index}
          className={`banner banner-${n.level}`}
          role={n.level === 'info' ? 'status' : 'alert'}
          data-testid="notice"
        >
          <p>{n.message}</p>
          <button
            type="button"
            className="subtle small"
            onClick={() => app.getState().dismissNotice(n.index)}
          >
            Dismiss
          </button>
        </div>
      ))}
    </div>
  );
}
