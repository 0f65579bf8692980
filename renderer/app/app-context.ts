import { createContext, useContext, useSyncExternalStore } from 'react';
import type { Snapshot } from '../../shared/domain/snapshot';
import type { ApiClient } from '../lib/api-client';
import type { AppState, AppStore } from '../lib/app-store';

export interface AppServices {
  api: ApiClient;
  store: AppStore;
}

export const AppContext = createContext<AppServices | null>(null);

function useServices(): AppServices {
  const services = useContext(AppContext);
  if (!services) throw new Error('AppContext is missing: render inside <App>.');
  return services;
}

export const useApi = (): ApiClient => useServices().api;
export const useStore = (): AppStore => useServices().store;

export function useAppState(): AppState {
  const { store } = useServices();
  return useSyncExternalStore(store.subscribe, store.getState);
}

/** For screens rendered only once the snapshot is there. */
export function useSnapshot(): Snapshot {
  const { snapshot } = useAppState();
  if (!snapshot) throw new Error('useSnapshot() before the first snapshot');
  return snapshot;
}
