/**
 * An in-memory chain for the wallet's transaction queue: it accepts every broadcast (a raw
 * transaction here is "0xraw-<nonce>-<n>"), counts nonces, and mines nothing, so nothing
 * settles unless a test says so.
 */
import type { ChainConnection } from '../../electron/agent/chain/chain-hub';
import { staticHub } from '../unit/wallet/support/wallet-devnet';

export const FAKE_FROM = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
export const FAKE_TO = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
const TO = FAKE_TO;

/** An in-memory chain that accepts every broadcast and mines nothing (so nothing settles). */
export function fakeTxChain() {
  const broadcasts: string[] = [];
  const nonces = new Set<number>();
  const provider = {
    send: (method: string) => (method === 'eth_chainId' ? Promise.resolve('0x7a69') : Promise.reject(new Error(method))),
    getFeeData: () => Promise.resolve({ maxFeePerGas: 2_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n, gasPrice: null }),
    estimateGas: () => Promise.resolve(21_000n),
    getTransactionCount: (_from: string, tag: string) => Promise.resolve(tag === 'pending' ? nonces.size : 0),
    broadcastTransaction: (raw: string) => {
      broadcasts.push(raw);
      nonces.add(Number(raw.split('-')[1]));
      return Promise.resolve({});
    },
    getTransactionReceipt: () => Promise.resolve(null),
    getTransaction: () => Promise.resolve(null),
  };
  const connection = {
    network: {
      label: 'fake', isDevnet: true, chainId: 31337, rpcUrl: 'http://127.0.0.1:1', marketAddress: TO, tokenAddress: TO,
      token: { symbol: 'tUSD', decimals: 6 }, deploymentBlock: 0, genesisHash: '0xgenesis',
    },
    provider,
  } as unknown as ChainConnection;
  return { broadcasts, hub: staticHub(connection) };
}
