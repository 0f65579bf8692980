import { useSyncExternalStore } from 'react';

/**
 * Two pages, addressed by the URL hash (`#/` and `#/controls`) so a reload keeps the page
 * and the back button works, without a router library. The token handling in
 * api-client.ts keeps the hash when it cleans the address bar.
 */
export type Route = 'overview' | 'controls';

export const ROUTES: readonly { route: Route; hash: string; label: string }[] = [
  { route: 'overview', hash: '#/', label: 'Overview' },
  { route: 'controls', hash: '#/controls', label: 'Controls' },
];

export function routeFromHash(hash: string): Route {
  const path = hash.replace(/^#\/?/, '').replace(/\/+$/, '').split('?')[0]?.toLowerCase() ?? '';
  return path === 'controls' ? 'controls' : 'overview';
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
