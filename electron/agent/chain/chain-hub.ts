/**
 * The agent's one view of the chain, shared by the wallet, the ledger and the marketplace
 * client. It follows the owner's network setting: for the local devnet (the default) it
 * makes sure a devnet is running and reads the deployed addresses; for a custom network it
 * connects to the RPC URL and refuses a chain whose id differs from the configured one.
 * Implemented in chain-hub-impl (electron/agent/chain/); features get it at composition.
 */
import type { JsonRpcProvider } from 'ethers';

export interface ResolvedNetwork {
  /** "Local devnet" or the RPC host. */
  label: string;
  isDevnet: boolean;
  chainId: number;
  rpcUrl: string;
  marketAddress: string;
  /** The market's immutable stablecoin (read from market.token()). */
  tokenAddress: string;
  token: { symbol: string; decimals: number };
  /** Block the market was deployed in: indexers and reconciliation start here. */
  deploymentBlock: number;
  /**
   * Hash of block 0. A restarted Hardhat devnet is a new chain at the same addresses:
   * anything keyed by chain (ledger, indexer cursor) must also key by this.
   */
  genesisHash: string;
}

export type ChainStatus =
  | { state: 'disabled'; message: string }
  | { state: 'connecting'; message: string }
  | { state: 'online'; network: ResolvedNetwork; headBlock: number; checkedAt: string }
  /** RPC unreachable or failing: bidding pauses, nothing is forgotten; retried with backoff. */
  | { state: 'offline'; message: string; since: string; network: ResolvedNetwork | null }
  | { state: 'wrong-chain'; message: string; expectedChainId: number; actualChainId: number };

export interface ChainConnection {
  readonly network: ResolvedNetwork;
  /** ethers provider: staticNetwork, polling, short request timeouts. */
  readonly provider: JsonRpcProvider;
}

export interface ChainHub {
  status(): ChainStatus;
  onStatus(listener: (status: ChainStatus) => void): () => void;
  /** The live connection, or null while not online. */
  connection(): ChainConnection | null;
  /** Resolves with the next online connection (rejects on stop). */
  whenOnline(): Promise<ChainConnection>;
  /** Reports an RPC failure seen by a user of the connection (moves the hub to offline and retries). */
  reportFailure(error: unknown): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}
