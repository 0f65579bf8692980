/**
 * The agent's one view of the chain, shared by the wallet, the ledger and the marketplace
 * client. It follows the owner's network setting: for the local devnet (the default) it
 * makes sure a devnet is running and reads the deployed addresses; for a custom network it
 * connects to the RPC URL and refuses a chain whose id differs from the configured one.
 * Implemented by createChainHub (create-chain-hub.ts); features get it at composition.
 */
import type { ChainStatus, ResolvedNetwork } from '../../../shared/domain/chain';
import type { ChainBlock, ChainPort } from './chain-port';

export type { ChainStatus, ResolvedNetwork };

export interface ChainConnection {
  readonly network: ResolvedNetwork;
  /**
   * The chain port (chain-port.ts): the only way to this chain. The same object while the
   * network stays the same (same RPC URL, chain id and genesis); a new one (the old one
   * destroyed) after a devnet restart or a settings change.
   */
  readonly port: ChainPort;
}

/**
 * The one identity of a chain: its id and its genesis (a restarted devnet is a new chain at
 * the same URL). The wallet's transactions belong to a chain.
 */
export const chainKeyOf = (network: Pick<ResolvedNetwork, 'chainId' | 'genesisHash'>): string =>
  `${network.chainId}-${network.genesisHash.toLowerCase().slice(0, 18)}`;

/**
 * A market on a chain (the chain key plus the market address): the event log's file, the
 * provider's records and the ledger's annotations are kept per market key.
 */
export const marketKeyOf = (network: Pick<ResolvedNetwork, 'chainId' | 'genesisHash' | 'marketAddress'>): string =>
  `${network.chainId}-${network.marketAddress.toLowerCase()}-${network.genesisHash.toLowerCase().slice(0, 18)}`;

export interface ChainHub {
  status(): ChainStatus;
  /** Called on every status change and on every periodic check while online (headBlock). */
  onStatus(listener: (status: ChainStatus) => void): () => void;
  /**
   * The one head stream of the live connection (follows reconnects): every new block,
   * once. Whoever needs to react to the chain moving listens here instead of polling.
   */
  onHead(listener: (head: ChainBlock) => void): () => void;
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
