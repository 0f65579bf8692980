/**
 * Incoming token transfers: the token's Transfer events to our wallet, followed by the one
 * market event log (market-indexer.ts) in the same steps, with the same cursor and reorg
 * policy as the market's events, so the wallet can explain its balance ("where did this
 * tUSD come from") without a poll of its own.
 */
import { getAddress, Interface, zeroPadValue } from 'ethers';
import type { ChainLog, ChainPort } from '../chain/chain-port';
import type { GetLogs } from './market-indexer-types';
import { TOKEN_ABI } from '../chain/market-abi';

const tokenInterface = new Interface(TOKEN_ABI);
export const TRANSFER_TOPIC = tokenInterface.getEvent('Transfer')!.topicHash;

/** A token transfer to our wallet (mints included: from the zero address). */
export interface ReceivedEvent {
  kind: 'received';
  key: string;
  blockNumber: number;
  blockHash: string;
  txHash: string;
  logIndex: number;
  from: string;
  to: string;
  amount: bigint;
  /** The block's time (unix seconds). */
  timestamp: number;
}

/** The topics that select Transfer events to `account`. */
export function transfersTo(account: string): (string | null)[] {
  return [TRANSFER_TOPIC, null, zeroPadValue(getAddress(account), 32).toLowerCase()];
}

export function decodeTransferLog(log: ChainLog, timestamp: number): ReceivedEvent | null {
  if (log.topics[0] !== TRANSFER_TOPIC) return null;
  try {
    const parsed = tokenInterface.parseLog({ topics: [...log.topics], data: log.data });
    if (!parsed) return null;
    return {
      kind: 'received',
      key: `${log.transactionHash}:${log.index}`,
      blockNumber: log.blockNumber,
      blockHash: log.blockHash,
      txHash: log.transactionHash,
      logIndex: log.index,
      from: getAddress(parsed.args.getValue('from') as string),
      to: getAddress(parsed.args.getValue('to') as string),
      amount: parsed.args.getValue('value') as bigint,
      timestamp,
    };
  } catch {
    return null;
  }
}

/** Transfer events of the token to `account` in [from, to], with their blocks' times. */
export async function readReceived(getLogs: GetLogs, port: ChainPort, token: string, account: string, from: number, to: number): Promise<ReceivedEvent[]> {
  if (from > to) return [];
  const logs = (await getLogs(port, { address: token, topics: transfersTo(account) }, from, to)).filter((log) => !log.removed);
  const times = new Map<number, number>();
  const out: ReceivedEvent[] = [];
  for (const log of logs) {
    if (!times.has(log.blockNumber)) times.set(log.blockNumber, (await port.block(log.blockNumber))?.timestamp ?? 0);
    const event = decodeTransferLog(log, times.get(log.blockNumber) ?? 0);
    if (event) out.push(event);
  }
  return out;
}
