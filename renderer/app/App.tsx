import { type QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import type { ApiClient } from '../lib/api-client';
import { AppContext } from './app-context';
import { AppRoot } from './AppRoot';

interface Props {
  api: ApiClient;
  /** The query cache the pushed events keep current (lib/query). */
  queryClient: QueryClient;
}

export function App({ api, queryClient }: Props) {
  return (
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <AppContext.Provider value={{ api }}>
          <AppRoot />
        </AppContext.Provider>
      </QueryClientProvider>
    </StrictMode>
  );
}
