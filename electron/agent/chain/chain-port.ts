/**
 * The chain port: the agent's only way to the chain. Everything outside electron/agent/chain
 * (wallet, ledger, market) reaches the chain through this interface, never through ethers'
 * provider types, so one in-memory fake (test/fakes/fake-chain.ts) stands in for the node
 * in unit tests. The real one is ethers-chain-port.ts.
 *
 * One head stream per connection, shared by every user (the indexer, the wallet's receipt
 * checks, the market's chain clock), instead of each feature polling eth_blockNumber on its
 * own timer: newHeads over WebSocket where the endpoint offers it, else a single poll of the
 * latest block (head-stream.ts).
 */

/** A block as the agent needs it: where it is, which one it is, and when it was made. */
export interface ChainBlock {
  number: number;
  hash: string;
  /** Unix seconds. */
  timestamp: number;
  /** The block it builds on (lets a follower skip a rewind check when the chain just grew). */
  parentHash?: string;
  /** The block's logs bloom (chain/logs-bloom.ts), where the RPC gives it. */
  logsBloom?: string;
}

/** One event log, plain data (no ethers objects): what the decoder reads. */
export interface ChainLog {
  address: string;
  blockNumber: number;
  blockHash: string;
  transactionHash: string;
  /** Position of the log in its block. */
  index: number;
  topics: readonly string[];
  data: string;
  removed: boolean;
}

export interface LogFilter {
  address: string;
  topics: (string | string[] | null)[];
}

export interface CallRequest {
  to: string;
  data: string;
  from?: string;
  value?: bigint;
}

export interface ChainReceipt {
  from: string;
  /** 1 success, 0 reverted. */
  status: number;
  blockNumber: number;
  gasUsed: bigint;
  /** What the sender paid per gas. */
  effectiveGasPrice: bigint;
}

export interface FeeData {
  maxFeePerGas: bigint | null;
  maxPriorityFeePerGas: bigint | null;
  gasPrice: bigint | null;
}

export interface ChainPort {
  /** The newest head the shared stream has seen; null before the first and while nobody listens (it would be stale). */
  head(): ChainBlock | null;
  /**
   * Called once per new head (a new number or a new hash at the same number: a reorg).
   * The stream runs while anyone listens. Returns the unsubscribe function.
   */
  onHead(listener: (head: ChainBlock) => void): () => void;
  /** How the head stream gets heads now ('newHeads' pushed, or 'poll'); null while it does not run. */
  headVia?(): 'newHeads' | 'poll' | null;
  /** Reads the latest block now (uncached), and feeds it to the head stream. */
  latestBlock(): Promise<ChainBlock>;
  /** A block by number, uncached (a rewind check must see the truth); null past the head. */
  block(number: number): Promise<ChainBlock | null>;
  /** eth_getLogs over any range (chunked to what the RPC allows). */
  getLogs(filter: LogFilter, fromBlock: number, toBlock: number): Promise<ChainLog[]>;
  /** eth_call at the latest block; throws on revert (with the revert data where the RPC gives it). */
  call(request: CallRequest): Promise<string>;
  balance(address: string): Promise<bigint>;
  /** Contract code at an address ('0x' when none), at a block or the latest. */
  code(address: string, blockNumber?: number): Promise<string>;
  /** The account's transaction count: 'pending' includes the mempool. */
  nonce(address: string, tag: 'pending' | 'latest'): Promise<number>;
  estimateGas(request: CallRequest): Promise<bigint>;
  feeData(): Promise<FeeData>;
  chainId(): Promise<number>;
  /** Broadcasts signed bytes; resolves with the hash. */
  sendRawTransaction(raw: string): Promise<string>;
  /** The receipt of a mined transaction, null while it is not mined. */
  receipt(hash: string): Promise<ChainReceipt | null>;
  /** Whether the node still knows the transaction (mined or in its mempool). */
  hasTransaction(hash: string): Promise<boolean>;
  /** Stops the head stream and closes the connection. */
  destroy(): void;
}
