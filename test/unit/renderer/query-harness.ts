import { QueryObserver, type QueryClient, type QueryKey } from '@tanstack/react-query';
import type { ApiClient } from '../../../renderer/lib/api-client';
import { connectQueryClient, createQueryClient } from '../../../renderer/lib/query/query-client';

/**
 * What a component does with the query cache, without React: a client connected to the
 * API's events and reconnects, and an observer of one query (a mounted hook). `notified`
 * counts the observer's notifications (the re-renders a component would see).
 */
export function observe<T>(api: ApiClient, options: (client: QueryClient) => { queryKey: QueryKey; queryFn: () => Promise<T> }) {
  const client = createQueryClient();
  const disconnect = connectQueryClient(client, api);
  const observer = new QueryObserver<T, Error>(client, options(client));
  let notified = 0;
  const unsubscribe = observer.subscribe(() => (notified += 1));
  return {
    client,
    data: () => observer.getCurrentResult().data,
    error: () => observer.getCurrentResult().error,
    notified: () => notified,
    resetNotified: () => (notified = 0),
    refetch: () => observer.refetch(),
    stop: () => {
      unsubscribe();
      disconnect();
    },
  };
}

export const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
