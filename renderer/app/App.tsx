import { StrictMode } from 'react';
import type { ApiClient } from '../lib/api-client';
import type { AppStore } from '../lib/app-store';
import { AppContext } from './app-context';
import { AppRoot } from './AppRoot';

interface Props {
  api: ApiClient;
  store: AppStore;
}

export function App({ api, store }: Props) {
  return (
    <StrictMode>
      <AppContext.Provider value={{ api, store }}>
        <AppRoot />
      </AppContext.Provider>
    </StrictMode>
  );
}
