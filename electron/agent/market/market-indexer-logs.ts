/**
 * The event log's steps' logs (market-indexer.ts): one eth_getLogs asked ahead while
 * catching up, and each step's logs decoded on their own.
 */
import type { ChainLog, ChainPort } from '../chain/chain-port';
import { decodeMarketLog, type DecodedLog, RELEASED_TOPIC, withDocumentFacts } from './market-events';

type Fetch = (from: number, to: number) => Promise<ChainLog[]>;

/**
 * While catching up, the next step's eth_getLogs is asked before this step's logs are
 * decoded and stored, so the node answers while the agent works (issue 11 ingest: on a node
 * that takes ~3 ms per 4 KB log, our part of a catch-up then hides behind its). One request
 * ahead, no more (each answer of ~300 flood posts is a few MB), and only for exactly the next
 * range; the caller clears it on anything that moves the cursor otherwise (rewind, reset,
 * a new poll).
 */
export function createLogsAhead() {
  let ahead: { from: number; to: number; logs: Promise<ChainLog[]> } | null = null;
  return {
    clear() {
      ahead = null;
    },
    /** The logs of [from, to]: the answer asked ahead when it is for this range, else asked now. */
    async take(from: number, to: number, fetch: Fetch): Promise<{ logs: ChainLog[] }> {
      const mine = ahead;
      ahead = null;
      return { logs: await (mine && mine.from === from && mine.to === to ? mine.logs : fetch(from, to)) };
    },
    ask(from: number, to: number, fetch: Fetch) {
      const logs = fetch(from, to);
      logs.catch(() => undefined); // unused if the next step asks otherwise; else it throws there
      ahead = { from, to, logs };
    },
  };
}

/**
 * Decodes a step's logs, each on its own: one that cannot be decoded becomes an invalid
 * event, never an error. Posts' documents are parsed once here: valid ones get their facts;
 * a spec that is no runnable document is neither kept in memory nor written (flood bound).
 * Releases need their block's timestamp (read once per block).
 */
export async function decodeStepLogs(logs: readonly ChainLog[], port: ChainPort, account: string | null): Promise<DecodedLog[]> {
  const timestamps = new Map<number, number>();
  for (const log of logs) {
    if (log.topics[0] === RELEASED_TOPIC && !timestamps.has(log.blockNumber)) {
      timestamps.set(log.blockNumber, (await port.block(log.blockNumber))?.timestamp ?? 0);
    }
  }
  const events: DecodedLog[] = [];
  for (const log of logs) {
    const event = decodeMarketLog(log, (block) => timestamps.get(block) ?? 0);
    if (event) events.push(withDocumentFacts(event, account));
  }
  return events;
}
