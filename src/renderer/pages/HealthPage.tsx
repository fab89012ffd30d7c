import './HealthPage.css';
import { useEffect, useMemo } from 'react';
import { formatSpan } from '../../shared/span';
import {
  type HealthDetail,
  type HealthRange,
  type HealthSummary,
  healthRanges,
  type UptimeFigure,
} from '../../shared/storage';
import { ProfileLayout } from '../components/ProfileLayout';
import { RangeButtons } from '../components/RangeButtons';
import { ServerDownNotice } from '../components/ServerDownNotice';
import { StatusDot } from '../components/StatusDot';
import { type ChartPoint, msKind, TimeChart } from '../components/TimeChart';
import { LoadError, RelTime, SpanNote } from '../components/Values';
import { useNow } from '../lib/clock';
import {
  exactTime,
  formatClock,
  formatCount,
  formatDuration,
  formatMs,
  formatStamp,
  formatUptime,
} from '../lib/format';
import { hrefOf } from '../lib/router';
import { useHealth, useProfiles, useStores } from '../stores';

const latencyKind = msKind(formatMs);
const rangeLabels: Record<HealthRange, string> = { '24h': '24 h', '7d': '7 d', '30d': '30 d' };
const stateLabels = { up: 'Up', down: 'Down', unknown: 'Not checked yet' } as const;

const DAY_MS = 86_400_000;

/**
 * Uptime over a window, computed over the span really observed: "99.9 %",
 * or "100 % over 1 min" for a server added a minute ago.
 */
export function Uptime({ figure, windowMs }: { figure: UptimeFigure; windowMs: number }) {
  if (figure === null)
    return (
      <span className="faint" title="No heartbeats in this window.">
        —
      </span>
    );
  const { pct, spanMs, beats } = figure;
  const tone = pct >= 99.9 ? 'ok' : pct >= 99 ? 'warn' : 'bad';
  const beatsText = `${formatCount(beats)} heartbeat${beats === 1 ? '' : 's'}`;
  return (
    <span
      className={`uptime uptime-${tone}`}
      title={`${pct.toFixed(3)} % of ${beatsText} answered, over ${formatSpan(spanMs)}`}
      data-testid="uptime"
    >
      {formatUptime(pct)}
      {beats === 1 ? (
        <span className="span-note"> of 1 heartbeat</span>
      ) : (
        <SpanNote spanMs={spanMs} windowMs={windowMs} />
      )}
    </span>
  );
}

function StateNow({ summary }: { summary: HealthSummary }) {
  const now = useNow();
  const { status } = summary;
  return (
    <div className={`state-now state-${status.state}`} data-testid="health-state" data-state={status.state}>
      <StatusDot state={status.state} detail={status.message ?? undefined} />
      <div>
        <strong>{stateLabels[status.state]}</strong>
        {status.since ? (
          <span className="muted">
            {' '}
            since{' '}
            <time dateTime={status.since} title={exactTime(status.since)}>
              {formatClock(status.since, now)}
            </time>{' '}
            ({formatDuration(now - Date.parse(status.since))})
          </span>
        ) : null}
        {status.state === 'down' && status.message ? <p className="state-message">{status.message}</p> : null}
        <p className="muted small-text">
          Last heartbeat <RelTime iso={status.lastCheckAt} empty="none yet" />
          {summary.latencyMs !== null ? ` · ${formatMs(summary.latencyMs)}` : ''}
        </p>
      </div>
    </div>
  );
}

