import { useSyncExternalStore } from 'react';

/**
 * The pages, addressed by the URL hash (`#/`, `#/controls`, `#/jobs`) so a reload keeps the page
 * and the back button works, without a router library. The token handling in
 * api-client.ts keeps the hash when it cleans the address bar.
 */
export type Route = 'overview' | 'controls' | 'jobs' | 'market' | 'earnings' | 'wallet' | 'about' | 'setup';

export const ROUTES: readonly { route: Route; hash: string; label: string }[] = [
  { route: 'overview', hash: '#/', label: 'Overview' },
  { route: 'controls', hash: '#/controls', label: 'Controls' },
  { route: 'jobs', hash: '#/jobs', label: 'Jobs' },
  { route: 'market', hash: '#/market', label: 'Market' },
  { route: 'earnings', hash: '#/earnings', label: 'Earnings' },
  { route: 'wallet', hash: '#/wallet', label: 'Wallet' },
  { route: 'about', hash: '#/about', label: 'About' },
];

/**
 * Pages reached from links but not listed in the header: the first-run wizard, opened
 * again at one step from a dashboard reminder (`#/setup/benchmark`).
 */
const HIDDEN_ROUTES: readonly Route[] = ['setup'];

export function routeFromHash(hash: string): Route {
  const path = hash.replace(/^#\/?/, '').replace(/\/+$/, '').split('?')[0]?.toLowerCase() ?? '';
  const first = path.split('/')[0] ?? '';
  return ROUTES.find((r) => r.route === path)?.route ?? HIDDEN_ROUTES.find((r) => r === first) ?? 'overview';
}

/** The part after the page: `#/setup/benchmark` → 'benchmark'; null when there is none. */
export function subPathFromHash(hash: string): string | null {
  const parts = hash.replace(/^#\/?/, '').split('?')[0]?.split('/') ?? [];
  return parts[1] ? parts[1].toLowerCase() : null;
}

export function hashFor(route: Route): string {
  return ROUTES.find((r) => r.route === route)?.hash ?? '#/';
}

function subscribe(listener: () => void): () => void {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
}

export function useHashRoute(): Route {
  return useSyncExternalStore(subscribe, () => routeFromHash(window.location.hash));
}

export function useHashSubPath(): string | null {
  return useSyncExternalStore(subscribe, () => subPathFromHash(window.location.hash));
}
