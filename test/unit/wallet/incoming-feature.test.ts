import { describe, expect, it } from 'vitest';
import type { IndexerUpdate } from '../../../electron/agent/market/market-indexer';
import type { ReceivedEvent } from '../../../electron/agent/market/token-transfers';
import { createIncomingTransfersFeature } from '../../../electron/agent/wallet/incoming-feature';
import type { AgentFeatureContext } from '../../../electron/agent/agent-feature';

const ME = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
const received = (n: number): ReceivedEvent => ({
  kind: 'received',
  key: `0x${String(n).padStart(64, '0')}:0`,
  blockNumber: n,
  blockHash: '0xb',
  txHash: `0x${String(n).padStart(64, '0')}`,
  logIndex: 0,
  from: '0x0000000000000000000000000000000000000000',
  to: ME,
  amount: BigInt(n) * 1_000_000n,
  timestamp: 1_700_000_000 + n,
});

describe('incoming transfers for the wallet page', () => {
  it('lists what the event log received, newest first, and pushes walletIncoming only when something came in', async () => {
    let list: ReceivedEvent[] = [received(1)];
    const listeners = new Set<(u: IndexerUpdate) => void>();
    const feature = createIncomingTransfersFeature({
      events: { received: () => list, onUpdate: (l) => (listeners.add(l), () => listeners.delete(l)) },
      address: () => ME,
    });
    const pushed: unknown[] = [];
    await feature.start?.({ emit: (name: string, payload: unknown) => pushed.push([name, payload]) } as unknown as AgentFeatureContext, { longRunning: true });
    const rows = await (feature.handlers.listIncomingTransfers as (request: object) => Promise<unknown>)({});
    expect(rows).toEqual([{ id: received(1).key, from: received(1).from, amount: '1000000', txHash: received(1).txHash, blockNumber: 1, at: '2023-11-14T22:13:21.000Z' }]);
    const update = { changed: new Set<string>(), removed: new Set<string>(), reset: false };
    for (const l of listeners) l(update);
    expect(pushed).toEqual([]);
    list = [received(2), received(1)];
    for (const l of listeners) l(update);
    expect(pushed).toHaveLength(1);
    expect((pushed[0] as [string, Array<{ amount: string }>])[1].map((r) => r.amount)).toEqual(['2000000', '1000000']);
    await feature.stop?.();
    expect(listeners.size).toBe(0);
  });
});
