/**
 * Incoming token transfers for the wallet page: what the event log of the running market read
 * of the token's Transfer events to our wallet (market/token-transfers.ts), as the contract's
 * rows. v1: the market event log (market-indexer.ts); v2: the v2 event log
 * (market-v2/v2-event-log.ts); market-switch.ts says which runs (activeIncomingSource). No poll
 * of its own: the log moves with the chain's head stream, and each of its updates that brings
 * a new transfer is pushed as `walletIncoming`.
 */
import type { CallRequest } from '../../../shared/api/contract';
import type { AgentFeature } from '../agent-feature';
import type { IncomingTransfer } from '../../../shared/domain/wallet';
import type { MarketSwitch } from '../market-v2/market-switch';
import type { ReceivedEvent } from '../market/token-transfers';

/** An event log that reads the token's transfers to our wallet (v1's or v2's). */
export interface IncomingSource {
  /** Transfers to `account`, newest first. */
  received(account: string): readonly ReceivedEvent[];
  onUpdate(listener: () => void): () => void;
}

const PUSHED = 50;

const rowOf = (event: ReceivedEvent): IncomingTransfer => ({
  id: event.key,
  from: event.from,
  amount: event.amount.toString(),
  txHash: event.txHash,
  blockNumber: event.blockNumber,
  at: new Date(event.timestamp * 1000).toISOString(),
});

/**
 * The log of the market that runs now (none before the chain is known: no rows). Updates of
 * the other log are not passed on; a switch is (the rows come from the other log now).
 */
export function activeIncomingSource(deps: { market: Pick<MarketSwitch, 'version' | 'onSwitch'>; v1: IncomingSource; v2: () => IncomingSource | null }): IncomingSource {
  const listeners = new Set<() => void>();
  const fire = () => {
    for (const listener of [...listeners]) listener();
  };
  const active = (): IncomingSource | null => {
    const version = deps.market.version();
    return version === 1 ? deps.v1 : version === 2 ? deps.v2() : null;
  };
  const forward = (source: IncomingSource) =>
    source.onUpdate(() => {
      if (active() === source) fire();
    });
  forward(deps.v1);
  let v2Forwarded: IncomingSource | null = null;
  deps.market.onSwitch(() => {
    const v2 = deps.v2();
    if (v2 && v2 !== v2Forwarded) {
      v2Forwarded = v2;
      forward(v2);
    }
    fire();
  });
  return {
    received: (account) => active()?.received(account) ?? [],
    onUpdate(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export function createIncomingTransfersFeature(deps: { events: IncomingSource; address: () => string | null }): AgentFeature {
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
