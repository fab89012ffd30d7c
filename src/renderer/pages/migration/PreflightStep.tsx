import './PreflightStep.css';
import { type PreflightItem, preflightCategories } from '../../../shared/migration';
import { CheckIcon, CheckMark, ErrorNote, SqlBlock } from '../../components/MigrationParts';
import { RelTime } from '../../components/Values';
import { categoryLabels, plainFix, serverVersionLabel, targetLabels } from '../../lib/migration';
import { useMigrationWizard, useStores } from '../../stores';
import { Decisions } from './Decisions';

/**
 * Step 2: every check, what blocks the plan, and the DBA's decisions; a
 * changed decision is checked again by itself (the store waits for the typing
 * to settle).
 */

function countBy(items: PreflightItem[]) {
  return {
    pass: items.filter((i) => i.status === 'pass').length,
    warning: items.filter((i) => i.status === 'warning').length,
    blocking: items.filter((i) => i.status === 'blocking').length,
  };
}

function PreflightItemView({ item }: { item: PreflightItem }) {
  return (
    <li
      className={`pf-item pf-${item.status}`}
      data-testid="preflight-item"
      data-id={item.id}
      data-status={item.status}
    >
      <div className="pf-status">
        <CheckMark status={item.status} />
      </div>
      <div className="pf-text">
        <h4>{item.title}</h4>
        <p>{item.reason}</p>
        {item.fix ? (
          <p className="pf-fix">
            <strong>{item.status === 'pass' ? 'Note:' : 'What to do:'}</strong> {plainFix(item.fix)}
          </p>
        ) : null}
        {item.sql ? <SqlBlock sql={item.sql} what={`SQL for ${item.title}`} /> : null}
        {item.objects.length > 0 ? (
          <ul className="pf-objects">
            {item.objects.map((o) => (
              <li key={o} className="mono">
                {o}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </li>
  );
}

export function PreflightStep() {
  const { migrationWizard: wizard } = useStores();
  const report = useMigrationWizard((s) => s.report);
  const form = useMigrationWizard((s) => s.form);
  const stale = useMigrationWizard((s) => s.reportStale);
  const data = report.data;
  const counts = data ? countBy(data.items) : null;
  const blocking = data?.items.filter((i) => i.status === 'blocking') ?? [];

  const next = async () => {
    if (stale) await wizard.getState().runPreflight();
    const s = wizard.getState();
    if (s.report.data && !s.report.data.blocked && !s.reportStale && !s.report.error) s.goStep('settings');
  };

  return (
    <div className="wizard-body" aria-busy={report.loading}>
      <section className="card" aria-labelledby="pf-title" data-testid="preflight">
        <div className="card-head">
          <h2 id="pf-title">Pre-flight report</h2>
          <div className="head-actions">
            {data ? (
              <span className="muted small-text">
                checked <RelTime iso={data.checkedAt} />
              </span>
            ) : null}
            <button
              type="button"
              className="small"
              onClick={() => void wizard.getState().runPreflight()}
              disabled={report.loading}
              data-testid="check-again"
            >
              {report.loading ? (
                <>
                  <span className="spinner small-spinner" aria-hidden="true" /> Checking…
                </>
              ) : (
                'Check again'
              )}
            </button>
          </div>
        </div>
        {report.error ? (
          <ErrorNote error={report.error} title="The pre-flight could not run." testId="preflight-error" />
        ) : null}
        {!data && report.loading ? (
          <p className="loading">Checking the table, the server and what depends on it…</p>
        ) : null}
        {data && counts ? (
          <>
            <p className="pf-summary" data-testid="preflight-summary">
              <CheckMark status="pass" label={`${counts.pass} passed`} />
              <CheckMark
                status="warning"
                label={`${counts.warning} warning${counts.warning === 1 ? '' : 's'}`}
              />
              <CheckMark status="blocking" label={`${counts.blocking} blocking`} />
              <span className="muted">
                {' '}
                {targetLabels[data.target]} on{' '}
                <span title={data.server.version}>{serverVersionLabel(data.server.versionNum)}</span>, time
                column <span className="mono">{data.timeColumn}</span>
              </span>
            </p>
            {stale ? (
              <div className="banner banner-warning" role="status" data-testid="preflight-stale">
                <p>
                  {report.loading ? <span className="spinner small-spinner" aria-hidden="true" /> : null} Your
                  decisions changed: the report below is checked again with them…
                </p>
              </div>
            ) : null}
            {blocking.length > 0 ? (
              <div className="banner banner-error blocking-list" role="alert" data-testid="preflight-blocked">
                <CheckIcon status="blocking" />
                <div>
                  <p>
                    <strong>
                      {blocking.length} item{blocking.length > 1 ? 's' : ''} must be resolved before the plan
                      can be made:
                    </strong>
                  </p>
                  <ul>
                    {blocking.map((i) => (
                      <li key={i.id}>
                        <strong>{i.title}</strong>
                        {i.fix ? <> — {plainFix(i.fix)}</> : null}
                      </li>
                    ))}
                  </ul>
                </div>
              </div>
            ) : null}
          </>
        ) : null}
      </section>

      {data && form ? <Decisions report={data} form={form} /> : null}

      {data ? (
        <section className="card pf-checks" aria-labelledby="pf-checks-title" data-testid="preflight-checks">
          <h2 id="pf-checks-title">Every check</h2>
          {preflightCategories.map((cat) => {
            const items = data.items.filter((i) => i.category === cat);
            if (items.length === 0) return null;
            return (
              <section key={cat} className="pf-group" aria-labelledby={`pf-${cat}`} data-category={cat}>
                <h3 id={`pf-${cat}`}>{categoryLabels[cat]}</h3>
                <ul className="pf-list">
                  {items.map((i) => (
                    <PreflightItemView key={i.id} item={i} />
                  ))}
                </ul>
              </section>
            );
          })}
        </section>
      ) : null}

      <div className="wizard-actions">
        <button type="button" onClick={() => wizard.getState().goStep('choose')}>
          Back
        </button>
        <span className="mig-spacer" />
        {data?.blocked && !stale ? (
          <span className="muted small-text" data-testid="blocked-hint">
            Resolve the blocking items first.
          </span>
        ) : null}
        <button
          type="button"
          className="primary"
          disabled={!data || report.loading || (data.blocked && !stale)}
          onClick={() => void next()}
          data-testid="to-settings"
        >
          {stale ? 'Check again and continue' : 'Next: settings'}
        </button>
      </div>
    </div>
  );
}
