/**
 * Incoming token transfers for the wallet page: what the one market event log read of the
 * token's Transfer events to our wallet (market/token-transfers.ts), as the contract's rows.
 * No poll of its own: the log moves with the chain's head stream, and each of its updates
 * that brings a new transfer is pushed as `walletIncoming`.
 */
import type { CallRequest } from '../../../shared/api/contract';
import type { AgentFeature } from '../agent-feature';
import type { IncomingTransfer } from '../../../shared/domain/wallet';
import type { MarketIndexer } from '../market/market-indexer';
import type { ReceivedEvent } from '../market/token-transfers';

const PUSHED = 50;

const rowOf = (event: ReceivedEvent): IncomingTransfer => ({
  id: event.key,
  from: event.from,
  amount: event.amount.toString(),
  txHash: event.txHash,
  blockNumber: event.blockNumber,
  at: new Date(event.timestamp * 1000).toISOString(),
});

export function createIncomingTransfersFeature(deps: { events: Pick<MarketIndexer, 'received' | 'onUpdate'>; address: () => string | null }): AgentFeature {
  const list = (limit: number): IncomingTransfer[] => {
    const address = deps.address();
    return address ? deps.events.received(address).slice(0, limit).map(rowOf) : [];
  };
  let off: (() => void) | null = null;
  return {
    name: 'incoming-transfers',
    handlers: {
      listIncomingTransfers: async ({ limit }: CallRequest<'listIncomingTransfers'>) => list(limit ?? 50),
    },
    start(context) {
      let newest = list(1)[0]?.id ?? null;
      let count = list(PUSHED).length;
      off = deps.events.onUpdate(() => {
        const rows = list(PUSHED);
        if ((rows[0]?.id ?? null) === newest && rows.length === count) return;
        newest = rows[0]?.id ?? null;
        count = rows.length;
        context.emit('walletIncoming', rows);
      });
    },
    async stop() {
      off?.();
      off = null;
    },
  };
}
