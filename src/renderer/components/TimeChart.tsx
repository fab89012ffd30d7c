import './TimeChart.css';
import { type ReactNode, useMemo, useRef, useState } from 'react';
import { CartesianGrid, Line, LineChart, Tooltip, type TooltipContentProps, XAxis, YAxis } from 'recharts';
import type { AppErrorData, Result } from '../../shared/result';
import { downloadBlob, fileSlug, pointsCsv, svgToPng } from '../lib/export';
import { exactTime } from '../lib/format';
import { useChartColors } from '../lib/theme';
import { byteTicks, linearTicks, type Ticks, timeTicks } from '../lib/ticks';
import { LoadError } from './Values';

export type ChartPoint = { t: number; v: number | null };

export type ValueKind = {
  /** Axis ticks for the values shown. */
  ticks: (lo: number, hi: number) => Ticks;
  /** Short value for captions ("1.2 GiB"). */
  short: (v: number) => string;
  /** Exact value for the tooltip ("1,234,567 bytes"). */
  exact: (v: number) => string;
  /** CSV column name. */
  csvHeader: string;
  /** A one-line summary for the caption; default "from X to Y". */
  summary?: (values: number[]) => string;
};

export const bytesKind = (short: (v: number) => string, exact: (v: number) => string): ValueKind => ({
  ticks: (lo, hi) => byteTicks(lo, hi),
  short,
  exact,
  csvHeader: 'bytes',
});

export const msKind = (short: (v: number) => string): ValueKind => ({
  ticks: (_lo, hi) => linearTicks(hi, 4, ' ms'),
  short,
  exact: (v) => `${v.toFixed(v < 10 ? 2 : 1)} ms`,
  csvHeader: 'latency_ms',
  summary: (values) => {
    const sorted = [...values].sort((a, b) => a - b);
    const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
    return `median ${short(median)} · max ${short(sorted[sorted.length - 1]!)}`;
  },
});

function ChartTooltip({ active, payload, kind }: TooltipContentProps<number, string> & { kind: ValueKind }) {
  const point = payload?.[0]?.payload as ChartPoint | undefined;
  if (!active || !point) return null;
  return (
    <div className="chart-tooltip">
      <div className="chart-tooltip-time">{exactTime(point.t)}</div>
      <div className="chart-tooltip-value">
        {point.v === null ? (
          <span className="faint">no sample</span>
        ) : (
          <>
            <strong>{kind.short(point.v)}</strong> <span className="muted">{kind.exact(point.v)}</span>
          </>
        )}
      </div>
    </div>
  );
}

/** Where the time axis starts: the range's start, or just before the first reading when later. */
export function fittedFrom(values: readonly { t: number }[], from: number, to: number): number {
  const first = values[0]?.t;
  if (first === undefined || first <= from) return from;
  const margin = Math.max((to - first) * 0.05, 30_000);
  return Math.max(from, first - margin);
}

/**
 * A line over time, gaps where there is no value (connectNulls off). Exports its
 * data as CSV (exact values, ISO times) and itself as PNG.
 */
