import { useSyncExternalStore } from 'react';

/**
 * One ticking clock for every relative time on screen ("3 min ago"), instead of
 * a timer per table cell. Ticks only while something is subscribed.
 */
const TICK_MS = 15_000;
const listeners = new Set<() => void>();
let tick = 0;
let timer: ReturnType<typeof setInterval> | null = null;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    timer = setInterval(() => {
      tick++;
      for (const l of listeners) l();
    }, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

const snapshot = () => tick;

/**
 * The current time, re-rendering every 15 s. Read at render, so a value that
 * arrived between two ticks is never compared with a stale "now".
 */
export function useNow(): number {
  useSyncExternalStore(subscribe, snapshot, snapshot);
  return Date.now();
}
