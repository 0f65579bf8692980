/**
 * The marketplace client as an agent feature: follows the market (indexer), judges every
 * open job with the one evaluation function, claims the best fitting one per free device
 * at the owner's price, and drives each claimed job through run, upload, submit, finalize
 * and withdrawal (market-provider.ts). Answers the Market page's calls and pushes
 * `marketStatus`, `marketJob` (also read by the ledger) and batched `marketJobs`.
 *
 * Bidding pauses, with the reason shown, whenever the chain is offline, the wallet is
 * missing or locked, the stake cannot be covered or availability has no free device; job
 * records are kept through all of it and reconciled with the chain when it comes back.
 */
import type { AgentFeature, AgentFeatureContext } from '../agent-feature';
import { AgentError } from '../../../shared/api/result';
import type { GpuAvailability } from '../../../shared/domain/availability';
import {
  ACTIVE_PROVIDER_STATES,
  type MarketJob,
  type MarketStatus,
  type ProviderJob,
} from '../../../shared/domain/market';
import { parseMarketDocument } from '../../../shared/domain/market-evaluation';
import type { ChainConnection, ChainHub } from '../chain/chain-hub';
import { devnetFund as realDevnetFund } from '../chain/devnet-faucet';
import type { Clock, Logger } from '../ports';
import type { WalletAccess } from '../wallet/wallet-access';
import { type AccountReads, latestBlockTime, type MarketConstants, readAccount, readConstants } from './chain-reads';
import type { BookJob } from './market-book';
import { marketKeyOf } from '../chain/chain-hub';
import type { GetLogs, MarketIndexer } from './market-indexer';
import { createMarketEventLog } from './market-event-log';
import { createMarketProvider, isTerminal, type MarketProvider } from './market-provider';
import { createProviderRecords } from './provider-records';
import { biddingBlocks, marketJobView, marketStatusOf } from './market-views';
import { createMarketCalls } from './market-calls';
import { createVerdicts } from './market-verdicts';
import { createListBatcher } from './market-list-events';
import { syncClosedRecords, syncFromBook } from './provider-sync';
import { ensureStake, type FundsDeps, withdrawIfDue } from './market-funds';

export interface MarketFeatureDeps {
  chain: ChainHub;
  wallet: WalletAccess;
  dataDir: string;
  logger: Logger;
  clock: Clock;
  /** The one market event log, shared with the ledger (compose.ts); made here when absent (tests). */
  events?: MarketIndexer;
  getLogs?: GetLogs;
  devnetFund?: typeof realDevnetFund;
  /** Confirmations on custom networks (the devnet uses 0). */
  confirmations?: number;
  tickMs?: number;
  indexerPollMs?: number;
  /** Withdraw when this many settled jobs are waiting, or the credit reaches thresholdMicros, or at idle. */
  withdraw?: { minSettled?: number; thresholdMicros?: bigint };
}

export interface MarketFeature extends AgentFeature {
  /** For tests and benchmarks. */
  internals: { indexer: MarketIndexer; provider: MarketProvider; tick(): Promise<void>; evaluateAll(): number };
}


