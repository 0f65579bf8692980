/**
 * The v2 market's event log: the one follower of a v2 market's events while the agent
 * provides on v2 (the v1 log, market/market-indexer.ts, is not started then). The same
 * machinery as v1's, cut to what v2 needs: it moves with the chain hub's one head stream
 * (a slow safety timer only), keeps a persisted cursor (block number and hash) per market
 * key, reads getLogs up to head − confirmations in bounded steps, decodes each log on its
 * own (v2-events.ts: a hostile log becomes an `invalid` item, never an error), dedupes by
 * txHash:logIndex (the book), and on a cursor that is no longer canonical rewinds to the
 * newest remembered block that still is, or rescans from the deployment block.
 *
 * Persisted incrementally (v2-log-file.ts): each step appends its events and cursor; a
 * rewind appends a marker. Once the file passes compactAfterBytes (and twice what its last
 * compaction wrote) it is compacted (v2-compaction.ts: other wallets' finished jobs below the
 * reorg horizon are forgotten, in memory too; their records are kept as a sum). Another
 * wallet after a compaction forgot jobs reads the chain again from the deployment block.
 *
 * The token's Transfer events to our wallet ride along (v2-received.ts, the v1 decoder):
 * read in the same steps, persisted with the same cursor, rewound with the same reorgs, so
 * the wallet page explains the balance on a v2 market too (wallet/incoming-feature.ts).
 */
import { join } from 'node:path';
import { type ChainConnection, marketKeyOf } from '../chain/chain-hub';
import type { ChainBlock, ChainPort } from '../chain/chain-port';
import type { Logger } from '../ports';
import { createV2Book, type V2Book } from './v2-book';
import { decodeMarketV2Log, V2_EVENT_TOPICS, type V2AccountEvent, type V2Event, type V2JobEvent } from './v2-events';
import { openV2LogFile, type V2LogFile } from './v2-log-file';
import type { ReceivedEvent } from '../market/token-transfers';
import { createV2Received, receivedIn } from './v2-received';
import { planV2Compaction } from './v2-compaction';
import { addV2Records, type V2Records } from './v2-records';

export interface V2EventLogDeps {
  connection(): ChainConnection | null;
  reportFailure(error: unknown): void;
  dataDir: string;
  logger: Logger;
  /** Our wallet's address: the token's transfers to it are read along (none without). */
  account?: () => string | null;
  /** Blocks to wait before an event counts (0 on the devnet). */
  confirmations(connection: ChainConnection): number;
  /** The hub's head stream; without it (tests) the log polls every pollMs. */
  onHead?: (listener: (head: ChainBlock) => void) => () => void;
  pollMs?: number;
  stepBlocks?: number;
  rememberBlocks?: number;
  /** File size past which the log compacts (default 4 MiB, as v1's). */
  compactAfterBytes?: number;
}

export interface V2LogUpdate {
  changed: Set<string>;
  /** Set when a reorg rewound the log to this block (events above it are gone). */
  rewoundTo?: number;
  /** The book was replaced (another market, or a rewind past everything remembered). */
  reset: boolean;
}

export interface V2EventLogStatus {
  block: number | null;
  headBlock: number | null;
  syncing: boolean;
  lastError: string | null;
  chainKey: string | null;
}

export interface V2EventLog {
  book: V2Book;
  /** Stake and withdrawal events (every account), in chain order. */
  accountEvents(): readonly V2AccountEvent[];
  /** The token's transfers to `account` (our wallet), newest first. */
  received(account: string): readonly ReceivedEvent[];
  /** Records of the jobs compaction forgot (add them to a fold of the book: v2-records.ts). */
  recordsBase(): V2Records | undefined;
  /** Compacts now (tests, the benchmark); the log compacts by itself past compactAfterBytes. */
  compact(): void;
  status(): V2EventLogStatus;
  /** Timestamp of the newest head read (0 before the first). */
  chainTime(): number;
  poll(): Promise<void>;
  /** Resolves once the log has read up to head − confirmations; rejects when that read failed. */
  caughtUp(): Promise<void>;
  start(): void;
  stop(): Promise<void>;
  onUpdate(listener: (update: V2LogUpdate) => void): () => void;
  onStatus(listener: () => void): () => void;
}

const isJobEvent = (e: V2Event): e is V2JobEvent => 'id' in e;

