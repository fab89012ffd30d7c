import type { Blocker, SwapAttempt } from '../../../shared/migration';
import { CheckMark, CopyButton } from '../../components/MigrationParts';
import { exactTime, formatStamp } from '../../lib/format';
import { formatWait } from '../../lib/migration';
import { blockerStatements, groupAttempts, transactionAge } from '../../lib/swap-attempts';

/**
 * The swap's tries, as cards: tries in a row that met the same sessions the
 * same way are one card with a count. Each blocking session comes with the
 * statements that would free the table, for the DBA to run (Tidemark never does).
 */

export type AttemptView = { attempt: SwapAttempt; maxAttempts: number | null; nextRetryInMs: number | null };

function BlockerRow({ b, at }: { b: Blocker; at: string }) {
  const sql = blockerStatements(b.pid);
  const age = b.xactStart ? transactionAge(b.xactStart, at) : null;
  return (
    <tr data-testid="blocker" data-pid={b.pid}>
      <td className="num mono">{b.pid}</td>
      <td>{b.user ?? <span className="faint">—</span>}</td>
      <td>{b.application || <span className="faint">—</span>}</td>
      <td>{b.state ?? <span className="faint">—</span>}</td>
      <td>
        {b.lockMode} <span className="muted">({b.granted ? 'held' : 'waiting'})</span>
      </td>
      <td className="when" data-testid="xact-since">
        {b.xactStart ? (
          <time dateTime={b.xactStart} title={exactTime(b.xactStart)}>
            {formatStamp(b.xactStart, true)}
            {age ? <span className="muted"> ({age} open at this try)</span> : null}
          </time>
        ) : (
          <span className="faint">—</span>
        )}
      </td>
      <td className="mono mig-query" title={b.query ?? undefined}>
        {b.query ?? <span className="faint">—</span>}
      </td>
      <td className="blocker-sql" data-testid="blocker-sql">
        <code title={sql.cancel}>{sql.cancel}</code>
        <CopyButton text={sql.cancel} what={`the statement that cancels the query of pid ${b.pid}`} />
        <code title={sql.terminate}>{sql.terminate}</code>
        <CopyButton text={sql.terminate} what={`the statement that ends the session of pid ${b.pid}`} />
      </td>
    </tr>
  );
}

function Blockers({ attempt: a }: { attempt: SwapAttempt }) {
  return (
    <div className="table-scroll">
      <table className="data-table compact blockers" data-testid="blockers">
        <caption className="visually-hidden">Sessions that blocked attempt {a.attempt}</caption>
        <thead>
          <tr>
            <th scope="col" className="num">
              pid
            </th>
            <th scope="col">User</th>
            <th scope="col">Application</th>
            <th scope="col">State</th>
            <th scope="col">Lock</th>
            <th scope="col">Transaction since</th>
            <th scope="col">Query</th>
            <th scope="col">To free the table (you run it)</th>
          </tr>
        </thead>
        <tbody>
          {a.blockers.map((b) => (
            <BlockerRow key={`${b.pid}-${b.lockMode}`} b={b} at={a.at} />
          ))}
        </tbody>
      </table>
      <p className="muted small-text">
        Tidemark never cancels or ends a session: copy a statement and run it yourself if the session can be
        interrupted. Cancelling stops its current query; terminating ends the connection and rolls back its
        transaction.
      </p>
    </div>
  );
}

export function Attempts({ attempts }: { attempts: AttemptView[] }) {
  if (attempts.length === 0) return null;
  return (
    <ol className="mig-attempts" data-testid="swap-attempts">
      {groupAttempts(attempts).map(({ first, last, count }) => {
        const a = last.attempt;
        const { maxAttempts, nextRetryInMs } = last;
        const numbers = count > 1 ? `Attempts ${first.attempt.attempt}–${a.attempt}` : `Attempt ${a.attempt}`;
        return (
          <li
            key={`${first.attempt.attempt}-${first.attempt.at}`}
            className={`mig-attempt mig-attempt-${a.outcome}`}
            data-testid="swap-attempt"
            data-outcome={a.outcome}
            data-count={count}
          >
            <p className="attempt-head">
              <CheckMark
                status={a.outcome === 'swapped' ? 'pass' : a.outcome === 'lock_timeout' ? 'warning' : 'fail'}
                label={
                  a.outcome === 'swapped'
                    ? 'Swapped'
                    : a.outcome === 'lock_timeout'
                      ? 'Lock not granted'
                      : 'Failed'
                }
              />
              <strong>
                {numbers}
                {maxAttempts ? ` of ${maxAttempts}` : ''}
              </strong>
              {count > 1 ? (
                <span className="attempt-count" data-testid="attempt-count">
                  {count} alike
                </span>
              ) : null}
              <time className="muted" dateTime={a.at} title={exactTime(a.at)}>
                {count > 1 ? `${formatStamp(first.attempt.at, true)} – ` : ''}
                {formatStamp(a.at, true)}
              </time>
            </p>
            <p>{a.message}</p>
            {nextRetryInMs !== null && a.outcome !== 'swapped' && !/again/i.test(a.message) ? (
              <p className="muted small-text">Next attempt in {formatWait(nextRetryInMs)}.</p>
            ) : null}
            {a.blockers.length > 0 ? <Blockers attempt={a} /> : null}
          </li>
        );
      })}
    </ol>
  );
}
