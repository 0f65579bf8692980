import { useSyncExternalStore } from 'react';

/**
 * Three pages, addressed by the URL hash (`#/`, `#/controls`, `#/jobs`) so a reload keeps the page
 * and the back button works, without a router library. The token handling in
 * api-client.ts keeps the hash when it cleans the address bar.
 */
export type Route = 'overview' | 'controls' | 'jobs' | 'market' | 'earnings' | 'wallet';

export const ROUTES: readonly { route: Route; hash: string; label: string }[] = [
  { route: 'overview', hash: '#/', label: 'Overview' },
  { route: 'controls', hash: '#/controls', label: 'Controls' },
  { route: 'jobs', hash: '#/jobs', label: 'Jobs' },
  { route: 'market', hash: '#/market', label: 'Market' },
  { route: 'earnings', hash: '#/earnings', label: 'Earnings' },
  { route: 'wallet', hash: '#/wallet', label: 'Wallet' },
];

export function routeFromHash(hash: string): Route {
  const path = hash.replace(/^#\/?/, '').replace(/\/+$/, '').split('?')[0]?.toLowerCase() ?? '';
  return ROUTES.find((r) => r.route === path)?.route ?? 'overview';
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
