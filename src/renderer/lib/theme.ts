import { useEffect, useState } from 'react';

/**
 * Chart colours as concrete values read from the theme's CSS variables, so
 * they survive an export to PNG and follow the OS switching light/dark.
 */
export type ChartColors = {
  line: string;
  line2: string;
  area: string;
  grid: string;
  axis: string;
  text: string;
  surface: string;
  danger: string;
  muted: string;
};

function read(): ChartColors {
  const style = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    line: v('--chart-line', '#0e6e80'),
    line2: v('--chart-line-2', '#7a4fc2'),
    area: v('--chart-area', 'rgba(14,110,128,0.12)'),
    grid: v('--border', '#d8dde3'),
    axis: v('--text-faint', '#8a949f'),
    text: v('--text-muted', '#5a6572'),
    surface: v('--surface', '#ffffff'),
    danger: v('--danger', '#c0262d'),
    muted: v('--text-faint', '#8a949f'),
  };
}

export function useChartColors(): ChartColors {
  const [colors, setColors] = useState<ChartColors>(read);
  useEffect(() => {
    const query = window.matchMedia('(prefers-color-scheme: dark)');
    const update = () => setColors(read());
    query.addEventListener('change', update);
    return () => query.removeEventListener('change', update);
  }, []);
  return colors;
}
