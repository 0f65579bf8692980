/**
 * The agent's one view of the chain, shared by the wallet, the ledger and the marketplace
 * client. It follows the owner's network setting: for the local devnet (the default) it
 * makes sure a devnet is running and reads the deployed addresses; for a custom network it
 * connects to the RPC URL and refuses a chain whose id differs from the configured one.
 * Implemented by createChainHub (create-chain-hub.ts); features get it at composition.
 */
import type { JsonRpcProvider } from 'ethers';
import type { ChainStatus, ResolvedNetwork } from '../../../shared/domain/chain';

export type { ChainStatus, ResolvedNetwork };

export interface ChainConnection {
  readonly network: ResolvedNetwork;
  /**
   * ethers provider: staticNetwork, polling, short request timeouts, small cacheTimeout.
   * The same object while the network stays the same (same RPC URL, chain id and genesis);
   * a new one (the old one destroyed) after a devnet restart or a settings change.
   */
  readonly provider: JsonRpcProvider;
}

export interface ChainHub {
  status(): ChainStatus;
  /** Called on every status change and on every periodic check while online (headBlock). */
  onStatus(listener: (status: ChainStatus) => void): () => void;
  /** The live connection, or null while not online. */
  connection(): ChainConnection | null;
  /** Resolves with the next online connection (rejects on stop). */
  whenOnline(): Promise<ChainConnection>;
  /**
   * Reports an RPC failure seen by a user of the connection: the hub checks the RPC at
   * once and, when it does not answer, goes offline and retries with backoff.
   */
  reportFailure(error: unknown): void;
  /** Starts connecting in the background; returns at once. Idempotent. */
  start(): Promise<void>;
  /** Stops checking, rejects pending whenOnline() and stops a devnet this hub started. */
  stop(): Promise<void>;
}
