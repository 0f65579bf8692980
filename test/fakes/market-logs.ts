/**
 * Market contract logs for the fake chain, encoded exactly as the contract emits them
 * (same ABI), including what the contract accepts but a decoder may choke on: a spec that
 * is not UTF-8, or data that is not valid ABI at all.
 */
import { AbiCoder, zeroPadValue, toBeHex } from 'ethers';
import { marketInterface } from '../../electron/agent/market/market-events';
import type { FakeLog } from './fake-chain';

const topic = (name: string) => marketInterface.getEvent(name)!.topicHash;
const idTopic = (id: bigint | number) => zeroPadValue(toBeHex(BigInt(id)), 32);
const addressTopic = (address: string) => zeroPadValue(address, 32);

export interface PostFields {
  specHash?: string;
  maxPricePerHour?: bigint;
  maxDurationSeconds?: number;
  claimBy?: number;
  runBy?: number;
  preemptible?: boolean;
  escrow?: bigint;
}

/** JobPosted with the spec as raw bytes (a string is UTF-8 encoded first). */
export function postedLog(market: string, id: number | bigint, requester: string, spec: string | Uint8Array, fields: PostFields = {}): FakeLog {
  const bytes = typeof spec === 'string' ? new TextEncoder().encode(spec) : spec;
  const data = AbiCoder.defaultAbiCoder().encode(
    ['bytes32', 'uint128', 'uint32', 'uint64', 'uint64', 'bool', 'uint256', 'bytes'],
    [fields.specHash ?? `0x${'ab'.repeat(32)}`, fields.maxPricePerHour ?? 1_000_000n, fields.maxDurationSeconds ?? 600, fields.claimBy ?? 2_000_000_000, fields.runBy ?? 2_000_007_200, fields.preemptible ?? false, fields.escrow ?? 166_666n, bytes],
  );
  return { address: market, topics: [topic('JobPosted'), idTopic(id), addressTopic(requester)], data };
}

/** A JobPosted whose data is not valid ABI (the contract never emits this; a hostile node might). */
export function garbledPostedLog(market: string, id: number | bigint, requester: string): FakeLog {
  return { address: market, topics: [topic('JobPosted'), idTopic(id), addressTopic(requester)], data: '0xdeadbeef' };
}

export function claimedLog(market: string, id: number | bigint, provider: string, ask: bigint, attempt = 1): FakeLog {
  const log = marketInterface.encodeEventLog('JobClaimed', [BigInt(id), provider, ask, attempt]);
  return { address: market, topics: log.topics, data: log.data };
}

export function submittedLog(market: string, id: number | bigint, provider: string, billedSeconds: number): FakeLog {
  const log = marketInterface.encodeEventLog('JobSubmitted', [BigInt(id), provider, `0x${'11'.repeat(32)}`, `0x${'22'.repeat(32)}`, billedSeconds, 'http://x/r']);
  return { address: market, topics: log.topics, data: log.data };
}

export function settledLog(market: string, id: number | bigint, provider: string, requester: string, gross: bigint, fee: bigint): FakeLog {
  const log = marketInterface.encodeEventLog('JobSettled', [BigInt(id), provider, requester, gross, fee, 0n, true]);
  return { address: market, topics: log.topics, data: log.data };
}

export function withdrawnLog(market: string, account: string, amount: bigint): FakeLog {
  const log = marketInterface.encodeEventLog('Withdrawn', [account, amount]);
  return { address: market, topics: log.topics, data: log.data };
}
