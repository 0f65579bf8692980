/**
 * A real Hardhat 2 chain (EDR) in this process, for the contract tests and the gas figures:
 * chainId 31337, hardfork cancun (contracts/hardhat.config.cjs, loaded through HARDHAT_CONFIG
 * so the repo root has no Hardhat files). In-process means no child process can leak and a
 * transaction costs milliseconds. Time is driven explicitly (evm_setNextBlockTimestamp), so
 * deadline checks are tested at exact seconds rather than against the wall clock.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { BrowserProvider, type Eip1193Provider, type JsonRpcSigner } from 'ethers';
import { contractsDir } from '../../contracts/compile';

export interface TestChain {
  provider: BrowserProvider;
  signers: JsonRpcSigner[];
  rpc<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  /** Timestamp of the latest block. */
  latestTimestamp(): Promise<number>;
  /** The next mined block (the next transaction) gets exactly this timestamp. */
  setNextTimestamp(timestamp: number): Promise<void>;
  /** Mines an empty block `seconds` after the latest one. */
  advance(seconds: number): Promise<number>;
  snapshot(): Promise<string>;
  revert(id: string): Promise<void>;
}

let chain: Promise<TestChain> | null = null;

/** One chain per process (Hardhat keeps one runtime environment); isolate tests with snapshots. */
export function startTestChain(): Promise<TestChain> {
  chain ??= create();
  return chain;
}

async function create(): Promise<TestChain> {
  process.env.HARDHAT_CONFIG = join(contractsDir, 'hardhat.config.cjs');
  const require = createRequire(import.meta.url);
  const hre = require('hardhat') as { network: { provider: Eip1193Provider } };
  const eip1193 = hre.network.provider;
  // cacheTimeout -1: never serve a cached block number or balance after evm_revert/evm_mine.
  const provider = new BrowserProvider(eip1193, { chainId: 31337, name: 'hardhat' }, { cacheTimeout: -1 });
  const rpc = <T,>(method: string, params: unknown[] = []) => eip1193.request({ method, params }) as Promise<T>;
  const accounts = await rpc<string[]>('eth_accounts');
  const signers = await Promise.all(accounts.map((address) => provider.getSigner(address)));
  const latestTimestamp = async () => {
    const block = await rpc<{ timestamp: string }>('eth_getBlockByNumber', ['latest', false]);
    return Number(block.timestamp);
  };
  return {
    provider,
    signers,
    rpc,
    latestTimestamp,
    setNextTimestamp: async (timestamp) => {
      await rpc('evm_setNextBlockTimestamp', [timestamp]);
    },
    advance: async (seconds) => {
      const target = (await latestTimestamp()) + seconds;
      await rpc('evm_mine', [target]);
      return target;
    },
    snapshot: () => rpc<string>('evm_snapshot'),
    revert: async (id) => {
      const ok = await rpc<boolean>('evm_revert', [id]);
      if (!ok) throw new Error(`evm_revert(${id}) failed`);
    },
  };
}
