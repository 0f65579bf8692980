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
import { cpus, totalmem } from 'node:os';
import { neverFitsOn } from './market-devices';
import type { AgentFeature, AgentFeatureContext } from '../agent-feature';
import { AgentError } from '../../../shared/api/result';
import type { GpuAvailability } from '../../../shared/domain/availability';
import type { MarketJob, MarketStatus } from '../../../shared/domain/market';
import { holdsDevice, isActive, isTerminal } from '../../../shared/domain/provider-job-machine';
import { parseMarketDocument } from '../../../shared/domain/market-evaluation';
import type { ChainConnection, ChainHub } from '../chain/chain-hub';
import { devnetFund as realDevnetFund } from '../chain/devnet-faucet';
import type { Clock, Logger } from '../ports';
import type { WalletAccess } from '../wallet/wallet-access';
import { isLocalChain } from './chain-reads';
import type { BookJob } from './market-book';
import type { GetLogs, MarketIndexer } from './market-indexer';
import { createMarketEventLog } from './market-event-log';
import { createMarketProvider, type MarketProvider } from './market-provider';
import { createMarketChainState } from './market-chain-state';
import { createTickLoop } from './tick-loop';
import { createSendGate } from './send-gate';
import { isDiskFull } from './disk-full';
import { checkUploadHost, planResultsTar, uploadResults } from './result-upload';
import { removeJobResults } from '../jobs/job-runner';
import { workspacePaths } from '../jobs/job-workspace';
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
  /** How long the results of a closed job stay on disk (default 7 days). */
  resultRetentionMs?: number;
}

export interface MarketFeature extends AgentFeature {
  /** For tests and benchmarks. */
  internals: { indexer: MarketIndexer; provider: MarketProvider; tick(): Promise<void>; evaluateAll(): number };
}


