import { displayName } from '../../shared/ident';
import './StoragePage.css';
import { useEffect, useMemo, useRef } from 'react';
import type { Profile } from '../../shared/profile';
import { type ChartRange, chartRanges, type Series, type StorageOverview } from '../../shared/storage';
import { AlertsBanner } from '../components/AlertsBanner';
import { DiskFactsSections } from '../components/disk/DiskFactsSections';
import { fitText, GrowthCard, Rate, TopGrowers } from '../components/GrowthPanels';
import { ProfileLayout } from '../components/ProfileLayout';
import { RangeButtons } from '../components/RangeButtons';
import { RelationsTable } from '../components/RelationsTable';
import { SchedulePanel } from '../components/SchedulePanel';
import { bytesKind, type ChartPoint, TimeChart } from '../components/TimeChart';
import { Bytes, Change, KindBadge, LoadError, RelTime } from '../components/Values';
import { chartRangeLabels, formatBytes, formatCount, formatElapsed, formatExactBytes } from '../lib/format';
import { useStorage, useStores } from '../stores';

const DAY_MS = 86_400_000;

const rangeLabels: Record<ChartRange, string> = chartRangeLabels;
const rangeText = (r: ChartRange) => (r === 'all' ? 'all history' : `last ${rangeLabels[r]}`);

const sizeKind = bytesKind(formatBytes, formatExactBytes);

function toPoints(series: Series | null): ChartPoint[] | null {
  return series ? series.points.map((p) => ({ t: p.t, v: p.bytes })) : null;
}

function SampleNowButton() {
  const { storage } = useStores();
  const sampling = useStorage((s) => s.sampling);
  return (
    <button
      type="button"
      className="primary"
      onClick={() => void storage.getState().sampleNow()}
      disabled={sampling}
      aria-busy={sampling}
      data-testid="sample-now"
    >
      {sampling ? (
        <>
          <span className="spinner on-accent" aria-hidden="true" /> Sampling…
        </>
      ) : (
        'Sample now'
      )}
    </button>
  );
}

/** What the last "Sample now" did. */
function SampleNotice() {
  const { storage } = useStores();
  const result = useStorage((s) => s.sampleResult);
  const error = useStorage((s) => s.sampleError);
  if (error) {
    return (
      <div className="banner banner-error" role="alert" data-testid="sample-error">
        <p>
          <strong>The sample failed.</strong> {error.message}
        </p>
        <button
          type="button"
          className="subtle small"
          onClick={() => storage.getState().dismissSampleResult()}
        >
          Dismiss
        </button>
      </div>
    );
  }
  if (!result) return null;
  return (
    <div
      className="banner banner-ok"
      role="status"
      data-testid="sample-result"
      data-relation-count={result.relationCount}
      data-shown-count={result.topLevelCount}
    >
      <p>
        Sampled {formatCount(result.relationCount)} {result.relationCount === 1 ? 'relation' : 'relations'}
        {result.topLevelCount === result.relationCount
          ? ''
          : `, shown as ${formatCount(result.topLevelCount)} with partitions and chunks rolled up,`}{' '}
        in {formatElapsed(result.durationMs)}.
      </p>
      <button type="button" className="subtle small" onClick={() => storage.getState().dismissSampleResult()}>
        Dismiss
      </button>
    </div>
  );
}

function Gaps({ gaps }: { gaps: string[] }) {
  if (gaps.length === 0) return null;
  return (
    <div className="banner banner-warning gaps" role="note" data-testid="sample-gaps">
      <div>
        <p>
          <strong>Not everything was measured in the latest sample.</strong> Those relations show “not
          measured this time”, never zero.
        </p>
        <ul>
          {gaps.map((g) => (
            <li key={g}>{g}</li>
          ))}
        </ul>
      </div>
    </div>
  );
}

