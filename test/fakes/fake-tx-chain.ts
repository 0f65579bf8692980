/**
 * An in-memory chain for the wallet's transaction queue: it accepts every broadcast (a raw
 * transaction here is "0xraw-<nonce>-<n>") through the chain port, counts nonces, and mines nothing, so nothing
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
  // Only what the queue asks of the chain port; every other call fails loudly.
  const port = new Proxy(
    {
      chainId: () => Promise.resolve(31337),
      feeData: () => Promise.resolve({ maxFeePerGas: 2_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n, gasPrice: null }),
      estimateGas: () => Promise.resolve(21_000n),
      nonce: (_from: string, tag: string) => Promise.resolve(tag === 'pending' ? nonces.size : 0),
      sendRawTransaction: (raw: string) => {
        broadcasts.push(raw);
        nonces.add(Number(raw.split('-')[1]));
        return Promise.resolve(`0x${raw}`);
      },
      receipt: () => Promise.resolve(null),
      hasTransaction: () => Promise.resolve(false),
      head: () => null,
      onHead: () => () => undefined,
    } as Record<string, unknown>,
    {
      get: (target, name: string) => target[name] ?? (() => Promise.reject(new Error(`the fake tx chain has no ${name}`))),
    },
  );
  const connection = {
    network: {
      label: 'fake', isDevnet: true, chainId: 31337, rpcUrl: 'http://127.0.0.1:1', marketAddress: TO, tokenAddress: TO,
      token: { symbol: 'tUSD', decimals: 6 }, deploymentBlock: 0, genesisHash: '0xgenesis',
    },
    port,
  } as unknown as ChainConnection;
  return { broadcasts, hub: staticHub(connection) };
}