export function TimeChart({
  title,
  subtitle,
  points,
  from,
  to,
  kind,
  loading,
  error,
  onRetry,
  emptyText,
  fileBase,
  testId,
  toolbar,
  loadCsv,
  pngSource,
  height = 220,
}: {
  title: ReactNode;
  subtitle?: ReactNode;
  points: ChartPoint[] | null;
  from: number;
  to: number;
  kind: ValueKind;
  loading: boolean;
  error: AppErrorData | null;
  onRetry?: () => void;
  emptyText: string;
  /** File name without extension, for the exports. */
  fileBase: string;
  testId: string;
  toolbar?: ReactNode;
  /** The CSV of every reading behind the chart; without it, the CSV holds the chart's own points. */
  loadCsv?: () => Promise<Result<string>>;
  /** Server, database and range, written under the title of the PNG export. */
  pngSource: string;
  height?: number;
}) {
  const colors = useChartColors();
  const wrap = useRef<HTMLDivElement>(null);
  const [exportError, setExportError] = useState<string | null>(null);
  const values = useMemo(
    () => (points ?? []).filter((p) => p.v !== null) as { t: number; v: number }[],
    [points],
  );
  const yTicks = useMemo(() => {
    if (values.length === 0) return null;
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const p of values) {
      if (p.v < lo) lo = p.v;
      if (p.v > hi) hi = p.v;
    }
    return kind.ticks(lo, hi);
  }, [values, kind]);
  // With less history than the range, the axis fits the data instead of leaving one dot at its edge.
  const axisFrom = useMemo(() => fittedFrom(values, from, to), [values, from, to]);
  const xTicks = useMemo(() => timeTicks(axisFrom, to), [axisFrom, to]);
  const first = values[0];
  const last = values[values.length - 1];

  const exportCsv = async () => {
    if (!points) return;
    setExportError(null);
    const csv = loadCsv ? await loadCsv() : { ok: true as const, value: pointsCsv(points, kind.csvHeader) };
    if (!csv.ok) {
      setExportError(csv.error.message);
      return;
    }
    downloadBlob(new Blob([csv.value], { type: 'text/csv;charset=utf-8' }), `${fileSlug(fileBase)}.csv`);
  };

  const exportPng = async () => {
    setExportError(null);
    const svg = wrap.current?.querySelector<SVGSVGElement>('svg.recharts-surface');
    if (!svg) return;
    try {
      const blob = await svgToPng(svg, colors.surface, {
        title: typeof title === 'string' ? title : fileBase,
        source: pngSource,
        madeAt: new Date(),
      });
      downloadBlob(blob, `${fileSlug(fileBase)}.png`);
    } catch (err) {
      setExportError(err instanceof Error ? err.message : String(err));
    }
  };

  const captionId = `${testId}-caption`;
  let body: ReactNode;
  if (error && !points) {
    body = <LoadError message={error.message} {...(onRetry ? { onRetry } : {})} />;
  } else if (!points) {
    body = (
      <p className="chart-empty" aria-busy={loading}>
        {loading ? 'Loading…' : emptyText}
      </p>
    );
  } else if (values.length === 0) {
    body = <p className="chart-empty">{emptyText}</p>;
  } else {
    body = (
      <LineChart
        responsive
        style={{ width: '100%', height }}
        data={points}
        margin={{ top: 8, right: 16, bottom: 0, left: 4 }}
        accessibilityLayer
      >
        <CartesianGrid stroke={colors.grid} strokeDasharray="3 3" vertical={false} />
        <XAxis
          dataKey="t"
          type="number"
          scale="time"
          domain={xTicks.domain}
          ticks={xTicks.ticks}
          tickFormatter={xTicks.format}
          stroke={colors.axis}
          tick={{ fill: colors.text, fontSize: 11 }}
          tickLine={false}
          allowDataOverflow
        />
        <YAxis
          type="number"
          domain={yTicks!.domain}
          ticks={yTicks!.ticks}
          tickFormatter={yTicks!.format}
          stroke={colors.axis}
          tick={{ fill: colors.text, fontSize: 11 }}
          tickLine={false}
          axisLine={false}
          width={72}
          allowDataOverflow
        />
        <Tooltip
          content={(props) => (
            <ChartTooltip {...(props as TooltipContentProps<number, string>)} kind={kind} />
          )}
          cursor={{ stroke: colors.axis, strokeDasharray: '3 3' }}
          isAnimationActive={false}
        />
        <Line
          type="linear"
          dataKey="v"
          name={typeof title === 'string' ? title : 'value'}
          stroke={colors.line}
          strokeWidth={2}
          connectNulls={false}
          dot={
            values.length <= 60
              ? { r: values.length === 1 ? 4 : 2.5, fill: colors.line, strokeWidth: 0 }
              : false
          }
          activeDot={{ r: 4 }}
          isAnimationActive={false}
        />
      </LineChart>
    );
  }

  return (
    <figure
      className="chart card"
      data-testid={testId}
      data-points={values.length}
      data-first={first?.v ?? ''}
      data-last={last?.v ?? ''}
      aria-busy={loading}
      aria-describedby={captionId}
    >
      <div className="chart-head">
        <div className="chart-title">
          <h2>{title}</h2>
          {subtitle ? <div className="chart-subtitle">{subtitle}</div> : null}
        </div>
        <div className="chart-tools">
          {toolbar}
          <div className="export-buttons">
            <button
              type="button"
              className="small"
              onClick={() => void exportCsv()}
              disabled={!points || values.length === 0}
              aria-label={`Export ${typeof title === 'string' ? title : 'chart'} data as CSV`}
            >
              CSV
            </button>
            <button
              type="button"
              className="small"
              onClick={() => void exportPng()}
              disabled={!points || values.length === 0}
              aria-label={`Export ${typeof title === 'string' ? title : 'chart'} as PNG`}
            >
              PNG
            </button>
          </div>
        </div>
      </div>
      <div className="chart-body" ref={wrap} style={{ minHeight: height }}>
        {body}
      </div>
      <figcaption id={captionId} className="chart-caption">
        {first && last ? (
          <>
            {values.length} {values.length === 1 ? 'point' : 'points'}
            {kind.summary ? (
              <> · {kind.summary(values.map((p) => p.v))}</>
            ) : values.length > 1 ? (
              <>
                {' '}
                · from <span title={kind.exact(first.v)}>{kind.short(first.v)}</span> to{' '}
                <span title={kind.exact(last.v)}>{kind.short(last.v)}</span>
              </>
            ) : (
              <>
                {' '}
                · <span title={kind.exact(last.v)}>{kind.short(last.v)}</span>
              </>
            )}
            {loading ? ' · updating…' : ''}
          </>
        ) : null}
        {error && points ? <span className="field-error"> Could not update: {error.message}</span> : null}
        {exportError ? <span className="field-error"> {exportError}</span> : null}
      </figcaption>
    </figure>
  );
}