export function createMarketFeature(deps: MarketFeatureDeps): MarketFeature {
  const { logger, clock, wallet, chain } = deps;
  const fund = deps.devnetFund ?? realDevnetFund;
  const minSettled = deps.withdraw?.minSettled ?? 5;
  const withdrawThreshold = deps.withdraw?.thresholdMicros ?? 10_000_000n;
  /** The feature's few moving parts; everything else lives in its own module. */
  const state = {
    ctx: null as AgentFeatureContext | null,
    longRunning: false,
    blocks: [] as MarketStatus['blocks'],
    releaseHold: null as (() => void) | null,
    lastStatusJson: '',
    withdrawing: null as Promise<unknown> | null,
    unsubscribers: [] as Array<() => void>,
    /** Jobs whose upload host was refused (checked once; never claimed). */
    uploadRefused: new Set<string>(),
  };
  const notices: string[] = [];

  function notice(text: string) {
    notices.push(`${clock.now().toISOString().slice(11, 19)} ${text}`);
    if (notices.length > 20) notices.splice(0, notices.length - 20);
    logger.info(text);
  }

  const gate = createSendGate({ clock, dataDir: deps.dataDir, notice });
  const loop = createTickLoop({ tickMs: deps.tickMs ?? 3000, run: () => tickOnce() });
  const soon = () => loop.soon();
  const records = createProviderRecords({ dataDir: deps.dataDir, logger, clock });

  const provider = createMarketProvider({
    records,
    clock,
    logger,
    startJob: (spec, deviceId, jobId) => {
      if (!state.ctx) throw new AgentError('not_started', 'The market feature is not started.');
      return state.ctx.startJob(spec, deviceId, jobId);
    },
    cancelJob: async (jobId) => (state.ctx?.cancelJob ? state.ctx.cancelJob(jobId) : false),
    onChange: (job) => {
      state.ctx?.emit('marketJob', job);
      queueList(job.chainJobId);
      soon();
    },
    deviceAvailable: (deviceId) => deviceState(deviceId)?.state === 'available',
    upload: ({ url, localJobId, outputs, isLocal }) =>
      uploadResults({ url, resultsDir: workspacePaths(deps.dataDir, localJobId).resultsDir, outputs, isDevnet: isLocal }),
    archiveBytes: (localJobId, outputs) => planResultsTar(workspacePaths(deps.dataDir, localJobId).resultsDir, outputs).size,
    checkUploadHost,
    removeResults: (localJobId) => removeJobResults(deps.dataDir, localJobId),
    resultRetentionMs: deps.resultRetentionMs,
    onDiskFull: (error) => gate.diskFull(error),
    onSent: () => gate.sent(),
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

  const chainState = createMarketChainState({
    wallet,
    records,
    provider,
    logger,
    clock,
    specOf: (id) => {
      const book = indexer.book.get(id);
      const doc = book ? parseMarketDocument(indexer.document(id) ?? '') : null;
      return doc?.ok ? doc.spec : null;
    },
  });

  const list = createListBatcher({
    emit: (update) => state.ctx?.emit('marketJobs', update),
    view: (id) => {
      const book = indexer.book.get(id);
      return book ? view(book) : null;
    },
    enabled: () => state.ctx !== null,
  });
  const queueList = (id: string) => list.changed(id);

  // ------------------------------------------------------------------ evaluation

  function deviceState(deviceId: string): GpuAvailability | undefined {
    const report = state.ctx?.availability();
    if (!report) return undefined;
    return report.gpus.find((g) => g.gpuUuid === deviceId) ?? (deviceId === 'cpu' ? report.gpus[0] : undefined);
  }

  const busyDevices = () =>
    new Set(
      [...provider.jobs.values()]
        .filter((j) => holdsDevice(j.record.state) && !j.extra.gaveUp)
        .map((j) => j.record.deviceId)
        .filter((d): d is string => d !== null),
    );

  const judge = createVerdicts({
    context: () => state.ctx,
    chain,
    clock,
    wallet,
    book: indexer.book,
    document: (book) => indexer.document(book.id),
    busyDevices,
    chainTime: () => chainState.chainTime(),
    onStale: (id) => queueList(id),
  });
  const { parsedFor, factsFor, evaluate, evaluateAll, verdictOf, currentChainTime } = judge;
  const verdicts = judge.verdicts;

  // ------------------------------------------------------------------ views

  const view = (book: BookJob): MarketJob =>
    marketJobView(book, factsFor(book), verdictOf(book), provider.get(book.id)?.record ?? null, chain.connection()?.network.chainId ?? 0);

  const status = (): MarketStatus =>
    marketStatusOf({
      biddingWanted: state.ctx?.settings().market.bidding ?? false,
      biddingActive: state.blocks.length === 0 && state.longRunning,
      blocks: state.blocks,
      hub: chain.status(),
      wallet: { address: wallet.address(), unlocked: wallet.isUnlocked() },
      account: chainState.account(),
      constants: chainState.constants(),
      indexer: indexer.status(),
      books: indexer.book.all(),
      fits: (id) => verdicts.get(id)?.fits ?? false,
      mine: [...provider.jobs.values()].map((j) => j.record),
      notices,
      chainNow: currentChainTime(),
      now: clock.now(),
    });

  function emitStatus() {
    if (!state.ctx) return;
    const next = status();
    const json = JSON.stringify({ ...next, updatedAt: '' });
    if (json === state.lastStatusJson) return;
    state.lastStatusJson = json;
    state.ctx.emit('marketStatus', next);
  }

  /** Specs of records loaded before the index had their jobs (first start after a restart). */
  function fillSpecs() {
    for (const entry of provider.jobs.values()) {
      if (entry.spec || isTerminal(entry.record.state)) continue;
      const book = indexer.book.get(entry.record.chainJobId);
      if (!book) continue;
      const doc = parsedFor(book);
      if (doc.ok) provider.fillSpec(entry.record.chainJobId, doc.spec, doc.document.upload.url);
    }
  }

  /** Jobs the chain says we hold but we have no record of (records lost): never forgotten. */
  async function adoptOrphans() {
    const me = wallet.address()?.toLowerCase();
    if (!me || indexer.status().syncing) return;
    for (const book of indexer.book.all()) {
      if ((book.state !== 'claimed' && book.state !== 'submitted') || book.provider?.toLowerCase() !== me) continue;
      const known = provider.get(book.id)?.record;
      if (known && !isTerminal(known.state)) continue;
      // A record that already closed this very attempt (released, settled) only means the
      // index has not caught up with the event yet: adopting would overwrite the record.
      if (known && known.attempt !== null && known.attempt >= book.attempt) continue;
      const doc = parsedFor(book);
      if (!doc.ok) continue;
      const gpu = state.ctx?.availability().gpus.find((g) => g.gpuUuid !== 'cpu')?.gpuUuid ?? null;
      await provider.adopt(book, doc.spec, doc.document.upload.url, doc.spec.resources.gpus > 0 ? gpu : 'cpu');
    }
  }

  // ------------------------------------------------------------------ bidding

  const computeBlocks = (connection: ChainConnection | null): MarketStatus['blocks'] => {
    if (!state.ctx) return [{ code: 'one-shot', message: 'The agent is not running.' }];
    const blocks = biddingBlocks({
      longRunning: state.longRunning,
      bidding: state.ctx.settings().market.bidding,
      connection,
      hub: chain.status(),
      wallet: { address: wallet.address(), unlocked: wallet.isUnlocked() },
      syncing: indexer.status().syncing,
      account: chainState.account(),
      constants: chainState.constants(),
      devices: state.ctx.availability().gpus,
      busy: busyDevices(),
    });
    const full = gate.block();
    return full ? [full, ...blocks] : blocks;
  };

  const funds: FundsDeps = {
    wallet,
    fund,
    notice,
    onDiskFull: (error) => gate.diskFull(error),
    read: async () => {
      const connection = chain.connection();
      return connection ? chainState.refreshAccount(connection, true) : chainState.account();
    },
  };

  async function bid(connection: ChainConnection) {
    evaluateAll();
    const busy = busyDevices();
    const candidates = [...indexer.book.all()]
      // Never a job we hold in any state before its end (the index may lag behind our claim).
      .filter((b) => b.state === 'open' && verdicts.get(b.id)?.fits && !isActive(provider.get(b.id)?.record.state ?? 'seen'))
      .sort((a, b) => a.claimBy - b.claimBy || Number(BigInt(a.id) - BigInt(b.id)));
    for (const book of candidates) {
      // Fresh verdict at the moment of claiming (devices may have been taken this tick).
      const verdict = evaluate(book, busy);
      if (!verdict.fits || verdict.ask === null || verdict.deviceId === null || busy.has(verdict.deviceId)) continue;
      // A document not kept (it could never fit here, until the hardware changed): from the chain.
      if (indexer.document(book.id) === '') await indexer.fetchDocument(book.id);
      const doc = parsedFor(book);
      if (!doc.ok || state.uploadRefused.has(book.id)) continue;
      // The upload host is resolved and checked before claiming: results that could never be
      // delivered would put the stake at the requester's mercy.
      try {
        await checkUploadHost(doc.document.upload.url, isLocalChain(connection.network));
      } catch (error) {
        state.uploadRefused.add(book.id);
        notice(`Not claiming job ${book.id}: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      const constants = chainState.constants();
      if (!constants || !(await ensureStake(funds, connection, constants))) {
        state.blocks = [...state.blocks, { code: 'no-stake', message: 'Not enough free stake, and the wallet cannot cover the deposit.' }];
        return;
      }
      busy.add(verdict.deviceId);
      logger.info('claiming a market job', { id: book.id, ask: verdict.ask.toString(), device: verdict.deviceId });
      void provider.claim(book, doc.spec, doc.document.upload.url, verdict.ask, verdict.deviceId).finally(() => {
        void chainState.refreshAccount(connection, true).catch(() => undefined);
        soon();
      });
      // One stake per claim: the next claim waits for the next tick's stake check.
      return;
    }
  }

  const maybeWithdraw = async (connection: ChainConnection, force = false) =>
    withdrawIfDue(funds, await chainState.ensure(connection), provider, { force, minSettled, thresholdMicros: withdrawThreshold, now: () => clock.now() });

  // ------------------------------------------------------------------ the loop

  /** Keeps the wallet unlocked while a claimed job is in flight (its submit must be signed). */
  function holdWallet() {
    const active = [...provider.jobs.values()].some((j) => isActive(j.record.state) && j.record.problem === null);
    if (active && !state.releaseHold && wallet.isUnlocked()) state.releaseHold = wallet.holdUnlocked('a market job is in flight');
    if (!active && state.releaseHold) {
      state.releaseHold();
      state.releaseHold = null;
    }
  }

  async function tickOnce() {
    if (!state.ctx) return;
    const connection = chain.connection();
    try {
      if (connection) {
        await chainState.ensure(connection);
        await chainState.readTime(connection);
        if (wallet.address()) await chainState.refreshAccount(connection);
        fillSpecs();
        await syncClosedRecords(provider, (id) => indexer.book.get(id), wallet.address()?.toLowerCase(), clock.now());
      }
      state.blocks = computeBlocks(connection);
      await provider.sweepResults(clock.now());
      // While the disk is full nothing is sent; after the backoff one tick probes again.
      if (connection && gate.open()) {
        await adoptOrphans();
        for (const entry of provider.jobs.values()) {
          if (!isTerminal(entry.record.state) && !entry.extra.gaveUp && wallet.isUnlocked()) void provider.advance(entry.record.chainJobId);
        }
        evaluateAll();
        // The disk-full reason does not stop the probe: a claim that goes through reopens the gate.
        if (state.blocks.every((b) => b.code === 'disk-full')) await bid(connection);
        if (!state.withdrawing && wallet.isUnlocked()) {
          state.withdrawing = maybeWithdraw(connection)
            .catch((error: unknown) => {
              if (!isDiskFull(error)) logger.warn('withdraw failed', { error: String(error) });
            })
            .finally(() => (state.withdrawing = null));
        }
      }
      holdWallet();
    } catch (error) {
      if (isDiskFull(error)) {
        gate.diskFull(error);
        state.blocks = computeBlocks(connection);
      } else {
        logger.warn('market tick failed', { error: error instanceof Error ? error.message.split('\n')[0] : String(error) });
        if (connection) chain.reportFailure(error);
      }
    } finally {
      emitStatus();
    }
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
    document: (book) => indexer.fetchDocument(book.id),
    provider,
    context: () => state.ctx,
    tick: () => loop.tick(),
    withdraw: async () => {
      const connection = chain.connection();
      if (!connection) throw new AgentError('chain_offline', 'The chain is not connected.', 'Wait for the connection to come back (see the Market page).');
      return maybeWithdraw(connection, true);
    },
  });

  return {
    name: 'market',
    handlers,
    internals: { indexer, provider, tick: () => loop.tick(), evaluateAll },
    start(context, options) {
      state.ctx = context;
      state.longRunning = options.longRunning;
      if (!state.longRunning) return;
      indexer.setNeverFits(neverFitsOn(context, { cpus: cpus().length, memoryMiB: Math.floor(totalmem() / 1024 / 1024) }));
      state.unsubscribers = [
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
      loop.start();
    },
    async stop() {
      for (const off of state.unsubscribers) off();
      state.unsubscribers = [];
      list.stop();
      await loop.stop();
      await indexer.stop();
      state.releaseHold?.();
      state.releaseHold = null;
    },
  };
}
