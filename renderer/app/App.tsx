import { type QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import type { ApiClient } from '../lib/api-client';
import type { AppStore } from '../lib/app-store';
import { AppContext } from './app-context';
import { AppRoot } from './AppRoot';

interface Props {
  api: ApiClient;
  store: AppStore;
  /** The query cache the pushed events keep current (lib/query). */
  queryClient: QueryClient;
}

export function App({ api, store, queryClient }: Props) {
  return (
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <AppContext.Provider value={{ api, store }}>
          <AppRoot />
        </AppContext.Provider>
      </QueryClientProvider>
    </StrictMode>
  );
}
