import './GrowthPanels.css';
import { useMemo, useState } from 'react';
import { formatSpan } from '../../shared/span';
import { type Grower, type GrowerRange, type Growth, growerRanges } from '../../shared/storage';
import { useNow } from '../lib/clock';
import { diskFullText } from '../lib/disk-full';
import {
  chartRangeLabels,
  exactTime,
  formatBytes,
  formatDate,
  formatSignedBytes,
  formatSignedExactBytes,
  formatSignedPct,
  formatThreshold,
} from '../lib/format';
import { useProfiles, useStorage, useStores } from '../stores';
import { RangeButtons } from './RangeButtons';
import { Bytes, GrowthOver, KindBadge, LoadError } from './Values';

/** "+1.2 GiB/day", exact bytes/day on hover. */
export function Rate({ bytesPerDay }: { bytesPerDay: number }) {
  return (
    <span title={`${formatSignedExactBytes(Math.round(bytesPerDay))} per day`} className="rate">
      {formatSignedBytes(Math.round(bytesPerDay))}/day
    </span>
  );
}

const DAY_MS = 86_400_000;

/** "Not enough history yet (…)": main's words, as a sentence. */
const sentence = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;

/** What the rate was fitted over: "Theil–Sen fit over 8 h, 27 samples.", or why there is none. */
export function fitText(g: Growth): string {
  if (!g.fit) return sentence(g.noRate ?? 'no rate yet');
  return `Theil–Sen fit over ${formatSpan(g.fit.spanMs)}, ${g.fit.samples} samples.`;
}

/** The forecast in one sentence. */
export function forecastText(g: Growth, now: number): { text: string; tone: 'ok' | 'warn' | 'muted' } {
  const threshold = formatThreshold(g.thresholdBytes);
  if (g.currentBytes !== null && g.currentBytes >= g.thresholdBytes)
    return { text: `Already above ${threshold} (now ${formatBytes(g.currentBytes)}).`, tone: 'warn' };
  if (g.bytesPerDay === null) return { text: 'No forecast without a rate.', tone: 'muted' };
  if (g.bytesPerDay <= 0) return { text: 'Not growing.', tone: 'ok' };
  if (!g.reachesAt) return { text: `Not expected to reach ${threshold} at this rate.`, tone: 'ok' };
  const days = g.daysLeft ?? (Date.parse(g.reachesAt) - now) / 86_400_000;
  const inText =
    days < 1 ? 'within a day' : `in ~${Math.round(days)} ${Math.round(days) === 1 ? 'day' : 'days'}`;
  return {
    text: `Reaches ${threshold} ${inText}, on ${formatDate(g.reachesAt)}.`,
    tone: days < 30 ? 'warn' : 'muted',
  };
}

/** Growth rate of the database and when it reaches the threshold; the threshold is editable. */
export function GrowthCard() {
  const { storage } = useStores();
  const growth = useStorage((s) => s.growth);
  const thresholdText = useStorage((s) => s.thresholdText);
  const thresholdError = useStorage((s) => s.thresholdError);
  const now = useNow();
  const g = growth.data;
  const forecast = g ? forecastText(g, now) : null;
  const profileId = useStorage((s) => s.profileId);
  const latest = useStorage((s) => s.overview.data?.latest ?? null);
  const diskBytes = useProfiles((s) => s.profiles.find((p) => p.id === profileId)?.diskBytes ?? null);
  const disk = g ? diskFullText(g, latest, diskBytes, now) : null;

  return (
    <section className="card growth" aria-labelledby="growth-title" data-testid="growth-card">
      <h2 id="growth-title">Growth &amp; forecast</h2>
      {growth.error && !g ? (
        <LoadError
          message={growth.error.message}
          onRetry={() => void storage.getState().applyThreshold()}
          compact
        />
      ) : null}
      {g ? (
        <>
          <p className="big-rate" data-testid="growth-rate">
            {g.bytesPerDay === null ? <span className="faint">—</span> : <Rate bytesPerDay={g.bytesPerDay} />}
          </p>
          <p className="muted small-text" data-testid="growth-fit">
            Database total. {fitText(g)}
          </p>
          <p className={`forecast tone-${forecast!.tone}`} data-testid="forecast" aria-live="polite">
            {g.reachesAt ? <span title={exactTime(g.reachesAt)}>{forecast!.text}</span> : forecast!.text}
          </p>
          {disk ? (
            <p className={`forecast tone-${disk.tone}`} data-testid="disk-full-forecast">
              {disk.text}
            </p>
          ) : null}
        </>
      ) : growth.loading ? (
        <p className="muted">Loading…</p>
      ) : null}
      <form
        className="threshold-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void storage.getState().applyThreshold();
        }}
      >
        <label htmlFor="threshold">Threshold</label>
        <div className="input-unit">
          <input
            id="threshold"
            type="text"
            inputMode="decimal"
            autoComplete="off"
            value={thresholdText}
            onChange={(e) => storage.getState().setThresholdText(e.target.value)}
            onBlur={() => void storage.getState().applyThreshold()}
            aria-invalid={thresholdError ? true : undefined}
            aria-describedby={thresholdError ? 'threshold-error' : undefined}
          />
          <span aria-hidden="true">GiB</span>
        </div>
        <button type="submit" className="small">
          Apply
        </button>
        {thresholdError ? (
          <p className="field-error" id="threshold-error">
            {thresholdError}
          </p>
        ) : null}
      </form>
    </section>
  );
}

