import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../../shared/api/contract';
import type { WalletState, WalletTx } from '../../../shared/domain/wallet';
import type { ApiClient, ConnectionState } from '../../../renderer/lib/api-client';
import { queryKeys } from '../../../renderer/lib/query/keys';
import { applyCacheOps, cacheOpsFor } from '../../../renderer/lib/query/live-events';
import { connectQueryClient, createQueryClient } from '../../../renderer/lib/query/query-client';
import { marketStatus } from './market-fixtures';

const walletState = (state: WalletState['state'], address: string | null = '0xabc'): WalletState =>
  ({ state, address, unlockProgress: null }) as unknown as WalletState;
const tx = (id: string, createdAt: string): WalletTx => ({ id, createdAt }) as unknown as WalletTx;
const push = (client: QueryClient, event: AgentEvent) => applyCacheOps(client, cacheOpsFor(event));

describe('pushed events → the query cache', () => {
  it('walletState replaces the wallet, and an unlock that ended clears its progress', () => {
    const client = createQueryClient();
    push(client, { name: 'walletUnlockProgress', payload: { fraction: 0.4 } } as AgentEvent);
    expect(client.getQueryData(queryKeys.walletUnlock)).toBe(0.4);
    push(client, { name: 'walletState', payload: walletState('unlocking') });
    expect(client.getQueryData(queryKeys.walletUnlock)).toBe(0.4);
    push(client, { name: 'walletState', payload: walletState('unlocked') });
    expect(client.getQueryData<WalletState>(queryKeys.wallet)?.state).toBe('unlocked');
    expect(client.getQueryData(queryKeys.walletUnlock)).toBeNull();
  });

  it('walletTx upserts one row per id, newest first', () => {
    const client = createQueryClient();
    client.setQueryData(queryKeys.walletTxs, [tx('a', '2026-01-01T00:00:00Z')]);
    push(client, { name: 'walletTx', payload: tx('b', '2026-01-02T00:00:00Z') });
    push(client, { name: 'walletTx', payload: tx('a', '2026-01-01T00:00:00Z') });
    expect(client.getQueryData<WalletTx[]>(queryKeys.walletTxs)?.map((t) => t.id)).toEqual(['b', 'a']);
  });

  it('a walletTx before the list was ever loaded does not pose as the whole list', () => {
    const client = createQueryClient();
    push(client, { name: 'walletTx', payload: tx('b', '2026-01-02T00:00:00Z') });
    expect(client.getQueryData(queryKeys.walletTxs)).toBeUndefined();
  });

  it('marketStatus and chainStatus replace their queries; ledgerUpdated invalidates every ledger query', () => {
    const client = createQueryClient();
    const status = marketStatus();
    push(client, { name: 'marketStatus', payload: status });
    expect(client.getQueryData(queryKeys.marketStatus)).toBe(status);
    client.setQueryData([...queryKeys.ledger, 'earnings:day'], { n: 1 });
    client.setQueryData([...queryKeys.ledger, 'jobs:50'], { n: 2 });
    push(client, { name: 'ledgerUpdated', payload: {} } as AgentEvent);
    expect(client.getQueryState([...queryKeys.ledger, 'earnings:day'])?.isInvalidated).toBe(true);
    expect(client.getQueryState([...queryKeys.ledger, 'jobs:50'])?.isInvalidated).toBe(true);
    expect(client.getQueryState(queryKeys.marketStatus)?.isInvalidated).toBe(false);
  });

  it('jobProgress keeps the job\'s latest label in its own query, so a page opened again shows it at once', () => {
    const client = createQueryClient();
    const progress = { jobId: 'j1', state: 'pulling', label: 'Pulling image: 312 of 840 MB', fraction: 0.37 } as unknown as AgentEvent['payload'];
    push(client, { name: 'jobProgress', payload: progress } as AgentEvent);
    expect(client.getQueryData(queryKeys.jobProgress('j1'))).toBe(progress);
    expect(client.getQueryData(queryKeys.jobProgress('j2'))).toBeUndefined();
  });

  it('events the snapshot store handles leave the cache alone', () => {
    expect(cacheOpsFor({ name: 'jobLog', payload: { jobId: 'j', lines: [] } })).toEqual([]);
  });

  it('a late answer never overwrites a pushed state (the fetch in flight is cancelled)', async () => {
    const client = createQueryClient();
    let answer!: (value: WalletState) => void;
    const fetching = client.fetchQuery({ queryKey: queryKeys.wallet, queryFn: () => new Promise<WalletState>((r) => (answer = r)) }).catch(() => undefined);
    push(client, { name: 'walletState', payload: walletState('unlocked') });
    answer(walletState('locked'));
    await fetching;
    await new Promise((r) => setTimeout(r, 0));
    expect(client.getQueryData<WalletState>(queryKeys.wallet)?.state).toBe('unlocked');
  });
});

describe('reconnect', () => {
  it('refetches every query when the event stream comes back, not before', async () => {
    let state: ConnectionState = 'connected';
    const connectionListeners = new Set<(s: ConnectionState) => void>();
    const api = {
      onEvent: () => () => undefined,
      connection: () => state,
      onConnection: (l: (s: ConnectionState) => void) => {
        connectionListeners.add(l);
        return () => connectionListeners.delete(l);
      },
    } as unknown as ApiClient;
    const client = createQueryClient();
    let loads = 0;
    const observer = client.getQueryCache().build(client, { queryKey: queryKeys.chainStatus, queryFn: async () => ++loads });
    await client.fetchQuery({ queryKey: queryKeys.chainStatus, queryFn: async () => ++loads });
    expect(observer.state.data).toBe(1);
    const off = connectQueryClient(client, api);
    const set = (next: ConnectionState) => {
      state = next;
      connectionListeners.forEach((l) => l(next));
    };
    set('connected'); // no change: nothing refetched
    expect(client.getQueryState(queryKeys.chainStatus)?.isInvalidated).toBe(false);
    set('reconnecting');
    set('connected');
    expect(client.getQueryState(queryKeys.chainStatus)?.isInvalidated).toBe(true);
    off();
  });
});
