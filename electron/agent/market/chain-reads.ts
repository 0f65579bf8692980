/**
 * The few contract reads and call encodings the provider needs, in one place, with
 * bigint amounts and unix-second times.
 */
import { Contract, Interface } from 'ethers';
import type { ChainConnection } from '../chain/chain-hub';
import { MARKET_ABI, marketJobStateName, type MarketJobStateName, TOKEN_ABI } from '../chain/market-abi';
import { marketInterface } from './market-events';

export interface ChainJob {
  requester: string;
  provider: string;
  maxPricePerHour: bigint;
  ask: bigint;
  escrow: bigint;
  claimBy: number;
  runBy: number;
  claimedAt: number;
  submittedAt: number;
  maxDurationSeconds: number;
  billedSeconds: number;
  attempt: number;
  preemptible: boolean;
  state: MarketJobStateName;
}

export interface MarketConstants {
  minStake: bigint;
  challengeWindow: number;
  feeBps: number;
  reopenClaimWindow: number;
}

export function marketContract(connection: ChainConnection): Contract {
  return new Contract(connection.network.marketAddress, MARKET_ABI, connection.provider);
}

export function tokenContract(connection: ChainConnection): Contract {
  return new Contract(connection.network.tokenAddress, TOKEN_ABI, connection.provider);
}

export async function readConstants(connection: ChainConnection): Promise<MarketConstants> {
  const market = marketContract(connection);
  const [minStake, challengeWindow, feeBps, reopenClaimWindow] = await Promise.all([
    market.getFunction('minStake')() as Promise<bigint>,
    market.getFunction('challengeWindow')() as Promise<bigint>,
    market.getFunction('feeBps')() as Promise<bigint>,
    market.getFunction('reopenClaimWindow')() as Promise<bigint>,
  ]);
  return { minStake, challengeWindow: Number(challengeWindow), feeBps: Number(feeBps), reopenClaimWindow: Number(reopenClaimWindow) };
}

export async function readJob(connection: ChainConnection, id: string): Promise<ChainJob> {
  const j = (await marketContract(connection).getFunction('getJob')(BigInt(id))) as Record<string, unknown>;
  return {
    requester: j.requester as string,
    provider: j.provider as string,
    maxPricePerHour: j.maxPricePerHour as bigint,
    ask: j.ask as bigint,
    escrow: j.escrow as bigint,
    claimBy: Number(j.claimBy),
    runBy: Number(j.runBy),
    claimedAt: Number(j.claimedAt),
    submittedAt: Number(j.submittedAt),
    maxDurationSeconds: Number(j.maxDurationSeconds),
    billedSeconds: Number(j.billedSeconds),
    attempt: Number(j.attempt),
    preemptible: j.preemptible as boolean,
    state: marketJobStateName(j.state as bigint),
  };
}

export interface AccountReads {
  freeStake: bigint;
  lockedStake: bigint;
  credit: bigint;
  token: bigint;
  eth: bigint;
  allowance: bigint;
}

export async function readAccount(connection: ChainConnection, address: string): Promise<AccountReads> {
  const market = marketContract(connection);
  const token = tokenContract(connection);
  const [freeStake, lockedStake, credit, tokenBalance, eth, allowance] = await Promise.all([
    market.getFunction('freeStake')(address) as Promise<bigint>,
    market.getFunction('lockedStake')(address) as Promise<bigint>,
    market.getFunction('credit')(address) as Promise<bigint>,
    token.getFunction('balanceOf')(address) as Promise<bigint>,
    connection.provider.getBalance(address),
    token.getFunction('allowance')(address, connection.network.marketAddress) as Promise<bigint>,
  ]);
  return { freeStake, lockedStake, credit, token: tokenBalance, eth, allowance };
}

/** The latest block's timestamp (raw RPC: no cached block). */
export async function latestBlockTime(connection: ChainConnection): Promise<number> {
  const block = (await connection.provider.send('eth_getBlockByNumber', ['latest', false])) as { timestamp: string };
  return Number(block.timestamp);
}

const tokenInterface = new Interface(TOKEN_ABI);

export const encode = {
  claim: (id: string, ask: bigint) => marketInterface.encodeFunctionData('claim', [BigInt(id), ask]),
  submit: (id: string, digest: string, billed: number, uri: string) =>
    marketInterface.encodeFunctionData('submit', [BigInt(id), digest, billed, uri]),
  release: (id: string, served: number) => marketInterface.encodeFunctionData('release', [BigInt(id), served]),
  finalize: (id: string) => marketInterface.encodeFunctionData('finalize', [BigInt(id)]),
  withdraw: () => marketInterface.encodeFunctionData('withdraw', []),
  depositStake: (amount: bigint) => marketInterface.encodeFunctionData('depositStake', [amount]),
  approve: (spender: string, amount: bigint) => tokenInterface.encodeFunctionData('approve', [spender, amount]),
};

/** Devnet rules (no confirmations, faucet, loopback uploads): the embedded devnet only (chain/local-chain-rules.ts). */
export { isLocalChain } from '../chain/local-chain-rules';
