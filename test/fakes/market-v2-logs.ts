/**
 * v2 market logs for the fake chain, encoded with the v2 ABI exactly as the contract emits
 * them, plus what a hostile node or contract could hand a decoder: a spec or URL that is not
 * UTF-8, data that is not ABI, an enum out of range, a log without a job id.
 */
import { AbiCoder, zeroPadValue, toBeHex } from 'ethers';
import { marketV2Interface } from '../../electron/agent/chain/market-v2-abi';
import type { FakeLog } from './fake-chain';

const topic = (name: string) => marketV2Interface.getEvent(name)!.topicHash;
const idTopic = (id: number | bigint) => zeroPadValue(toBeHex(BigInt(id)), 32);
const addressTopic = (address: string) => zeroPadValue(address, 32);

export interface V2PostFields {
  maxPricePerHour?: bigint;
  maxDurationSeconds?: number;
  bidWindowSeconds?: number;
  claimBy?: number;
  runBy?: number;
  replicas?: number;
  deterministic?: boolean;
  preemptible?: boolean;
  minProviderSettled?: number;
  escrow?: bigint;
}

/** JobPosted; `spec` as text or raw bytes (not necessarily UTF-8). */
export function v2PostedLog(market: string, id: number, requester: string, spec: string | Uint8Array, f: V2PostFields = {}): FakeLog {
  const bytes = typeof spec === 'string' ? new TextEncoder().encode(spec) : spec;
  const bidWindow = f.bidWindowSeconds ?? 10;
  const data = AbiCoder.defaultAbiCoder().encode(
    ['bytes32', 'uint256', 'uint64', 'tuple(bytes,uint96,uint32,uint32,uint64,uint64,uint8,bool,bool,uint32)'],
    [
      `0x${'ab'.repeat(32)}`,
      f.escrow ?? 400_000n,
      bidWindow === 0 ? 0 : 1_700_000_010,
      [bytes, f.maxPricePerHour ?? 200_000n, f.maxDurationSeconds ?? 3600, bidWindow, f.claimBy ?? 1_700_000_300, f.runBy ?? 1_700_004_500, f.replicas ?? 1, f.deterministic ?? true, f.preemptible ?? false, f.minProviderSettled ?? 0],
    ],
  );
  return { address: market, topics: [topic('JobPosted'), idTopic(id), addressTopic(requester)], data };
}

/** Any v2 event by name with its arguments in ABI order. */
export function v2Log(market: string, name: string, args: unknown[]): FakeLog {
  const log = marketV2Interface.encodeEventLog(name, args);
  return { address: market, topics: log.topics, data: log.data };
}

/** A job event whose data is not valid ABI. */
export function v2GarbledLog(market: string, name: string, id: number): FakeLog {
  return { address: market, topics: [topic(name), idTopic(id), addressTopic('0x90F79bf6EB2c4f870365E785982E1f101E93b906')], data: '0xdeadbeef' };
}

/** SlotAssigned with a round number the contract's enum does not have. */
export function v2BadRoundLog(market: string, id: number, provider: string): FakeLog {
  const good = v2Log(market, 'SlotAssigned', [id, 0, provider, 100_000n, 0]);
  return { ...good, data: `${good.data.slice(0, 2 + 64 * 2)}${toBeHex(7, 32).slice(2)}` };
}

/** RedeliveryRequested whose URL bytes are not UTF-8. */
export function v2BadUrlRedeliveryLog(market: string, id: number, requester: string): FakeLog {
  const data = AbiCoder.defaultAbiCoder().encode(['bytes'], [Uint8Array.from([0x68, 0x74, 0xff, 0xfe])]);
  return { address: market, topics: [topic('RedeliveryRequested'), idTopic(id), addressTopic(requester)], data };
}

/** A job event with its id topic missing. */
export function v2NoIdLog(market: string): FakeLog {
  return { address: market, topics: [topic('JobSettled')], data: '0x' };
}
