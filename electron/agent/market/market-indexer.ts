/**
 * The market event log: the one follower of the market contract's events. The job book
 * (market-book.ts), the provider's records (through market-feature's onUpdate) and the
 * ledger (accountEvents) are all folds of what it holds.
 *
 * Not `contract.on`: that keeps no cursor, misses events while the RPC is down and does
 * not rewind on reorgs (chain.md 3.6). Instead: a persisted cursor (block number + hash)
 * per market key (chain-hub.ts marketKeyOf: chain id + market + genesis), getLogs up to
 * head − confirmations, each log decoded on its own (market-events.ts: a log that cannot be
 * decoded becomes an invalid job with its reason and never stops the cursor), dedupe by
 * txHash:logIndex, and on a cursor hash that is no longer canonical a rewind to the newest
 * remembered block that still is (or a full rescan) — the one reorg policy.
 *
 * It moves with the chain's one head stream (no timer of its own while heads come), and it
 * is persisted incrementally (market-log-file.ts): each step appends its new events and
 * cursor; compaction keeps only what is needed (open jobs, our own jobs, withdrawals of
 * ours, a bounded window of invalid ones) and forgets the rest, in memory too. The token's
 * Transfer events to our wallet ride along (token-transfers.ts): same steps, cursor, file.
 */
import { join } from 'node:path';
import { type ChainConnection, marketKeyOf } from '../chain/chain-hub';
import type { ChainBlock, ChainPort } from '../chain/chain-port';
import { bloomMayContain } from '../chain/logs-bloom';
import { createMarketBook } from './market-book';
import { type DecodedLog, EVENT_LOG_TOPICS, type MarketEvent, partiesOf, type WithdrawnEvent } from './market-events';
import { createLogsAhead, decodeStepLogs } from './market-indexer-logs';
import type { MarketDocumentFacts } from '../../../shared/domain/market-document-facts';
import { createDocumentReader, documentsToStore } from './market-indexer-documents';
import { createMarketLogFile, type MarketLogFile } from './market-log-file';
import type { GetLogs, IndexerUpdate, InvalidJob, MarketIndexer, MarketIndexerDeps } from './market-indexer-types';
import { readReceived, type ReceivedEvent } from './token-transfers';

export type { GetLogs, IndexerStatus, IndexerUpdate, InvalidJob, MarketIndexer, MarketIndexerDeps } from './market-indexer-types';

/** Aim of the adaptive step: logs per eth_getLogs request. */
const TARGET_LOGS_PER_STEP = 300;

const byChainOrder = (a: DecodedLog, b: DecodedLog) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex;