const growerRangeMs: Record<GrowerRange, number> = {
  '24h': DAY_MS,
  '7d': 7 * DAY_MS,
  '30d': 30 * DAY_MS,
  '90d': 90 * DAY_MS,
};

/** The relations that grew most over a window, by bytes or by percent. */
export function TopGrowers() {
  const { storage } = useStores();
  const range = useStorage((s) => s.growersRange);
  const growers = useStorage((s) => s.growers);
  const selectedId = useStorage((s) => s.selected?.relationId ?? null);
  const [by, setBy] = useState<'bytes' | 'pct'>('bytes');
  const rows = useMemo(() => {
    const list = [...(growers.data ?? [])];
    if (by === 'pct') list.sort((a, b) => (b.growthPct ?? -Infinity) - (a.growthPct ?? -Infinity));
    return list;
  }, [growers.data, by]);

  const select = (g: Grower) =>
    storage.getState().select({ relationId: g.relationId, schema: g.schema, name: g.name, kind: g.kind });

  return (
    <section className="card growers" aria-labelledby="growers-title" data-testid="top-growers">
      <div className="card-head">
        <h2 id="growers-title">Top growers</h2>
        <RangeButtons
          ranges={growerRanges}
          value={range}
          onChange={(r: GrowerRange) => void storage.getState().setGrowersRange(r)}
          label="Window for top growers"
          labels={chartRangeLabels}
        />
      </div>
      <div className="card-subhead">
        <RangeButtons
          ranges={['bytes', 'pct'] as const}
          value={by}
          onChange={setBy}
          label="Rank by"
          labels={{ bytes: 'by size', pct: 'by %' }}
        />
      </div>
      {growers.error && !growers.data ? (
        <LoadError
          message={growers.error.message}
          onRetry={() => void storage.getState().refresh()}
          compact
        />
      ) : growers.data && rows.length === 0 ? (
        <p className="muted">No relation grew over this window (growth needs two samples in it).</p>
      ) : !growers.data ? (
        <p className="muted">{growers.loading ? 'Loading…' : ''}</p>
      ) : (
        <table className="data-table compact">
          <thead>
            <tr>
              <th>Relation</th>
              <th className="num">Growth</th>
              <th className="num">%</th>
              <th className="num">Now</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((g) => (
              <tr
                key={g.relationId}
                className={g.relationId === selectedId ? 'selected' : undefined}
                data-testid="grower-row"
                onClick={() => select(g)}
              >
                <td className="name">
                  <button
                    type="button"
                    className="rel-name"
                    aria-pressed={g.relationId === selectedId}
                    onClick={(e) => {
                      e.stopPropagation();
                      select(g);
                    }}
                  >
                    <span className="faint">{g.schema}.</span>
                    <wbr />
                    {g.name}
                  </button>
                  {g.kind !== 'table' ? (
                    <>
                      {' '}
                      <KindBadge kind={g.kind} />
                    </>
                  ) : null}
                </td>
                <td className="num" data-testid="grower-growth">
                  <GrowthOver bytes={g.growthBytes} spanMs={g.spanMs} windowMs={growerRangeMs[range]} />
                </td>
                <td className="num">
                  {g.growthPct === null ? (
                    <span className="faint" title="It started from nothing.">
                      new
                    </span>
                  ) : (
                    formatSignedPct(g.growthPct)
                  )}
                </td>
                <td className="num">
                  <span title={`from ${formatBytes(g.fromBytes)}`}>
                    <Bytes value={g.toBytes} />
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
