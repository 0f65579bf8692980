/**
 * The market event log's types (market-indexer.ts): what it tells its folds, what it needs,
 * and what it offers.
 */
import type { ChainConnection } from '../chain/chain-hub';
import type { ChainBlock, ChainLog, ChainPort, LogFilter } from '../chain/chain-port';
import type { Clock, Logger } from '../ports';
import type { DecodedLog } from './market-events';
import type { MarketBook } from './market-book';
import type { MarketDocumentFacts } from '../../../shared/domain/market-document-facts';
import type { ReceivedEvent } from './token-transfers';

/** eth_getLogs through the port (tests wrap it to count calls). */
export type GetLogs = (port: ChainPort, filter: LogFilter, fromBlock: number, toBlock: number) => Promise<ChainLog[]>;

export interface IndexerUpdate {
  changed: Set<string>;
  removed: Set<string>;
  /** The book was replaced (another chain, or a rewind past everything remembered). */
  reset: boolean;
}

/** A log that could not be used, kept (a bounded window) for the owner to see. */
export interface InvalidJob {
  id: string;
  key: string;
  blockNumber: number;
  txHash: string;
  reason: string;
}

export interface MarketIndexerDeps {
  connection: () => ChainConnection | null;
  reportFailure: (error: unknown) => void;
  getLogs?: GetLogs;
  dataDir: string;
  logger: Logger;
  clock: Clock;
  /** Blocks to wait before an event counts (0 on the devnet). */
  confirmations: (connection: ChainConnection) => number;
  /** The market's reopenClaimWindow (seconds), read once per chain. */
  reopenClaimWindow: (connection: ChainConnection) => Promise<number>;
  /** Also told of every update (onUpdate() adds more listeners). */
  onUpdate?: (update: IndexerUpdate) => void;
  /** Our wallet: its jobs and withdrawals are always kept. */
  account?: () => string | null;
  /** The shared head stream; without it (tests) the log polls every pollMs. */
  onHead?: (listener: (head: ChainBlock) => void) => () => void;
  pollMs?: number;
  /** Largest block range applied (and checkpointed) per step. */
  stepBlocks?: number;
  /** While catching up, ask for the next range's logs while this one is processed (default on). */
  prefetchLogs?: boolean;
  /** How many recent block hashes are remembered for finding a rewind point. */
  rememberBlocks?: number;
  /** How many invalid jobs are remembered (newest kept). */
  invalidWindow?: number;
  /** Compact the file when it holds more than this many bytes and twice what is live. */
  compactAfterBytes?: number;
}

export interface IndexerStatus {
  block: number | null;
  headBlock: number | null;
  syncing: boolean;
  lastError: string | null;
  chainKey: string | null;
}

export interface MarketIndexer {
  book: MarketBook;
  status(): IndexerStatus;
  /** Runs one poll now (tests, and after our own transactions). */
  poll(): Promise<void>;
  start(): void;
  stop(): Promise<void>;
  /** Resolves once the cursor has reached the head seen at the time of the call. */
  caughtUp(): Promise<void>;
  onStatus(listener: () => void): () => void;
  onUpdate(listener: (update: IndexerUpdate) => void): () => void;
  /** Logs that could not be used (newest last), bounded. */
  invalid(): readonly InvalidJob[];
  /**
   * Every event of the jobs this account took part in, and its withdrawals, in chain
   * order: what the ledger folds. Null until the log has reached the head of this chain.
   */
  accountEvents(account: string): { chainKey: string; head: number; events: DecodedLog[] } | null;
  /** Token transfers to `account` (the token's Transfer events), newest first. */
  received(account: string): readonly ReceivedEvent[];
  /** Drops what is not needed any more and rewrites the file (also done on its own). */
  compact(): void;
  /** Bytes appended to the index file since start (benchmarks). */
  bytesWritten(): number;
  /**
   * A job's posted document as it was on chain, read back from the document file when it
   * is not in memory; '' when its text was not kept (unusable), null for an unknown job or
   * a document that cannot be read.
   */
  document(id: string): string | null;
  /**
   * The document, read again from the chain (its JobPosted log, by block, transaction and
   * log index) when its text was not kept because it could never fit this machine, then
   * kept. Resolves what document(id) gives otherwise.
   */
  fetchDocument(id: string): Promise<string | null>;
  /**
   * Why a valid document can never fit this machine (null: it may): such posts keep their
   * facts and place, not their text (the flood bound). Set by the market once the machine
   * is known; null until then (every text kept).
   */
  setNeverFits(neverFits: ((facts: MarketDocumentFacts) => string | null) | null): void;
}