function Outages({ detail }: { detail: HealthDetail }) {
  const now = useNow();
  const outages = [...detail.outages].sort((a, b) => Date.parse(b.start) - Date.parse(a.start));
  return (
    <section className="card outages" aria-labelledby="outages-title" data-testid="outages">
      <h2 id="outages-title">Outages</h2>
      {outages.length === 0 ? (
        <p className="muted">No outage in this window: every heartbeat was answered.</p>
      ) : (
        <table className="data-table compact">
          <thead>
            <tr>
              <th>Stopped answering</th>
              <th>Answered again</th>
              <th className="num">Duration</th>
            </tr>
          </thead>
          <tbody>
            {outages.map((o) => (
              <tr key={o.start} data-testid="outage-row" data-ongoing={o.end === null}>
                <td>
                  <time dateTime={o.start} title={exactTime(o.start)}>
                    {formatStamp(o.start, true)}
                  </time>
                </td>
                <td>
                  {o.end ? (
                    <time dateTime={o.end} title={exactTime(o.end)}>
                      {formatStamp(o.end, true)}
                    </time>
                  ) : (
                    <span className="badge badge-failed">ongoing</span>
                  )}
                </td>
                <td className="num">
                  {formatDuration(o.end ? o.durationMs : Math.max(o.durationMs, now - Date.parse(o.start)))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function HealthBody({ profileName }: { profileName: string }) {
  const { health } = useStores();
  const range = useHealth((s) => s.range);
  const detail = useHealth((s) => s.detail);
  const d = detail.data;
  const points = useMemo<ChartPoint[] | null>(
    () => (d ? d.latency.map((p) => ({ t: p.t, v: p.ms })) : null),
    [d],
  );
  const span = range === '24h' ? 86_400_000 : range === '7d' ? 7 * 86_400_000 : 30 * 86_400_000;
  // The window main answered for ends when it answered: now, give or take a request.
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-read the clock when a new answer arrives
  const to = useMemo(() => Date.now(), [d]);
  const from = to - span;

  return (
    <div className="health-body">
      {detail.error && !d ? (
        <LoadError message={detail.error.message} onRetry={() => void health.getState().loadDetail()} />
      ) : null}
      {d ? (
        <section className="card health-summary" aria-label="Availability">
          <StateNow summary={d} />
          <dl className="uptimes" data-testid="uptimes">
            <div>
              <dt>Uptime 24 h</dt>
              <dd>
                <Uptime figure={d.uptime.h24} windowMs={DAY_MS} />
              </dd>
            </div>
            <div>
              <dt>7 days</dt>
              <dd>
                <Uptime figure={d.uptime.d7} windowMs={7 * DAY_MS} />
              </dd>
            </div>
            <div>
              <dt>30 days</dt>
              <dd>
                <Uptime figure={d.uptime.d30} windowMs={30 * DAY_MS} />
              </dd>
            </div>
          </dl>
        </section>
      ) : detail.loading ? (
        <p className="loading">Loading…</p>
      ) : null}
      <div className="grid-2 health-grid">
        <TimeChart
          title="Heartbeat latency"
          subtitle={<span className="muted">Gaps are heartbeats the server did not answer.</span>}
          points={points}
          from={from}
          to={to}
          kind={latencyKind}
          loading={detail.loading}
          error={detail.error}
          onRetry={() => void health.getState().loadDetail()}
          emptyText="No heartbeat answered in this range."
          fileBase={`${profileName}-latency-${range}`}
          pngSource={`Server ${profileName} · heartbeats · last ${rangeLabels[range]}`}
          testId="latency-chart"
          toolbar={
            <RangeButtons
              ranges={healthRanges}
              value={range}
              onChange={(r) => void health.getState().setRange(r)}
              label="Range"
              labels={rangeLabels}
            />
          }
        />
        {d ? <Outages detail={d} /> : null}
      </div>
    </div>
  );
}

export function HealthPage({ id }: { id: string }) {
  const { health } = useStores();
  useEffect(() => {
    health.getState().open(id);
  }, [health, id]);
  return (
    <ProfileLayout profileId={id} tab="health">
      {(profile) => (
        <>
          <ServerDownNotice profileId={profile.id} />
          <HealthBody profileName={profile.name} />
        </>
      )}
    </ProfileLayout>
  );
}

/** Every profile at a glance: who answers, since when, how fast, and how reliably. */
export function HealthOverviewPage() {
  const { health } = useStores();
  const overview = useHealth((s) => s.overview);
  const profiles = useProfiles((s) => s.profiles);
  const live = useProfiles((s) => s.status);
  const now = useNow();
  useEffect(() => {
    void health.getState().loadOverview();
  }, [health]);

  const rows = useMemo(() => {
    const list = overview.data ?? [];
    const order = { down: 0, unknown: 1, up: 2 } as const;
    return [...list].sort(
      (a, b) => order[a.status.state] - order[b.status.state] || a.name.localeCompare(b.name),
    );
  }, [overview.data]);

  return (
    <section aria-labelledby="page-title" className="health-overview">
      <header className="page-head">
        <div>
          <h1 id="page-title" tabIndex={-1}>
            Health
          </h1>
          <p className="muted">Heartbeats of every server: which ones answer, since when, and how fast.</p>
        </div>
      </header>
      {overview.error && !overview.data ? (
        <LoadError message={overview.error.message} onRetry={() => void health.getState().loadOverview()} />
      ) : null}
      {!overview.data && overview.loading ? <p className="loading">Loading…</p> : null}
      {overview.data && profiles.length === 0 ? (
        <p className="muted">No servers yet.</p>
      ) : overview.data ? (
        <div className="card table-card">
          <div className="table-scroll">
            <table className="data-table" data-testid="health-table">
              <thead>
                <tr>
                  <th>Server</th>
                  <th>State</th>
                  <th>Since</th>
                  <th className="num">Latency</th>
                  <th className="num">Uptime 24 h</th>
                  <th className="num">7 d</th>
                  <th className="num">30 d</th>
                  <th>Last heartbeat</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((h) => {
                  const l = live[h.profileId];
                  const fresher = l && Date.parse(l.at) > Date.parse(h.status.lastCheckAt ?? '');
                  const state = fresher && l.state !== 'unknown' ? l.state : h.status.state;
                  const latency = fresher ? (l.latencyMs ?? null) : h.latencyMs;
                  return (
                    <tr key={h.profileId} data-testid="health-row" data-state={state}>
                      <td className="name">
                        <a href={hrefOf(`/profiles/${encodeURIComponent(h.profileId)}/health`)}>{h.name}</a>
                      </td>
                      <td>
                        <span className="state-cell">
                          <StatusDot state={state} detail={h.status.message ?? undefined} />
                          {stateLabels[state]}
                        </span>
                      </td>
                      <td>
                        {h.status.since ? (
                          <time dateTime={h.status.since} title={exactTime(h.status.since)}>
                            {formatClock(h.status.since, now)}{' '}
                            <span className="muted">
                              ({formatDuration(now - Date.parse(h.status.since))})
                            </span>
                          </time>
                        ) : (
                          <span className="faint">—</span>
                        )}
                      </td>
                      <td className="num">
                        {latency === null || state === 'down' ? (
                          <span className="faint">—</span>
                        ) : (
                          formatMs(latency)
                        )}
                      </td>
                      <td className="num">
                        <Uptime figure={h.uptime.h24} windowMs={DAY_MS} />
                      </td>
                      <td className="num">
                        <Uptime figure={h.uptime.d7} windowMs={7 * DAY_MS} />
                      </td>
                      <td className="num">
                        <Uptime figure={h.uptime.d30} windowMs={30 * DAY_MS} />
                      </td>
                      <td>
                        <RelTime iso={fresher ? l.at : h.status.lastCheckAt} empty="none yet" />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </div>
      ) : null}
    </section>
  );
}
