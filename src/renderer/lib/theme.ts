import { useEffect, useState } from 'react';
import type { Theme } from '../../shared/storage';

const DARK = '(prefers-color-scheme: dark)';
const CACHE_KEY = 'tidemark.theme';
let stopFollowing = () => {};

/**
 * Sets `data-theme` on the document to 'light' or 'dark' (theme.css keys its
 * tokens on it); 'system' follows the OS, also when it switches. The choice is
 * cached in localStorage so the next start paints in it before settings load.
 */
export function applyTheme(theme: Theme): void {
  stopFollowing();
  stopFollowing = () => {};
  const root = document.documentElement;
  if (theme === 'system') {
    const query = window.matchMedia(DARK);
    const follow = () => {
      root.dataset.theme = query.matches ? 'dark' : 'light';
    };
    follow();
    query.addEventListener('change', follow);
    stopFollowing = () => query.removeEventListener('change', follow);
  } else {
    root.dataset.theme = theme;
  }
  try {
    localStorage.setItem(CACHE_KEY, theme);
  } catch {
    // No storage (private window): the theme still applies once settings load.
  }
}

/** The theme chosen last time on this computer, until the settings say. */
export function cachedTheme(): Theme {
  try {
    const value = localStorage.getItem(CACHE_KEY);
    return value === 'light' || value === 'dark' ? value : 'system';
  } catch {
    return 'system';
  }
}

/**
 * Chart colours as concrete values read from the theme's CSS variables, so
 * they survive an export to PNG and follow the theme switching light/dark.
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
    const observer = new MutationObserver(() => setColors(read()));
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => observer.disconnect();
  }, []);
  return colors;
}
