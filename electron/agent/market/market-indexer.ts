/**
 * Follows the market contract's job events into the job book (market-book.ts).
 *
 * Not `contract.on`: that keeps no cursor, misses events while the RPC is down and does
 * not rewind on reorgs (chain.md 3.6). Instead: a persisted cursor (block number + hash)
 * per chain id + market + genesis hash (a restarted devnet is a new chain at the same
 * addresses), chunked getLogs up to head − confirmations, dedupe by txHash:logIndex, and
 * on a cursor hash that is no longer canonical a rewind to the newest remembered block
 * that still is (or a full rescan), after which the jobs are folded again from their events.
 * The book and cursor are snapshotted in the data dir, so a restart resumes where it stopped.
 */
import { join } from 'node:path';
import type { JsonRpcProvider, Log } from 'ethers';
import { readJsonOrSetAside, writeJsonAtomically } from '../node-adapters/atomic-json-file';
import type { ChainConnection } from '../chain/chain-hub';
import type { Clock, Logger } from '../ports';
import { createMarketBook, type MarketBook } from './market-book';
import { decodeMarketLog, eventFromJson, eventToJson, JOB_EVENT_TOPICS, type MarketEvent } from './market-events';

export type GetLogs = (
  provider: JsonRpcProvider,
  filter: { address: string; topics: (string | string[] | null)[] },
  fromBlock: number,
  toBlock: number,
) => Promise<Log[]>;

const TARGET_LOGS_PER_STEP = 300;

export interface IndexerUpdate {
  changed: Set<string>;
  removed: Set<string>;
  /** The book was replaced (another chain, or a rewind past everything remembered). */
  reset: boolean;
}

export interface MarketIndexerDeps {
  connection: () => ChainConnection | null;
  reportFailure: (error: unknown) => void;
  getLogs: GetLogs;
  dataDir: string;
  logger: Logger;
  clock: Clock;
  /** Blocks to wait before an event counts (0 on the devnet). */
  confirmations: (connection: ChainConnection) => number;
  /** The market's reopenClaimWindow (seconds), read once per chain. */
  reopenClaimWindow: (connection: ChainConnection) => Promise<number>;
  onUpdate: (update: IndexerUpdate) => void;
  pollMs?: number;
  /** Largest block range applied (and checkpointed) per step. */
  stepBlocks?: number;
  /** How many recent block hashes are remembered for finding a rewind point. */
  rememberBlocks?: number;
  /** Minimum time between snapshot writes. */
  saveEveryMs?: number;
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
}

interface Snapshot {
  version: 1;
  chainKey: string;
  cursor: { block: number; hash: string } | null;
  recent: Array<[number, string]>;
  events: Array<Record<string, unknown>>;
}

export const chainKeyOf = (connection: ChainConnection): string =>
  `${connection.network.chainId}-${connection.network.marketAddress.toLowerCase()}-${connection.network.genesisHash.toLowerCase().slice(0, 18)}`;

async function blockHash(provider: JsonRpcProvider, block: number): Promise<{ hash: string; timestamp: number } | null> {
  // Raw RPC: ethers caches block lookups for a moment, and a rewind check must see the truth.
  const raw = (await provider.send('eth_getBlockByNumber', [`0x${block.toString(16)}`, false])) as { hash: string; timestamp: string } | null;
  return raw ? { hash: raw.hash, timestamp: Number(raw.timestamp) } : null;
}