function DatabaseList({ latest }: { latest: NonNullable<StorageOverview['latest']> }) {
  const sorted = [...latest.databases].sort((a, b) => b.bytes - a.bytes);
  const max = sorted[0]?.bytes ?? 1;
  return (
    <section className="db-list" aria-labelledby="dbs-title">
      <h3 id="dbs-title">Databases on this server</h3>
      <ul data-testid="database-list">
        {sorted.map((d) => (
          <li key={d.name} className={d.name === latest.databaseName ? 'current' : undefined}>
            <span className="db-name mono" title={d.name}>
              {d.name}
            </span>
            <span className="bar" aria-hidden="true">
              <span style={{ width: `${Math.max(1, (d.bytes / max) * 100)}%` }} />
            </span>
            <span className="num">
              <Bytes value={d.bytes} />
              {d.sizedAt ? (
                <span
                  className="muted db-sized-at"
                  title={`Sized ${d.sizedAt}; other databases are sized on their own cadence (Settings)`}
                >
                  {' '}
                  (sized <RelTime iso={d.sizedAt} />)
                </span>
              ) : null}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Summary({ overview }: { overview: StorageOverview }) {
  const latest = overview.latest;
  if (!latest) return null;
  return (
    <section className="card summary" aria-label="Database size" data-testid="storage-summary">
      <div className="summary-figures">
        <div className="figure main-figure">
          <span className="figure-label">
            Database <span className="mono">{latest.databaseName}</span>
          </span>
          <span className="figure-value" data-testid="database-size">
            <Bytes value={latest.databaseBytes} />
          </span>
          <span className="figure-note">
            sampled{' '}
            <span className="figure-when" data-testid="last-sampled">
              <RelTime iso={latest.takenAt} />
            </span>{' '}
            · took {formatElapsed(latest.durationMs)}
          </span>
        </div>
        <div className="figure">
          <span className="figure-label">Last 24 h</span>
          <span className="figure-change" data-testid="change-24h">
            <Change change={latest.change24h} window="24 h" windowMs={DAY_MS} />
          </span>
        </div>
        <div className="figure">
          <span className="figure-label">Last 7 days</span>
          <span className="figure-change" data-testid="change-7d">
            <Change change={latest.change7d} window="7 days" windowMs={7 * DAY_MS} />
          </span>
        </div>
      </div>
      <DatabaseList latest={latest} />
    </section>
  );
}

function DatabaseChart({ profile }: { profile: Profile }) {
  const { storage } = useStores();
  const range = useStorage((s) => s.dbRange);
  const series = useStorage((s) => s.dbSeries);
  const dbName = useStorage((s) => s.overview.data?.latest?.databaseName ?? profile.database);
  const points = useMemo(() => toPoints(series.data), [series.data]);
  return (
    <TimeChart
      title="Database total"
      subtitle={<span className="mono">{dbName}</span>}
      points={points}
      from={series.data?.from ?? Date.now() - 86_400_000}
      to={series.data?.to ?? Date.now()}
      kind={sizeKind}
      loading={series.loading}
      error={series.error}
      onRetry={() => void storage.getState().refresh()}
      emptyText="No samples in this range yet."
      fileBase={`${profile.name}-${dbName}-${range}`}
      pngSource={`Server ${profile.name} · database ${dbName} · ${rangeText(range)}`}
      testId="db-chart"
      loadCsv={() => storage.getState().readingsCsv('db')}
      toolbar={
        <RangeButtons
          ranges={chartRanges}
          value={range}
          onChange={(r) => void storage.getState().setDbRange(r)}
          label="Range of the database chart"
          labels={rangeLabels}
        />
      }
    />
  );
}

function RelationChart({ profile }: { profile: Profile }) {
  const { storage } = useStores();
  const selected = useStorage((s) => s.selected);
  const range = useStorage((s) => s.relationRange);
  const series = useStorage((s) => s.relationSeries);
  const growth = useStorage((s) => s.relationGrowth.data);
  const points = useMemo(() => toPoints(series.data), [series.data]);
  const ref = useRef<HTMLDivElement>(null);

  // When a relation is picked far down the table, bring its chart into view.
  useEffect(() => {
    if (!selected || !ref.current) return;
    const box = ref.current.getBoundingClientRect();
    if (box.bottom < 0 || box.top > window.innerHeight) {
      ref.current.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    }
  }, [selected]);

  const name = selected ? displayName(selected.schema, selected.name) : null;
  const dbName = useStorage((s) => s.overview.data?.latest?.databaseName ?? profile.database);
  return (
    <div ref={ref} className="chart-slot">
      <TimeChart
        title={name ? name : 'Relation'}
        subtitle={
          selected ? (
            <>
              <KindBadge kind={selected.kind} />
              {growth?.bytesPerDay !== null && growth?.bytesPerDay !== undefined ? (
                <span className="muted" data-testid="relation-rate">
                  {' '}
                  <Rate bytesPerDay={growth.bytesPerDay} />{' '}
                  <span className="small-text">{fitText(growth)}</span>
                </span>
              ) : growth ? (
                <span className="muted small-text" data-testid="relation-no-rate">
                  {' '}
                  {fitText(growth)}
                </span>
              ) : null}
            </>
          ) : (
            <span className="muted">Select a relation in the table to chart it.</span>
          )
        }
        points={selected ? points : null}
        from={series.data?.from ?? Date.now() - 86_400_000}
        to={series.data?.to ?? Date.now()}
        kind={sizeKind}
        loading={series.loading}
        error={series.error}
        onRetry={() => void storage.getState().refresh()}
        emptyText={selected ? 'No samples of this relation in this range.' : 'No relation selected.'}
        fileBase={`${profile.name}-${name ?? 'relation'}-${range}`}
        pngSource={`Server ${profile.name} · database ${dbName} · ${rangeText(range)}`}
        testId="relation-chart"
        loadCsv={() => storage.getState().readingsCsv('relation')}
        toolbar={
          <RangeButtons
            ranges={chartRanges}
            value={range}
            onChange={(r) => void storage.getState().setRelationRange(r)}
            label="Range of the relation chart"
            labels={rangeLabels}
          />
        }
      />
    </div>
  );
}

function NoSampleYet({ profile }: { profile: Profile }) {
  return (
    <section className="card empty-card" data-testid="no-sample">
      <h2>No storage sample yet</h2>
      <p className="muted">
        Tidemark samples {profile.name} on the schedule below, or now with <strong>Sample now</strong>.
        Everything it measures is kept on this computer, so the history stays readable when the server is not.
      </p>
    </section>
  );
}

function StorageBody({ profile }: { profile: Profile }) {
  const { storage } = useStores();
  const overview = useStorage((s) => s.overview);
  const data = overview.data;

  // Main could not even read the stored history: one message, not one per panel.
  if (overview.error && !data) {
    return (
      <div className="storage-body">
        <SampleNotice />
        <LoadError message={overview.error.message} onRetry={() => void storage.getState().refresh()} />
        <div className="grid-3">
          <SchedulePanel profileId={profile.id} />
        </div>
      </div>
    );
  }

  return (
    <div className="storage-body" aria-busy={overview.loading}>
      <SampleNotice />
      {overview.error && data ? (
        <div className="banner banner-warning" role="status">
          <p>Could not refresh: {overview.error.message} Showing what was read before.</p>
        </div>
      ) : null}
      {data?.latest ? <Gaps gaps={data.latest.gaps} /> : null}
      {data && !data.latest ? <NoSampleYet profile={profile} /> : null}
      {data?.latest ? <Summary overview={data} /> : null}
      {!data && overview.loading ? <p className="loading">Loading…</p> : null}

      <div className="grid-2">
        <DatabaseChart profile={profile} />
        <RelationChart profile={profile} />
      </div>

      <div className="grid-3">
        <GrowthCard />
        <TopGrowers />
        <SchedulePanel profileId={profile.id} />
      </div>

      {data?.latest ? <RelationsTable /> : null}
      {data?.latest ? <DiskFactsSections profileId={profile.id} /> : null}
    </div>
  );
}

export function StoragePage({ id }: { id: string }) {
  const { storage } = useStores();
  useEffect(() => {
    storage.getState().open(id);
  }, [storage, id]);
  return (
    <ProfileLayout profileId={id} tab="storage" actions={<SampleNowButton />}>
      {(profile) => (
        <>
          <AlertsBanner profileId={profile.id} />
          <StorageBody profile={profile} />
        </>
      )}
    </ProfileLayout>
  );
}