export function createV2EventLog(deps: V2EventLogDeps): V2EventLog {
  const stepBlocks = deps.stepBlocks ?? 2000;
  const rememberBlocks = deps.rememberBlocks ?? 128;
  const compactAfterBytes = deps.compactAfterBytes ?? 4 * 1024 * 1024;
  const pollMs = deps.pollMs ?? 1000;
  const book = createV2Book();
  let accounts: V2AccountEvent[] = [];
  const accountKeys = new Set<string>();
  const received = createV2Received();
  /** The wallet whose transfers were read (its past ones once, when it became ours). */
  let keptFor: string | null = null;
  /** Records of the jobs compaction forgot (null: none forgotten), and the size it left. */
  let forgotten: V2Records | null = null;
  let compactedBytes = 0;
  let chainKey: string | null = null;
  let file: V2LogFile | null = null;
  let cursor: { block: number; hash: string } | null = null;
  let recent: Array<[number, string]> = [];
  let head: number | null = null;
  let chainTime = 0;
  let lastError: string | null = null;
  let pushedHead: ChainBlock | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = true;
  let timer: NodeJS.Timeout | null = null;
  let headOff: (() => void) | null = null;
  let cursorWrittenAt = 0;
  const updateListeners = new Set<(update: V2LogUpdate) => void>();
  const statusListeners = new Set<() => void>();
  const publish = (update: V2LogUpdate) => {
    for (const listener of updateListeners) listener(update);
  };

  const apply = (events: readonly V2Event[]): Set<string> => {
    for (const e of events) {
      if (isJobEvent(e) || accountKeys.has(e.key)) continue;
      accountKeys.add(e.key);
      accounts.push(e);
    }
    return book.apply(events.filter(isJobEvent));
  };

  const remember = (block: number, hash: string) => {
    cursor = { block, hash };
    recent.push([block, hash]);
    if (recent.length > rememberBlocks) recent.splice(0, recent.length - rememberBlocks);
  };

  const clear = () => {
    book.rewindTo(-1);
    accounts = [];
    accountKeys.clear();
    received.rewindTo(-1);
    forgotten = null;
    cursor = null;
    recent = [];
  };

  const load = (key: string) => {
    clear();
    file = openV2LogFile(join(deps.dataDir, 'market', 'v2-index', `${key}.jsonl`), deps.logger);
    keptFor = null;
    const loaded = file.load();
    if (!loaded) return;
    apply(loaded.events);
    received.add(loaded.received);
    keptFor = loaded.account;
    forgotten = loaded.forgotten;
    compactedBytes = file.size();
    cursor = loaded.cursor;
    recent = loaded.recent.slice(-rememberBlocks);
    deps.logger.info('market v2 index resumed', { chain: key, block: cursor?.block ?? null, jobs: book.size() });
  };

  const rewind = async (port: ChainPort): Promise<V2LogUpdate> => {
    let target: [number, string] | null = null;
    for (let i = recent.length - 1; i >= 0 && !target; i--) {
      const entry = recent[i]!;
      const canonical = await port.block(entry[0]);
      if (canonical && canonical.hash === entry[1]) target = entry;
    }
    if (!target) {
      deps.logger.warn('market v2 index: chain rewound past every remembered block; rescanning');
      clear();
      file?.rewind(-1, null);
      return { changed: new Set(), reset: true };
    }
    const at = target[0];
    deps.logger.warn('market v2 index: chain reorganised; rewinding', { from: cursor?.block, to: at });
    const changed = book.rewindTo(at);
    accounts = accounts.filter((a) => a.blockNumber <= at);
    accountKeys.clear();
    for (const a of accounts) accountKeys.add(a.key);
    received.rewindTo(at);
    recent = recent.filter(([block]) => block <= at);
    cursor = { block: at, hash: target[1] };
    file?.rewind(at, cursor);
    return { changed, reset: false, rewoundTo: at };
  };

  /** One bounded step; true when blocks are left to read. */
  const step = async (connection: ChainConnection): Promise<boolean> => {
    const { port, network } = connection;
    const key = marketKeyOf(network);
    if (key !== chainKey) {
      chainKey = key;
      load(key);
      publish({ changed: new Set(), reset: true });
    }
    const account = deps.account?.()?.toLowerCase() ?? null;
    const token = network.tokenAddress;
    if (account !== keptFor && account && forgotten) {
      // Compaction forgot other wallets' jobs, and this wallet's may be among them: read again.
      deps.logger.info('market v2 index: another wallet; rescanning for its history', { chain: key });
      clear();
      file?.rewind(-1, null);
      file?.account(account);
      keptFor = account;
      publish({ changed: new Set(), reset: true });
    }
    if (account !== keptFor && account && token) {
      // A wallet that became ours after the cursor moved: its past transfers, read once.
      const past = cursor ? await receivedIn(port, token, account, network.deploymentBlock, cursor.block) : [];
      if (cursor) file?.append([], cursor, past);
      file?.account(account);
      keptFor = account;
      if (received.add(past)) publish({ changed: new Set(), reset: false });
    }
    const announced = pushedHead;
    pushedHead = null;
    const latest = announced ?? (await port.latestBlock());
    head = latest.number;
    chainTime = latest.timestamp;
    if (cursor) {
      const grewOnTop = (latest.number === cursor.block && latest.hash === cursor.hash) || (latest.number === cursor.block + 1 && latest.parentHash === cursor.hash);
      if (!grewOnTop) {
        const canonical = cursor.block <= head ? (cursor.block === latest.number ? latest : await port.block(cursor.block)) : null;
        if (!canonical || canonical.hash !== cursor.hash) publish(await rewind(port));
      }
    }
    const target = head - deps.confirmations(connection);
    const from = cursor ? cursor.block + 1 : network.deploymentBlock;
    if (from > target) return false;
    const to = Math.min(target, from + stepBlocks - 1);
    const logs = (await port.getLogs({ address: network.marketAddress, topics: [V2_EVENT_TOPICS] }, from, to)).filter((l) => !l.removed);
    const end = to === latest.number ? latest : await port.block(to);
    if (!end) throw new Error(`block ${to} vanished while indexing`);
    // A log from a block that is no longer the one at its height: a reorg raced us; read again.
    if (logs.some((l) => l.blockNumber === to && l.blockHash !== end.hash)) return true;
    const events = logs.map((l) => decodeMarketV2Log(l)).filter((e): e is V2Event => e !== null);
    // The token's transfers to our wallet in the same blocks (same cursor, same reorg policy).
    const incoming = account && token && account === keptFor ? await receivedIn(port, token, account, from, to, latest) : [];
    if (incoming.some((r) => r.blockNumber === to && r.blockHash !== end.hash)) return true;
    const changed = apply(events);
    const came = received.add(incoming);
    remember(to, end.hash);
    // The cursor alone is written at most every 30 s (a restart reads those blocks again).
    if (events.length > 0 || incoming.length > 0 || Date.now() - cursorWrittenAt > 30_000) {
      file?.append(events, cursor!, incoming);
      cursorWrittenAt = Date.now();
    }
    if (changed.size > 0 || came) publish({ changed, reset: false });
    if (file && file.size() > compactAfterBytes && file.size() > 2 * compactedBytes) compact();
    return to < target;
  };

  /**
   * Rewrites the file with what is still needed and forgets the rest in memory. The reorg
   * horizon is rememberBlocks below the cursor (or the oldest remembered block, if newer):
   * remembered blocks below it are let go, so a rewind never reaches below it (one deeper
   * reads the chain again from the start), and only jobs whose every event lies below it go.
   * No update is published: nothing a view shows changed, and the price store keeps its points.
   */
  const compact = () => {
    if (!file || !cursor) return;
    const me = deps.account?.()?.toLowerCase() ?? keptFor;
    const horizon = Math.max(recent[0]?.[0] ?? cursor.block, cursor.block - rememberBlocks);
    recent = recent.filter(([block]) => block >= horizon);
    const plan = planV2Compaction(book.all(), accounts, me, horizon);
    book.forget(plan.drop);
    accounts = plan.accounts;
    accountKeys.clear();
    for (const a of accounts) accountKeys.add(a.key);
    if (plan.drop.length > 0 || forgotten) forgotten = addV2Records(forgotten ?? { providers: new Map(), requesters: new Map() }, plan.dropped);
    const before = file.size();
    compactedBytes = file.rewrite({ cursor, recent, account: me, events: plan.events, received: received.all(), forgotten });
    if (me) keptFor = me;
    deps.logger.info('market v2 index compacted', { jobsForgotten: plan.drop.length, jobsKept: book.size(), bytesBefore: before, bytesAfter: compactedBytes });
  };

  const pollOnce = async () => {
    const connection = deps.connection();
    if (!connection) return;
    try {
      let more = true;
      while (more && !stopped) more = await step(connection);
      lastError = null;
    } catch (error) {
      lastError = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
      deps.logger.warn('market v2 index poll failed', { error: lastError });
      deps.reportFailure(error);
    } finally {
      for (const listener of statusListeners) listener();
    }
  };

  const poll = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      const wasStopped = stopped;
      stopped = false;
      try {
        do {
          again = false;
          await pollOnce();
        } while (again && !wasStopped && !stopped);
      } finally {
        if (wasStopped) stopped = true;
        running = null;
      }
    })();
    return running;
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void poll().finally(schedule), deps.onHead ? Math.max(pollMs, 30_000) : pollMs);
    timer.unref?.();
  };

  return {
    book,
    accountEvents: () => accounts,
    received: (account) => received.to(account),
    recordsBase: () => forgotten ?? undefined,
    compact,
    status: () => {
      const connection = deps.connection();
      const lag = connection ? deps.confirmations(connection) : 0;
      return { block: cursor?.block ?? null, headBlock: head, syncing: head === null || cursor === null || cursor.block < head - lag, lastError, chainKey };
    },
    chainTime: () => chainTime,
    poll,
    async caughtUp() {
      const connection = deps.connection();
      if (!connection) return;
      const target = (await connection.port.latestBlock()).number - deps.confirmations(connection);
      if (chainKey === marketKeyOf(connection.network) && cursor && cursor.block >= target) return;
      // A poll reads in bounded steps until the target; a failed step leaves lastError.
      await poll();
      if (lastError !== null) throw new Error(lastError);
    },
    start() {
      if (!stopped) return;
      stopped = false;
      headOff =
        deps.onHead?.((block) => {
          pushedHead = block;
          void poll();
        }) ?? null;
      void poll().finally(schedule);
    },
    async stop() {
      stopped = true;
      headOff?.();
      headOff = null;
      if (timer) clearTimeout(timer);
      timer = null;
      await running?.catch(() => undefined);
      if (cursor) file?.append([], cursor);
    },
    onUpdate(listener) {
      updateListeners.add(listener);
      return () => updateListeners.delete(listener);
    },
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
  };
}