export function createMarketFeature(deps: MarketFeatureDeps): MarketFeature {
  const { logger, clock, wallet, chain } = deps;
  const fund = deps.devnetFund ?? realDevnetFund;
  const tickMs = deps.tickMs ?? 3000;
  const minSettled = deps.withdraw?.minSettled ?? 5;
  const withdrawThreshold = deps.withdraw?.thresholdMicros ?? 10_000_000n;
  let ctx: AgentFeatureContext | null = null;
  let longRunning = false;
  let timer: NodeJS.Timeout | null = null;
  let stopped = true;
  let ticking: Promise<void> | null = null;
  let tickAgain = false;
  let chainKey: string | null = null;
  let constants: MarketConstants | null = null;
  let account: AccountReads | null = null;
  let accountReadAt = 0;
  let accountReadHead: number | null = null;
  let chainTime = 0;
  const notices: string[] = [];
  let blocks: MarketStatus['blocks'] = [];
  let releaseHold: (() => void) | null = null;
  let lastStatusJson = '';
  let withdrawing: Promise<unknown> | null = null;


  const records = createProviderRecords({ dataDir: deps.dataDir, logger, clock });

  const provider = createMarketProvider({
    wallet,
    records,
    dataDir: deps.dataDir,
    clock,
    logger,
    startJob: (spec, deviceId, jobId) => {
      if (!ctx) throw new AgentError('not_started', 'The market feature is not started.');
      return ctx.startJob(spec, deviceId, jobId);
    },
    cancelJob: async (jobId) => (ctx?.cancelJob ? ctx.cancelJob(jobId) : false),
    onChange: (job) => {
      ctx?.emit('marketJob', job);
      queueList(job.chainJobId);
      soon();
    },
    deviceAvailable: (deviceId) => deviceState(deviceId)?.state === 'available',
  });

  const { dataDir, confirmations, getLogs, indexerPollMs: pollMs } = deps;
  const indexer = deps.events ?? createMarketEventLog({ chain, dataDir, logger, clock, account: () => wallet.address(), confirmations, getLogs, pollMs });
  // The book and the provider's records are folds of the event log.
  indexer.onUpdate((update) => {
    if (update.reset) {
      judge.clear();
      list.reset();
    }
    for (const id of update.removed) {
      judge.forget(id);
      list.removed(id);
    }
    for (const id of update.changed) {
      verdicts.delete(id);
      const book = indexer.book.get(id);
      if (book) void syncFromBook(provider, book, wallet.address()?.toLowerCase(), clock.now());
      queueList(id);
    }
    soon();
  });

  const list = createListBatcher({
    emit: (update) => ctx?.emit('marketJobs', update),
    view: (id) => {
      const book = indexer.book.get(id);
      return book ? view(book) : null;
    },
    enabled: () => ctx !== null,
  });
  const queueList = (id: string) => list.changed(id);

  // ------------------------------------------------------------------ evaluation

  function deviceState(deviceId: string): GpuAvailability | undefined {
    const report = ctx?.availability();
    if (!report) return undefined;
    return report.gpus.find((g) => g.gpuUuid === deviceId) ?? (deviceId === 'cpu' ? report.gpus[0] : undefined);
  }

  const busyDevices = () =>
    new Set(
      [...provider.jobs.values()]
        .filter((j) => ['claiming', 'claimed', 'running'].includes(j.record.state) && !j.extra.gaveUp)
        .map((j) => j.record.deviceId)
        .filter((d): d is string => d !== null),
    );

  const judge = createVerdicts({
    context: () => ctx,
    chain,
    clock,
    wallet,
    book: indexer.book,
    busyDevices,
    chainTime: () => chainTime,
    onStale: (id) => queueList(id),
    onReset: () => list.reset(),
  });
  const { parsedFor, evaluate, evaluateAll, verdictOf, currentChainTime } = judge;
  const verdicts = judge.verdicts;

  // ------------------------------------------------------------------ views

  const view = (book: BookJob): MarketJob =>
    marketJobView(book, parsedFor(book), verdictOf(book), provider.jobs.get(book.id)?.record ?? null, chain.connection()?.network.chainId ?? 0);

  const isActive = (job: ProviderJob) => ACTIVE_PROVIDER_STATES.includes(job.state) && job.problem === null;

  const status = (): MarketStatus =>
    marketStatusOf({
      biddingWanted: ctx?.settings().market.bidding ?? false,
      biddingActive: blocks.length === 0 && longRunning,
      blocks,
      hub: chain.status(),
      wallet: { address: wallet.address(), unlocked: wallet.isUnlocked() },
      account,
      constants,
      indexer: indexer.status(),
      books: indexer.book.all(),
      fits: (id) => verdicts.get(id)?.fits ?? false,
      mine: [...provider.jobs.values()].map((j) => j.record),
      notices,
      chainNow: currentChainTime(),
      now: clock.now(),
    });

  function emitStatus() {
    if (!ctx) return;
    const next = status();
    const json = JSON.stringify({ ...next, updatedAt: '' });
    if (json === lastStatusJson) return;
    lastStatusJson = json;
    ctx.emit('marketStatus', next);
  }

  // ------------------------------------------------------------------ chain context

  async function ensureChainContext(connection: ChainConnection): Promise<boolean> {
    const key = marketKeyOf(connection.network);
    if (key === chainKey && constants) return true;
    constants = await readConstants(connection);
    chainKey = key;
    account = null;
    const loaded = records.load(key);
    provider.setContext({ connection, chainKey: key, constants }, loaded, (id) => {
      const book = indexer.book.get(id);
      const doc = book ? parseMarketDocument(book.spec) : null;
      return doc?.ok ? doc.spec : null;
    });
    if (loaded.length > 0) logger.info('market job records loaded', { chain: key, jobs: loaded.length });
    return true;
  }

  /** Specs of records loaded before the index had their jobs (first start after a restart). */
  function fillSpecs() {
    for (const entry of provider.jobs.values()) {
      if (entry.spec || isTerminal(entry.record.state)) continue;
      const book = indexer.book.get(entry.record.chainJobId);
      if (!book) continue;
      const doc = parsedFor(book);
      if (doc.ok) {
        entry.spec = doc.spec;
        entry.extra.uploadUrl ??= doc.document.upload.url;
      }
    }
  }

  /** Jobs the chain says we hold but we have no record of (records lost): never forgotten. */
  async function adoptOrphans() {
    const me = wallet.address()?.toLowerCase();
    if (!me || indexer.status().syncing) return;
    for (const book of indexer.book.all()) {
      if ((book.state !== 'claimed' && book.state !== 'submitted') || book.provider?.toLowerCase() !== me) continue;
      const known = provider.jobs.get(book.id)?.record;
      if (known && !isTerminal(known.state)) continue;
      // A record that already closed this very attempt (released, settled) only means the
      // index has not caught up with the event yet: adopting would overwrite the record.
      if (known && known.attempt !== null && known.attempt >= book.attempt) continue;
      const doc = parsedFor(book);
      if (!doc.ok) continue;
      const gpu = ctx?.availability().gpus.find((g) => g.gpuUuid !== 'cpu')?.gpuUuid ?? null;
      await provider.adopt(book, doc.spec, doc.document.upload.url, doc.spec.resources.gpus > 0 ? gpu : 'cpu');
    }
  }

  // ------------------------------------------------------------------ bidding

  const computeBlocks = (connection: ChainConnection | null): MarketStatus['blocks'] =>
    ctx
      ? biddingBlocks({
          longRunning,
          bidding: ctx.settings().market.bidding,
          connection,
          hub: chain.status(),
          wallet: { address: wallet.address(), unlocked: wallet.isUnlocked() },
          syncing: indexer.status().syncing,
          account,
          constants,
          devices: ctx.availability().gpus,
          busy: busyDevices(),
        })
      : [{ code: 'one-shot', message: 'The agent is not running.' }];

  async function refreshAccount(connection: ChainConnection, force = false) {
    const address = wallet.address();
    if (!address) return;
    // Stake, credit and balances change only with a block: read again when the head moved
    // (at most every 2 s), or every 30 s whatever happens, or when asked to.
    const headNow = connection.port.head()?.number ?? null;
    const age = Date.now() - accountReadAt;
    if (!force && age < 2000) return;
    if (!force && headNow !== null && headNow === accountReadHead && age < 30_000) return;
    account = await readAccount(connection, address);
    accountReadAt = Date.now();
    accountReadHead = headNow;
  }

  function notice(text: string) {
    notices.push(`${clock.now().toISOString().slice(11, 19)} ${text}`);
    if (notices.length > 20) notices.splice(0, notices.length - 20);
    logger.info(text);
  }

  const funds: FundsDeps = {
    wallet,
    fund,
    notice,
    read: async () => {
      const connection = chain.connection();
      if (connection) await refreshAccount(connection, true);
      return account;
    },
  };

  async function bid(connection: ChainConnection) {
    evaluateAll();
    const busy = busyDevices();
    const candidates = [...indexer.book.all()]
      .filter((b) => b.state === 'open' && verdicts.get(b.id)?.fits && !provider.jobs.get(b.id)?.record.state.match(/^(claiming|claimed|running)$/))
      .sort((a, b) => a.claimBy - b.claimBy || Number(BigInt(a.id) - BigInt(b.id)));
    for (const book of candidates) {
      // Fresh verdict at the moment of claiming (devices may have been taken this tick).
      const verdict = evaluate(book, busy);
      if (!verdict.fits || verdict.ask === null || verdict.deviceId === null || busy.has(verdict.deviceId)) continue;
      const doc = parsedFor(book);
      if (!doc.ok) continue;
      if (!constants || !(await ensureStake(funds, connection, constants))) {
        blocks = [...blocks, { code: 'no-stake', message: 'Not enough free stake, and the wallet cannot cover the deposit.' }];
        return;
      }
      busy.add(verdict.deviceId);
      logger.info('claiming a market job', { id: book.id, ask: verdict.ask.toString(), device: verdict.deviceId });
      void provider.claim(book, doc.spec, doc.document.upload.url, verdict.ask, verdict.deviceId).finally(() => {
        void refreshAccount(connection, true).catch(() => undefined);
        soon();
      });
      // One stake per claim: the next claim waits for the next tick's stake check.
      return;
    }
  }

  const maybeWithdraw = (connection: ChainConnection, force = false) =>
    withdrawIfDue(funds, connection, provider, { force, isActive, minSettled, thresholdMicros: withdrawThreshold, now: () => clock.now() });

  // ------------------------------------------------------------------ the loop

  async function tickOnce() {
    if (!ctx) return;
    const connection = chain.connection();
    try {
      if (connection) {
        await ensureChainContext(connection);
        chainTime = await latestBlockTime(connection);
        if (wallet.address()) await refreshAccount(connection);
        fillSpecs();
        await syncClosedRecords(provider, (id) => indexer.book.get(id), wallet.address()?.toLowerCase(), clock.now());
      }
      blocks = computeBlocks(connection);
      if (connection) {
        await adoptOrphans();
        for (const entry of provider.jobs.values()) {
          if (!isTerminal(entry.record.state) && !entry.extra.gaveUp && wallet.isUnlocked()) void provider.advance(entry);
        }
        evaluateAll();
        if (blocks.length === 0) await bid(connection);
        if (!withdrawing && wallet.isUnlocked()) {
          withdrawing = maybeWithdraw(connection)
            .catch((error: unknown) => logger.warn('withdraw failed', { error: String(error) }))
            .finally(() => (withdrawing = null));
        }
      }
      // Keep the wallet unlocked while a claimed job is in flight (its submit must be signed).
      const active = [...provider.jobs.values()].some((j) => isActive(j.record));
      if (active && !releaseHold && wallet.isUnlocked()) releaseHold = wallet.holdUnlocked('a market job is in flight');
      if (!active && releaseHold) {
        releaseHold();
        releaseHold = null;
      }
    } catch (error) {
      logger.warn('market tick failed', { error: error instanceof Error ? error.message.split('\n')[0] : String(error) });
      if (connection) chain.reportFailure(error);
    } finally {
      emitStatus();
    }
  }

  function tick(): Promise<void> {
    if (ticking) {
      tickAgain = true;
      return ticking;
    }
    ticking = (async () => {
      do {
        tickAgain = false;
        await tickOnce();
      } while (tickAgain && !stopped);
    })().finally(() => (ticking = null));
    return ticking;
  }

  let soonTimer: NodeJS.Timeout | null = null;
  function soon() {
    if (stopped || soonTimer) return;
    soonTimer = setTimeout(() => {
      soonTimer = null;
      void tick();
    }, 20);
    soonTimer.unref?.();
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => void tick().finally(schedule), tickMs);
    timer.unref?.();
  }

  // ------------------------------------------------------------------ calls

  const handlers = createMarketCalls({
    book: indexer.book,
    evaluateAll,
    fits: (id) => verdicts.get(id)?.fits ?? false,
    chainNow: () => currentChainTime(),
    view,
    status,
    parsedFor,
    provider,
    context: () => ctx,
    tick,
    withdraw: async () => {
      const connection = chain.connection();
      if (!connection) throw new AgentError('chain_offline', 'The chain is not connected.', 'Wait for the connection to come back (see the Market page).');
      return maybeWithdraw(connection, true);
    },
  });

  let unsubscribers: Array<() => void> = [];

  return {
    name: 'market',
    handlers,
    internals: { indexer, provider, tick, evaluateAll },
    start(context, options) {
      ctx = context;
      longRunning = options.longRunning;
      if (!longRunning) return;
      stopped = false;
      unsubscribers = [
        chain.onStatus(() => {
          if (chain.connection()) indexer.start();
          soon();
        }),
        wallet.onChange(soon),
        context.onEvent((event) => {
          if (event.name === 'availability' || event.name === 'settings') soon();
        }),
        indexer.onStatus(() => emitStatus()),
      ];
      indexer.start();
      schedule();
    },
    async stop() {
      stopped = true;
      for (const off of unsubscribers) off();
      unsubscribers = [];
      if (timer) clearTimeout(timer);
      if (soonTimer) clearTimeout(soonTimer);
      list.stop();
      await ticking?.catch(() => undefined);
      await indexer.stop();
      releaseHold?.();
      releaseHold = null;
    },
  };
}
