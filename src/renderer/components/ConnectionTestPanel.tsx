import './ConnectionTestPanel.css';
import type { ReactNode } from 'react';
import type { ConnectionReport, ConnectionTestResult } from '../../shared/profile';
import type { AppErrorData } from '../../shared/result';
import { failureTitles, formatMs, formatTime, postgresVersionLabel } from '../lib/format';
import { TrustHostKey } from './SshTunnelSection';

function timescaleText(t: ConnectionReport['timescaledb']): string {
  if (t.installedVersion) return `installed ${t.installedVersion}`;
  if (t.availableVersion) return `available ${t.availableVersion}, not installed in this database`;
  return 'not available';
}

function sslText(ssl: ConnectionReport['ssl']): string {
  if (!ssl.inUse) return 'not encrypted';
  const parts = [ssl.version, ssl.cipher].filter(Boolean);
  return parts.length ? `encrypted (${parts.join(', ')})` : 'encrypted';
}

function Fact({
  label,
  testId,
  children,
  hint,
}: {
  label: string;
  testId: string;
  children: ReactNode;
  hint?: ReactNode;
}) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd>
        <span data-testid={testId}>{children}</span>
        {hint ? <span className="fact-hint">{hint}</span> : null}
      </dd>
    </div>
  );
}

function Report({ report, running }: { report: ConnectionReport; running: boolean }) {
  const monitorHint =
    !report.hasPgMonitor && !report.isSuperuser ? (
      <>
        Some statistics stay hidden without it. A superuser can run{' '}
        <code className="mono">GRANT pg_monitor TO {report.user};</code>
      </>
    ) : undefined;
  return (
    <section
      className="test-panel test-ok"
      data-testid="test-result"
      data-state="ok"
      aria-labelledby="test-title"
    >
      <header className="test-head">
        <span className="badge badge-ok">Connected</span>
        <h3 id="test-title" data-testid="test-server-version">
          {postgresVersionLabel(report.serverVersion)}
        </h3>
        {running ? <span className="muted">testing again…</span> : null}
      </header>
      <dl className="facts">
        <Fact label="Database" testId="test-database">
          {report.database}
        </Fact>
        <Fact label="User" testId="test-user">
          {report.user}
        </Fact>
        <Fact label="pg_monitor" testId="test-pg-monitor" hint={monitorHint}>
          {report.hasPgMonitor ? 'yes' : 'no'}
        </Fact>
        <Fact label="Superuser" testId="test-superuser">
          {report.isSuperuser ? 'yes' : 'no'}
        </Fact>
        <Fact label="Role" testId="test-standby">
          {report.inRecovery ? 'standby (in recovery)' : 'primary'}
        </Fact>
        <Fact label="TimescaleDB" testId="test-timescaledb">
          {timescaleText(report.timescaledb)}
        </Fact>
        <Fact label="SSL" testId="test-ssl">
          {sslText(report.ssl)}
        </Fact>
        <Fact label="Latency" testId="test-latency">
          {formatMs(report.latencyMs)}
        </Fact>
        {report.tunnel ? (
          <Fact label="SSH tunnel" testId="test-tunnel">
            {report.tunnel.state} via {report.tunnel.hops.join(' → ')}
          </Fact>
        ) : null}
      </dl>
      <p className="test-when">Tested {formatTime(report.testedAt)}</p>
    </section>
  );
}

function Failure({
  result,
  running,
  onTrustHostKey,
}: {
  result: Extract<ConnectionTestResult, { ok: false }>;
  running: boolean;
  onTrustHostKey?: (fingerprint: string) => void;
}) {
  return (
    <section
      className="test-panel test-failed"
      data-testid="test-result"
      data-state="failed"
      aria-labelledby="test-title"
    >
      <header className="test-head">
        <span className="badge badge-failed">Failed</span>
        <h3 id="test-title" data-testid="test-failure-reason" data-reason={result.reason}>
          {failureTitles[result.reason]}
        </h3>
        {running ? <span className="muted">testing again…</span> : null}
      </header>
      <p className="test-message" data-testid="test-failure-message">
        {result.message}
      </p>
      {result.hostKey ? (
        <TrustHostKey
          hostKey={result.hostKey}
          onTrust={result.reason === 'ssh_host_key_unknown' ? onTrustHostKey : undefined}
        />
      ) : null}
      {result.detail ? (
        <details className="test-detail">
          <summary>What the server or driver said</summary>
          <pre>{result.detail}</pre>
        </details>
      ) : null}
      <p className="test-when">Gave up after {formatMs(result.elapsedMs)}</p>
    </section>
  );
}

/** The outcome of "Test connection", for a saved profile or a draft. */
export function ConnectionTestPanel({
  result,
  running,
  error,
  onTrustHostKey,
}: {
  result: ConnectionTestResult | null;
  running: boolean;
  error?: AppErrorData | null;
  /** Test again trusting a new SSH host key (first use). */
  onTrustHostKey?: (fingerprint: string) => void;
}) {
  let body: ReactNode = null;
  if (error) {
    body = (
      <section className="test-panel test-failed" data-testid="test-result" data-state="error">
        <header className="test-head">
          <span className="badge badge-failed">Not tested</span>
          <h3>The test could not run</h3>
        </header>
        <p className="test-message" data-testid="test-failure-message">
          {error.message}
        </p>
      </section>
    );
  } else if (result?.ok) {
    body = <Report report={result.report} running={running} />;
  } else if (result) {
    body = <Failure result={result} running={running} onTrustHostKey={onTrustHostKey} />;
  } else if (running) {
    body = (
      <p className="test-panel test-running" data-testid="test-running">
        <span className="spinner" aria-hidden="true" /> Connecting…
      </p>
    );
  }
  return (
    <div className="test-region" aria-live="polite" aria-busy={running}>
      {body}
    </div>
  );
}