export function createMarketIndexer(deps: MarketIndexerDeps): MarketIndexer {
  const pollMs = deps.pollMs ?? 1000;
  const stepBlocks = deps.stepBlocks ?? 5000;
  const rememberBlocks = deps.rememberBlocks ?? 128;
  const saveEveryMs = deps.saveEveryMs ?? 3000;
  let reopenWindow = 300;
  let span = Math.min(stepBlocks, 5);
  const book = createMarketBook(() => reopenWindow);
  let chainKey: string | null = null;
  let cursor: { block: number; hash: string } | null = null;
  let recent: Array<[number, string]> = [];
  let head: number | null = null;
  let lastError: string | null = null;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let stopped = true;
  let dirty = false;
  let lastSave = 0;
  const statusListeners = new Set<() => void>();
  const waiters: Array<{ block: number; resolve: () => void }> = [];

  const fileFor = (key: string) => join(deps.dataDir, 'market', 'index', `${key}.json`);
  const notify = () => {
    for (const listener of statusListeners) listener();
  };

  const load = (key: string) => {
    book.clear();
    cursor = null;
    recent = [];
    const read = readJsonOrSetAside<Snapshot>(
      fileFor(key),
      (raw) => {
        const s = raw as Snapshot;
        return s && s.version === 1 && s.chainKey === key && Array.isArray(s.events) ? { ok: true, value: s } : { ok: false, reason: 'not an index snapshot' };
      },
      deps.clock.now(),
    );
    if (read.kind === 'ok') {
      book.apply(read.value.events.map(eventFromJson));
      cursor = read.value.cursor;
      recent = read.value.recent;
      deps.logger.info('market index resumed', { chain: key, block: cursor?.block ?? null, jobs: book.size() });
    } else if (read.kind === 'corrupt') {
      deps.logger.warn('market index snapshot was unreadable; rescanning', { keptAs: read.keptAs, reason: read.reason });
    }
  };

  const save = async (force = false) => {
    if (!chainKey || !dirty) return;
    const now = Date.now();
    if (!force && now - lastSave < saveEveryMs) return;
    dirty = false;
    lastSave = now;
    const events: Array<Record<string, unknown>> = [];
    for (const job of book.all()) for (const e of job.events) events.push(eventToJson(e));
    const snapshot: Snapshot = { version: 1, chainKey, cursor, recent, events };
    await writeJsonAtomically(fileFor(chainKey), snapshot).catch((error: unknown) =>
      deps.logger.warn('could not save the market index', { error: String(error) }),
    );
  };

  const remember = (block: number, hash: string) => {
    cursor = { block, hash };
    recent.push([block, hash]);
    if (recent.length > rememberBlocks) recent.splice(0, recent.length - rememberBlocks);
  };

  /** Finds the newest remembered block still canonical; rewinds the book to it. */
  const rewind = async (provider: JsonRpcProvider, deploymentBlock: number): Promise<IndexerUpdate> => {
    let target: [number, string] | null = null;
    for (let i = recent.length - 1; i >= 0; i--) {
      const entry = recent[i] as [number, string];
      const canonical = await blockHash(provider, entry[0]);
      if (canonical && canonical.hash === entry[1]) {
        target = entry;
        break;
      }
    }
    if (!target) {
      deps.logger.warn('market index: chain rewound past every remembered block; rescanning from the deployment block');
      book.clear();
      recent = [];
      cursor = null;
      return { changed: new Set(), removed: new Set(), reset: true };
    }
    deps.logger.warn('market index: chain reorganised; rewinding', { from: cursor?.block, to: target[0] });
    const { changed, removed } = book.rewindTo(target[0]);
    recent = recent.filter(([block]) => block <= target[0]);
    cursor = { block: target[0], hash: target[1] };
    void deploymentBlock;
    return { changed, removed, reset: false };
  };

  const step = async (connection: ChainConnection): Promise<boolean> => {
    const { provider, network } = connection;
    const key = chainKeyOf(connection);
    if (key !== chainKey) {
      await save(true);
      chainKey = key;
      reopenWindow = await deps.reopenClaimWindow(connection);
      load(key);
      deps.onUpdate({ changed: new Set(), removed: new Set(), reset: true });
    }
    head = Number(await provider.send('eth_blockNumber', []));
    const target = head - deps.confirmations(connection);
    if (cursor) {
      const canonical = cursor.block <= head ? await blockHash(provider, cursor.block) : null;
      if (!canonical || canonical.hash !== cursor.hash) {
        const update = await rewind(provider, network.deploymentBlock);
        dirty = true;
        deps.onUpdate(update);
      }
    }
    const from = cursor ? cursor.block + 1 : network.deploymentBlock;
    if (from > target) return false;
    const to = Math.min(target, from + span - 1);
    const logs = await deps.getLogs(provider, { address: network.marketAddress, topics: [JOB_EVENT_TOPICS] }, from, to);
    const timestamps = new Map<number, number>();
    for (const log of logs) {
      if (log.removed) continue;
      if (log.topics[0] === JOB_EVENT_TOPICS[3] && !timestamps.has(log.blockNumber)) {
        timestamps.set(log.blockNumber, (await blockHash(provider, log.blockNumber))?.timestamp ?? 0);
      }
    }
    const events: MarketEvent[] = [];
    for (const log of logs) {
      if (log.removed) continue;
      const event = decodeMarketLog(log, (block) => timestamps.get(block) ?? 0);
      if (event) events.push(event);
    }
    const end = await blockHash(provider, to);
    if (!end) throw new Error(`block ${to} vanished while indexing`);
    // A log from a block that is no longer the one at its height means a reorg raced us: retry.
    if (logs.some((log) => log.blockNumber === to && log.blockHash !== end.hash)) return true;
    const changed = book.apply(events);
    remember(to, end.hash);
    // Adaptive step: nodes answer big eth_getLogs results slowly (Hardhat superlinearly),
    // so aim at a few hundred logs per request; empty ranges grow the step quickly.
    const blocks = to - from + 1;
    span = Math.max(1, Math.min(stepBlocks, blocks * 2, Math.round((blocks * TARGET_LOGS_PER_STEP) / Math.max(1, logs.length))));
    dirty = true;
    if (changed.size > 0) deps.onUpdate({ changed, removed: new Set(), reset: false });
    return to < target;
  };

  const pollOnce = async () => {
    const connection = deps.connection();
    if (!connection) return;
    try {
      let more = true;
      while (more && !stopped) more = await step(connection);
      if (stopped && !more) {
        // one-shot poll() after stop is fine; nothing else to do
      }
      lastError = null;
      await save();
    } catch (error) {
      lastError = error instanceof Error ? error.message.split('\n')[0] ?? String(error) : String(error);
      deps.logger.warn('market index poll failed', { error: lastError });
      deps.reportFailure(error);
    } finally {
      for (let i = waiters.length - 1; i >= 0; i--) {
        const waiter = waiters[i];
        if (waiter && cursor && cursor.block >= waiter.block) {
          waiters.splice(i, 1);
          waiter.resolve();
        }
      }
      notify();
    }
  };

  const poll = (): Promise<void> => {
    running ??= (async () => {
      const wasStopped = stopped;
      if (wasStopped) stopped = false;
      try {
        await pollOnce();
      } finally {
        if (wasStopped) stopped = true;
        running = null;
      }
    })();
    return running;
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      void poll().finally(schedule);
    }, pollMs);
    timer.unref?.();
  };

  return {
    book,
    status: () => ({
      block: cursor?.block ?? null,
      headBlock: head,
      syncing: head === null || cursor === null || cursor.block < head - (deps.connection() ? deps.confirmations(deps.connection() as ChainConnection) : 0),
      lastError,
      chainKey,
    }),
    poll,
    start() {
      if (!stopped) return;
      stopped = false;
      void poll().finally(schedule);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running?.catch(() => undefined);
      await save(true);
    },
    async caughtUp() {
      const connection = deps.connection();
      if (!connection) return;
      const target = Number(await connection.provider.send('eth_blockNumber', [])) - deps.confirmations(connection);
      if (cursor && cursor.block >= target) return;
      await new Promise<void>((resolve) => {
        waiters.push({ block: target, resolve });
        void poll();
      });
    },
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
  };
}