export function createMarketIndexer(deps: MarketIndexerDeps): MarketIndexer {
  const pollMs = deps.pollMs ?? 1000;
  const stepBlocks = deps.stepBlocks ?? 5000;
  const prefetchOn = deps.prefetchLogs ?? true;
  const rememberBlocks = deps.rememberBlocks ?? 128;
  const invalidWindow = deps.invalidWindow ?? 200;
  const compactAfterBytes = deps.compactAfterBytes ?? 4 * 1024 * 1024;
  const getLogs: GetLogs = deps.getLogs ?? ((port, filter, from, to) => port.getLogs(filter, from, to));
  let reopenWindow = 300;
  let neverFits: ((facts: MarketDocumentFacts) => string | null) | null = null;
  /** Set by a step that left blocks to read in the same poll: its head and the cursor it set. */
  let catchingUp: { latest: ChainBlock; cursorHash: string } | null = null;
  /** While catching up, the next step's eth_getLogs asked ahead (market-indexer-logs.ts). */
  const prefetched = createLogsAhead();
  let span = Math.min(stepBlocks, 5);
  const book = createMarketBook(() => reopenWindow);
  const documents = createDocumentReader(book, () => file, deps.connection);
  let withdrawals: WithdrawnEvent[] = [];
  let received: ReceivedEvent[] = [];
  let invalid: InvalidJob[] = [];
  let chainKey: string | null = null;
  let cursor: { block: number; hash: string } | null = null;
  let recent: Array<[number, string]> = [];
  let head: number | null = null;
  let chainTime = 0;
  let lastError: string | null = null;
  let timer: NodeJS.Timeout | null = null;
  let headOff: (() => void) | null = null;
  /** The newest head the stream announced, used (once) by the next step instead of a read. */
  let pushedHead: ChainBlock | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = true;
  let file: MarketLogFile | null = null;
  /** The wallet whose jobs the log has kept, and whether compaction has forgotten any job. */
  let keptFor: string | null = null;
  let forgotAny = false;
  let cursorWrittenAt = 0;
  let written = 0;
  const statusListeners = new Set<() => void>();
  const updateListeners = new Set<(update: IndexerUpdate) => void>();
  const waiters: Array<{ block: number; resolve: () => void; reject: (error: Error) => void }> = [];

  const fileFor = (key: string) => join(deps.dataDir, 'market', 'index', key);
  const notify = () => {
    for (const listener of statusListeners) listener();
  };
  const publish = (update: IndexerUpdate) => {
    deps.onUpdate?.(update);
    for (const listener of updateListeners) listener(update);
  };
  const me = () => deps.account?.()?.toLowerCase() ?? null;

  const rememberInvalid = (entries: InvalidJob[]) => {
    if (entries.length === 0) return;
    invalid.push(...entries);
    if (invalid.length > invalidWindow) invalid.splice(0, invalid.length - invalidWindow);
  };

  const invalidOf = (event: DecodedLog): InvalidJob | null => {
    if (event.kind === 'invalid') return { id: event.id, key: event.key, blockNumber: event.blockNumber, txHash: event.txHash, reason: event.reason };
    if (event.kind === 'posted' && event.specError) return { id: event.id, key: event.key, blockNumber: event.blockNumber, txHash: event.txHash, reason: event.specError };
    return null;
  };

  /** Applies decoded events to the book, the withdrawals and the invalid window. */
  const applyAll = (events: DecodedLog[]): Set<string> => {
    const jobEvents: MarketEvent[] = [];
    const bad: InvalidJob[] = [];
    for (const event of events) {
      const problem = invalidOf(event);
      if (problem) bad.push(problem);
      if (event.kind === 'withdrawn') {
        if (!withdrawals.some((w) => w.key === event.key)) withdrawals.push(event);
      } else if (event.kind === 'received') {
        if (!received.some((r) => r.key === event.key)) received.push(event);
      } else if (event.kind !== 'invalid') jobEvents.push(event);
    }
    rememberInvalid(bad);
    return book.apply(jobEvents);
  };

  /** What compaction keeps: open jobs still claimable, and every job we took part in. */
  const needed = (jobEvents: readonly MarketEvent[], state: string, claimBy: number, account: string | null): boolean => {
    if (account && jobEvents.some((e) => partiesOf(e).includes(account))) return true;
    if (state !== 'open') return false;
    return chainTime === 0 || claimBy >= chainTime;
  };

  const liveEvents = (): DecodedLog[] => {
    const account = me();
    const kept: DecodedLog[] = [];
    for (const job of book.all()) if (needed(job.events, job.state, job.claimBy, account)) kept.push(...job.events);
    for (const w of withdrawals) if (!account || w.account.toLowerCase() === account) kept.push(w);
    for (const r of received) if (r.to.toLowerCase() === account) kept.push(r);
    return kept.sort(byChainOrder);
  };

  const compact = () => {
    if (!file || !chainKey) return;
    const account = me();
    // Forget in memory what is not needed: closed jobs of others, open jobs past their claim window.
    const dropped: string[] = [];
    for (const job of [...book.all()]) if (!needed(job.events, job.state, job.claimBy, account)) dropped.push(job.id);
    const removed = book.forget(dropped);
    if (removed.size > 0) forgotAny = true;
    withdrawals = withdrawals.filter((w) => !account || w.account.toLowerCase() === account);
    received = received.filter((r) => r.to.toLowerCase() === account);
    written += file.rewrite({ cursor, recent, account, invalid, events: liveEvents(), compacted: true });
    if (removed.size > 0) publish({ changed: new Set(), removed, reset: false });
  };

  /** Compacts once the file is big and at least half of what it holds is no longer needed. */
  const maybeCompact = () => {
    if (!file || file.size() <= compactAfterBytes || file.size() <= 2 * file.liveEstimate()) return;
    const account = me();
    let total = 0;
    let garbage = 0;
    for (const job of book.all()) {
      total++;
      if (!needed(job.events, job.state, job.claimBy, account)) garbage++;
    }
    // Mostly live (a flood of open jobs): rewriting would only copy it; wait until it doubles again.
    if (garbage * 2 < total) return file.markLive();
    compact();
  };

  const load = (key: string) => {
    book.clear();
    withdrawals = [];
    received = [];
    invalid = [];
    cursor = null;
    recent = [];
    keptFor = me();
    forgotAny = false;
    file = createMarketLogFile(fileFor(key), deps.logger, deps.clock);
    const loaded = file.load();
    if (!loaded) return;
    applyAll(loaded.events);
    keptFor = loaded.account;
    // A compacted file has forgotten other wallets' closed jobs.
    forgotAny = loaded.compacted === true;
    invalid = loaded.invalid.slice(-invalidWindow);
    cursor = loaded.cursor;
    recent = loaded.recent.slice(-rememberBlocks);
    deps.logger.info('market index resumed', { chain: key, block: cursor?.block ?? null, jobs: book.size() });
  };

  const remember = (block: number, hash: string) => {
    cursor = { block, hash };
    recent.push([block, hash]);
    if (recent.length > rememberBlocks) recent.splice(0, recent.length - rememberBlocks);
  };

  /** Finds the newest remembered block still canonical; rewinds the book to it. */
  const rewind = async (port: ChainPort): Promise<IndexerUpdate> => {
    prefetched.clear();
    let target: [number, string] | null = null;
    for (let i = recent.length - 1; i >= 0; i--) {
      const entry = recent[i] as [number, string];
      const canonical = await port.block(entry[0]);
      if (canonical && canonical.hash === entry[1]) {
        target = entry;
        break;
      }
    }
    if (!target) {
      deps.logger.warn('market index: chain rewound past every remembered block; rescanning from the deployment block');
      book.clear();
      withdrawals = [];
      received = [];
      recent = [];
      cursor = null;
      written += file?.rewrite({ cursor: null, recent: [], account: me(), invalid, events: [] }) ?? 0;
      return { changed: new Set(), removed: new Set(), reset: true };
    }
    deps.logger.warn('market index: chain reorganised; rewinding', { from: cursor?.block, to: target[0] });
    const at = target[0];
    const { changed, removed } = book.rewindTo(at);
    withdrawals = withdrawals.filter((w) => w.blockNumber <= at);
    received = received.filter((r) => r.blockNumber <= at);
    invalid = invalid.filter((x) => x.blockNumber <= at);
    recent = recent.filter(([block]) => block <= at);
    cursor = { block: at, hash: target[1] };
    written += file?.appendRewind(at, cursor) ?? 0;
    return { changed, removed, reset: false };
  };

  const receivedIn = (port: ChainPort, token: string, account: string, from: number, to: number) => readReceived(getLogs, port, token, account, from, to);

  const step = async (connection: ChainConnection): Promise<boolean> => {
    const { port, network } = connection;
    const key = marketKeyOf(connection.network);
    if (key !== chainKey) {
      chainKey = key;
      prefetched.clear();
      reopenWindow = await deps.reopenClaimWindow(connection);
      load(key);
      publish({ changed: new Set(), removed: new Set(), reset: true });
    }
    // Another wallet than the one whose history was kept, after compaction forgot jobs: its
    // past jobs may be gone from memory and file, so read the chain again from the start.
    const account = me();
    if (account !== keptFor) {
      if (forgotAny && account !== null) {
        deps.logger.info('market index: another wallet; rescanning for its history', { chain: key });
        book.clear();
        withdrawals = [];
        received = [];
        cursor = null;
        recent = [];
        forgotAny = false;
        prefetched.clear();
        written += file?.rewrite({ cursor: null, recent: [], account, invalid, events: [] }) ?? 0;
        publish({ changed: new Set(), removed: new Set(), reset: true });
      }
      keptFor = account;
      // The token transfers to a new wallet before the cursor: read once, up to the cursor.
      if (account && cursor && network.tokenAddress) {
        const past = await receivedIn(port, network.tokenAddress, account, network.deploymentBlock, cursor.block);
        applyAll(past);
        written += file?.append(past, cursor, []) ?? 0;
      }
    }
    // The head the stream just announced, else a fresh read (a timer pass, caughtUp()).
    const announced = pushedHead;
    pushedHead = null;
    // Catching up within one poll: the head read by the previous step will do, and the cursor
    // that step set from a block it had just read needs no second check (issue 11 ingest:
    // two RPCs per step saved; the next poll checks the cursor again).
    const resumed = catchingUp;
    catchingUp = null;
    const latest = announced ?? resumed?.latest ?? (await port.latestBlock());
    head = latest.number;
    chainTime = latest.timestamp;
    const target = head - deps.confirmations(connection);
    if (cursor && resumed?.cursorHash !== cursor.hash) {
      // The chain just grew on top of our cursor: nothing to check. Otherwise read the block.
      const grewOnTop = (latest.number === cursor.block && latest.hash === cursor.hash) || (latest.number === cursor.block + 1 && latest.parentHash === cursor.hash);
      if (!grewOnTop) {
        const canonical = cursor.block <= head ? (cursor.block === latest.number ? latest : await port.block(cursor.block)) : null;
        if (!canonical || canonical.hash !== cursor.hash) publish(await rewind(port));
      }
    }
    // Nothing of the market lies before its deployment block, even under an older cursor.
    const from = Math.max(cursor ? cursor.block + 1 : 0, network.deploymentBlock);
    if (from > target) return false;
    const to = Math.min(target, from + span - 1);
    // One new block whose bloom lacks the market's address has none of its logs: no request.
    const skip = from === to && to === latest.number && latest.logsBloom !== undefined && !bloomMayContain(latest.logsBloom, network.marketAddress);
    const fetchLogs = async (a: number, b: number) => (await getLogs(port, { address: network.marketAddress, topics: [EVENT_LOG_TOPICS] }, a, b)).filter((log) => !log.removed);
    const { logs } = skip ? { logs: [] } : await prefetched.take(from, to, fetchLogs);
    // Adaptive step: nodes answer big eth_getLogs results slowly (Hardhat superlinearly),
    // so aim at a few hundred logs per request; empty ranges grow the step quickly.
    const blocks = to - from + 1;
    span = Math.max(1, Math.min(stepBlocks, blocks * 2, Math.round((blocks * TARGET_LOGS_PER_STEP) / Math.max(1, logs.length))));
    // Read after the answer: the end block, and in a step that resumed a catch-up the cursor
    // too (its last check came before this answer, which may be of a fork the cursor is no
    // longer on). If it moved, nothing is applied and the next step checks it as a new poll does.
    const [end, cursorNow] = await Promise.all([to === latest.number ? latest : port.block(to), resumed && cursor ? port.block(cursor.block) : null]);
    if (!end) throw new Error(`block ${to} vanished while indexing`);
    if (resumed && cursorNow?.hash !== cursor?.hash) return true;
    // A log from a block that is no longer the one at its height means a reorg raced us: retry.
    if (logs.some((log) => log.blockNumber === to && log.blockHash !== end.hash)) return true;
    // Asked only now, after the cursor of the next step (this end) was read: see just above.
    if (to < target && prefetchOn) prefetched.ask(to + 1, Math.min(target, to + span), fetchLogs);
    // Each log on its own: one that cannot be decoded becomes an invalid event, never an error.
    const events = await decodeStepLogs(logs, port, account);
    // Documents go to the document file (deflated), not to memory.
    const { posts, packed } = documentsToStore(events, account, neverFits);
    // The token's transfers to our wallet in the same blocks (same cursor, same reorg policy).
    if (account && network.tokenAddress) {
      const mayHave = !(from === to && to === latest.number && latest.logsBloom !== undefined && !bloomMayContain(latest.logsBloom, network.tokenAddress));
      if (mayHave) events.push(...(await receivedIn(port, network.tokenAddress, account, from, to)));
      if (events.some((e) => e.kind === 'received' && e.blockNumber === to && e.blockHash !== end.hash)) return true;
    }
    if (file) {
      file.storeDocuments(packed).forEach((ref, i) => {
        const post = posts[i]!;
        post.doc = ref;
        post.spec = '';
        written += ref.len;
      });
    }
    const changed = applyAll(events);
    remember(to, end.hash);
    // Persist what is needed of this step: our own and open jobs' events, and the cursor.
    const toWrite = events.filter((e) => {
      if (e.kind === 'withdrawn') return !account || e.account.toLowerCase() === account;
      if (e.kind === 'received') return true;
      if (e.kind === 'invalid') return false;
      const job = book.get(e.id);
      return job ? needed(job.events, job.state, job.claimBy, account) || e.kind !== 'posted' : false;
    });
    // The cursor alone is written at most every 30 s (a restart re-reads those blocks).
    const newInvalid = invalid.filter((x) => x.blockNumber >= from);
    if (toWrite.length > 0 || newInvalid.length > 0 || Date.now() - cursorWrittenAt > 30_000) {
      written += file?.append(toWrite, cursor!, newInvalid) ?? 0;
      cursorWrittenAt = Date.now();
    }
    maybeCompact();
    if (changed.size > 0 || events.length > 0) publish({ changed, removed: new Set(), reset: false });
    if (to < target) catchingUp = { latest, cursorHash: end.hash };
    return to < target;
  };

  const pollOnce = async () => {
    const connection = deps.connection();
    if (!connection) return;
    try {
      let more = true;
      catchingUp = null;
      prefetched.clear();
      while (more && !stopped) more = await step(connection);
      lastError = null;
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
        } else if (waiter && lastError) {
          // A failed poll: whoever waits hears it now rather than hanging until a later success.
          waiters.splice(i, 1);
          waiter.reject(new Error(`the market index could not catch up: ${lastError}`));
        }
      }
      notify();
    }
  };

  const poll = (): Promise<void> => {
    if (running) {
      // A head arrived mid-poll: one more pass after this one.
      again = true;
      return running;
    }
    running = (async () => {
      const wasStopped = stopped;
      if (wasStopped) stopped = false;
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

  // With a head stream: a safety pass now and then (a missed head); without: the old poll.
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      void poll().finally(schedule);
    }, deps.onHead ? Math.max(pollMs, 30_000) : pollMs);
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
      // The cursor is written lazily while running: its newest value now.
      if (file && cursor) written += file.append([], cursor, []);
    },
    async caughtUp() {
      const connection = deps.connection();
      if (!connection) return;
      const target = (await connection.port.latestBlock()).number - deps.confirmations(connection);
      if (cursor && cursor.block >= target) return;
      await new Promise<void>((resolve, reject) => {
        waiters.push({ block: target, resolve, reject });
        void poll();
      });
    },
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    onUpdate(listener) {
      updateListeners.add(listener);
      return () => updateListeners.delete(listener);
    },
    invalid: () => invalid,
    accountEvents(account) {
      if (!chainKey || !cursor) return null;
      const who = account.toLowerCase();
      const events: DecodedLog[] = [];
      for (const job of book.all()) if (job.events.some((e) => partiesOf(e).includes(who))) events.push(...job.events);
      for (const w of withdrawals) if (w.account.toLowerCase() === who) events.push(w);
      return { chainKey, head: cursor.block, events: events.sort(byChainOrder) };
    },
    received(account) {
      const who = account.toLowerCase();
      return received.filter((r) => r.to.toLowerCase() === who).sort((a, b) => byChainOrder(b, a));
    },
    compact,
    bytesWritten: () => written,
    setNeverFits(predicate) {
      neverFits = predicate;
    },
    fetchDocument: (id) => documents.fetch(id),
    document: (id) => documents.read(id),
  };
}
