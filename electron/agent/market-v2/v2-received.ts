/**
 * The token's Transfer events to our wallet as the v2 event log keeps them (the wallet page's
 * incoming transfers): read by the log in its own steps with the same decoder as v1
 * (market/token-transfers.ts), under the same cursor and reorg policy as the market's events.
 * Deduped by txHash:logIndex with a set (a replayed step adds nothing).
 */
import { bloomMayContain } from '../chain/logs-bloom';
import type { ChainBlock, ChainPort } from '../chain/chain-port';
import { readReceived, type ReceivedEvent } from '../market/token-transfers';

export interface V2Received {
  /** Adds the ones not yet kept; true when any was new. */
  add(events: readonly ReceivedEvent[]): boolean;
  /** Drops those above `block` (a reorg); −1 drops everything. */
  rewindTo(block: number): void;
  /** Transfers to `account`, newest first. */
  to(account: string): ReceivedEvent[];
  all(): readonly ReceivedEvent[];
}

const newestFirst = (a: ReceivedEvent, b: ReceivedEvent) => b.blockNumber - a.blockNumber || b.logIndex - a.logIndex;

export function createV2Received(): V2Received {
  let kept: ReceivedEvent[] = [];
  const keys = new Set<string>();
  return {
    add(events) {
      let added = false;
      for (const e of events) {
        if (keys.has(e.key)) continue;
        keys.add(e.key);
        kept.push(e);
        added = true;
      }
      return added;
    },
    rewindTo(block) {
      kept = kept.filter((e) => e.blockNumber <= block);
      keys.clear();
      for (const e of kept) keys.add(e.key);
    },
    to(account) {
      const who = account.toLowerCase();
      return kept.filter((e) => e.to.toLowerCase() === who).sort(newestFirst);
    },
    all: () => kept,
  };
}

/**
 * The Transfer events of `token` to `account` in [from, to]. One new block whose bloom lacks
 * the token's address has none: no request (an idle chain costs no extra eth_getLogs).
 */
export async function receivedIn(port: ChainPort, token: string, account: string, from: number, to: number, latest?: ChainBlock): Promise<ReceivedEvent[]> {
  if (from === to && latest?.number === to && latest.logsBloom !== undefined && !bloomMayContain(latest.logsBloom, token)) return [];
  return readReceived((p, filter, a, b) => p.getLogs(filter, a, b), port, token, account, from, to);
}
