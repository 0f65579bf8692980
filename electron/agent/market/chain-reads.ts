/**
 * The few contract reads and call encodings the provider needs, in one place, with
 * bigint amounts and unix-second times.
 */
import { Interface, type Result } from 'ethers';
import type { ChainConnection } from '../chain/chain-hub';
import { readContract, readOne } from '../chain/contract-call';
import { marketJobStateName, type MarketJobStateName, TOKEN_ABI } from '../chain/market-abi';
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

const tokenInterface = new Interface(TOKEN_ABI);

/** A read of the market contract through the chain port. */
const market = <T>(connection: ChainConnection, fn: string, args: readonly unknown[] = []) =>
  readOne<T>(connection.port, connection.network.marketAddress, marketInterface, fn, args);
const token = <T>(connection: ChainConnection, fn: string, args: readonly unknown[] = []) =>
  readOne<T>(connection.port, connection.network.tokenAddress, tokenInterface, fn, args);

export async function readConstants(connection: ChainConnection): Promise<MarketConstants> {
  const [minStake, challengeWindow, feeBps, reopenClaimWindow] = await Promise.all([
    market<bigint>(connection, 'minStake'),
    market<bigint>(connection, 'challengeWindow'),
    market<bigint>(connection, 'feeBps'),
    market<bigint>(connection, 'reopenClaimWindow'),
  ]);
  return { minStake, challengeWindow: Number(challengeWindow), feeBps: Number(feeBps), reopenClaimWindow: Number(reopenClaimWindow) };
}

export async function readJob(connection: ChainConnection, id: string): Promise<ChainJob> {
  const j = (await readContract(connection.port, connection.network.marketAddress, marketInterface, 'getJob', [BigInt(id)]))[0] as Result & Record<string, unknown>;
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
  const [freeStake, lockedStake, credit, tokenBalance, eth, allowance] = await Promise.all([
    market<bigint>(connection, 'freeStake', [address]),
    market<bigint>(connection, 'lockedStake', [address]),
    market<bigint>(connection, 'credit', [address]),
    token<bigint>(connection, 'balanceOf', [address]),
    connection.port.balance(address),
    token<bigint>(connection, 'allowance', [address, connection.network.marketAddress]),
  ]);
  return { freeStake, lockedStake, credit, token: tokenBalance, eth, allowance };
}

/** The latest block's timestamp: from the one head stream while it runs, else read now. */
export async function latestBlockTime(connection: ChainConnection): Promise<number> {
  return (connection.port.head() ?? (await connection.port.latestBlock())).timestamp;
}

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
