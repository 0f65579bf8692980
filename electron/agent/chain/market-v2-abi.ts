/**
 * ABI and bytecode of the v2 market (contracts/RigShiftMarketV2.sol, docs/MARKET-V2.md), taken
 * from the committed artifact like v1's (market-abi.ts). v1 and v2 are separate deployments: a
 * deployment file or a probe of the contract (isMarketV2) says which one an address is.
 */
import { Contract, Interface, type InterfaceAbi, type Provider } from 'ethers';
import marketV2Artifact from '../../../resources/contracts/RigShiftMarketV2.json';

/** RigShiftMarketV2: reverse auction, replicas with commit-reveal, disputes, records. */
export const MARKET_V2_ABI: InterfaceAbi = marketV2Artifact.abi as InterfaceAbi;
export const MARKET_V2_BYTECODE: string = marketV2Artifact.bytecode;
export const marketV2Interface = new Interface(MARKET_V2_ABI);

/** The market versions a deployment can name. */
export type MarketVersion = 1 | 2;

/** Mirrors `enum State` of v2 (getJob(id).state). */
export const V2_STATES = ['none', 'open', 'running', 'submitted', 'settled', 'refunded'] as const;
export type V2JobState = (typeof V2_STATES)[number];
/** Mirrors `enum Round`. */
export const V2_ROUNDS = ['main', 'tiebreak', 'verify'] as const;
export type V2Round = (typeof V2_ROUNDS)[number];
/** Mirrors `enum SlotStatus`. */
export const V2_SLOT_STATUSES = ['empty', 'running', 'committed', 'revealed', 'done'] as const;
export type V2SlotStatus = (typeof V2_SLOT_STATUSES)[number];

const named = <T extends readonly string[]>(names: T, value: number | bigint, what: string): T[number] => {
  const name = names[Number(value)];
  if (name === undefined) throw new Error(`unknown ${what} ${value}`);
  return name;
};
export const v2StateName = (value: number | bigint): V2JobState => named(V2_STATES, value, 'market v2 job state');
export const v2RoundName = (value: number | bigint): V2Round => named(V2_ROUNDS, value, 'market v2 round');
export const v2SlotStatusName = (value: number | bigint): V2SlotStatus => named(V2_SLOT_STATUSES, value, 'market v2 slot status');

/**
 * Whether the contract at `address` is a v2 market: only v2 has MAX_REPLICAS() (v1 reverts on
 * the unknown selector). False for no code or any other contract.
 */
export async function isMarketV2(provider: Provider, address: string): Promise<boolean> {
  const market = new Contract(address, ['function MAX_REPLICAS() view returns (uint8)'], provider);
  try {
    const replicas = (await market.getFunction('MAX_REPLICAS')()) as bigint;
    return replicas > 0n;
  } catch {
    return false;
  }
}
