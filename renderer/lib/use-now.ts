import { useSyncExternalStore } from 'react';

/*
 * One shared 1 s clock for ticking displays (elapsed time). It only re-renders: nothing
 * is fetched on a timer. The interval runs only while some component shows a clock.
 */
const PERIOD_MS = 1000;
let now = Date.now();
let timer: number | undefined;
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (listeners.size === 1) {
    now = Date.now();
    timer = window.setInterval(() => {
      now = Date.now();
      for (const l of [...listeners]) l();
    }, PERIOD_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) window.clearInterval(timer);
  };
}

export function useNow(): number {
  // The server snapshot lets a static render (the renderer's unit tests) show the same clock.
  return useSyncExternalStore(subscribe, () => now, () => now);
}
