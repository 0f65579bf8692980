/**
 * ABI and bytecode of the marketplace contract and its devnet token, taken from the committed
 * artifacts (resources/contracts/*.json, written by `npm run build:contracts` and checked
 * against the sources by test/contracts). Bundled into the app, so no compiler at runtime.
 */
import type { InterfaceAbi } from 'ethers';
import marketArtifact from '../../../resources/contracts/RigShiftMarket.json';
import tokenArtifact from '../../../resources/contracts/TestUSD.json';

/** RigShiftMarket: see contracts/RigShiftMarket.sol and docs/ARCHITECTURE.md (Marketplace contract). */
export const MARKET_ABI: InterfaceAbi = marketArtifact.abi as InterfaceAbi;
/** TestUSD (devnet faucet token). Its ERC-20 part also serves any real 6-decimal stablecoin. */
export const TOKEN_ABI: InterfaceAbi = tokenArtifact.abi as InterfaceAbi;

/** Creation bytecode, for deploying the devnet (ContractFactory(MARKET_ABI, MARKET_BYTECODE)). */
export const MARKET_BYTECODE: string = marketArtifact.bytecode;
export const TOKEN_BYTECODE: string = tokenArtifact.bytecode;

/** Mirrors `enum State` in the contract (getJob(id).state is this number). */
export const MarketJobState = { None: 0, Open: 1, Claimed: 2, Submitted: 3, Settled: 4, Refunded: 5 } as const;
export type MarketJobStateName = keyof typeof MarketJobState;
export const marketJobStateName = (state: number | bigint): MarketJobStateName => {
  const names = Object.keys(MarketJobState) as MarketJobStateName[];
  const name = names[Number(state)];
  if (!name) throw new Error(`unknown market job state ${state}`);
  return name;
};
