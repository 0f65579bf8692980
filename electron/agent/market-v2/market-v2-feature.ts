/**
 * The marketplace client on a v2 market (contracts/RigShiftMarketV2.sol), used instead of
 * the v1 feature when the connected deployment says marketVersion 2 (market-switch.ts). It
 * follows the market with the v2 event log (one cursor on the hub's head stream, persisted,
 * rewinds on reorgs), judges open jobs with the one evaluation function (the owner's floor
 * is the bid: under the uniform second price it is the best one), and drives its runs with
 * v2-provider.ts, every effect behind a record on disk. Answers the Market API with the
 * v2 views (v2-market-view.ts) and pushes marketStatus, marketJob and
 * marketJobs like v1. It is the V2MarketSource the v2 views read.
 */
import { cpus, totalmem } from 'node:os';
import { AgentError } from '../../../shared/api/result';
import type { CallRequest } from '../../../shared/api/contract';
import type { MarketJob, MarketJobDetail, MarketStatus } from '../../../shared/domain/market';
import { evaluateMarketJob, parseMarketDocument } from '../../../shared/domain/market-evaluation';
import { formatUsdMicros } from '../../../shared/domain/money-format';
import type { AgentFeature, AgentFeatureContext } from '../agent-feature';
import { marketKeyOf, type ChainHub } from '../chain/chain-hub';
import { devnetFund as realDevnetFund } from '../chain/devnet-faucet';
import { readOne } from '../chain/contract-call';
import { marketV2Interface } from '../chain/market-v2-abi';
import type { Clock, Logger } from '../ports';
import type { WalletAccess } from '../wallet/wallet-access';
import { type AccountReads, encode, isLocalChain, readAccount } from '../market/chain-reads';
import { evaluationDevices } from '../market/market-devices';
import { ensureStake, type FundsDeps } from '../market/market-funds';
import { biddingBlocks, marketStatusOf } from '../market/market-views';
import { checkUploadHost, uploadResults } from '../market/result-upload';
import { createTickLoop } from '../market/tick-loop';
import { chainPricesLink, type MarketPricesConnection, type MarketPricesFeature } from '../market-prices/market-prices-feature';
import { removeJobResults, workspacePaths } from '../jobs/job-workspace';
import type { V2BookJob } from './v2-book';
import { createV2EventLog, type V2EventLog } from './v2-event-log';
import type { V2MarketSource } from './v2-market-source';
import { v2MarketJobDetail, v2MarketJobView, v2MarketOverview, v2StatusExtras, type V2ViewOptions } from './v2-market-view';
import { createV2Provider, type V2Provider, type V2Verdict } from './v2-provider';
import { requesterRuleOf } from './v2-requester-rule';
import { createV2RunStore, resultsToRemove, runInFlight, runPending, slotOver, type V2RunStore } from './v2-run-store';
import { v2WalletSend } from './v2-wallet-send';

export interface MarketV2FeatureDeps {
  chain: ChainHub;
  wallet: WalletAccess;
  dataDir: string;
  logger: Logger;
  clock: Clock;
  devnetFund?: typeof realDevnetFund;
  confirmations?: number;
  tickMs?: number;
  /** Without a head stream (tests): how often the event log polls. */
  pollMs?: number;
  /** The market price history (market-prices-feature.ts): fed the book while this feature runs. */
  prices?: Pick<MarketPricesFeature, 'connect'>;
}

export interface MarketV2Feature extends AgentFeature {
  source: V2MarketSource;
  internals: { log: V2EventLog; store: V2RunStore; provider: V2Provider; tick(): Promise<void> };
}

export function createMarketV2Feature(deps: MarketV2FeatureDeps): MarketV2Feature {
  const { chain, wallet, logger, clock } = deps;
  const state = {
    ctx: null as AgentFeatureContext | null,
    longRunning: false,
    constants: null as { minStake: bigint; challengeWindow: number; key: string } | null,
    account: null as AccountReads | null,
    blocks: [] as MarketStatus['blocks'],
    storeKey: null as string | null,
    lastStatus: '',
    withdrawing: false,
    unsubscribers: [] as Array<() => void>,
    prices: null as MarketPricesConnection | null,
    releaseHold: null as (() => void) | null,
  };
  const notices: string[] = [];
  const notice = (text: string) => {
    notices.push(`${clock.now().toISOString().slice(11, 19)} ${text}`);
    if (notices.length > 20) notices.splice(0, notices.length - 20);
    logger.info(text);
  };
  const loop = createTickLoop({ tickMs: deps.tickMs ?? 3000, run: () => tickOnce() });
  const log = createV2EventLog({
    connection: () => chain.connection(),
    reportFailure: (error) => chain.reportFailure(error),
    dataDir: deps.dataDir,
    logger,
    // The token's transfers to our wallet ride along (the wallet page's incoming transfers).
    account: () => wallet.address(),
    confirmations: (c) => (isLocalChain(c.network) ? 0 : deps.confirmations ?? 2),
    onHead: deps.pollMs ? undefined : (listener) => chain.onHead(listener),
    pollMs: deps.pollMs,
  });
  const store = createV2RunStore(deps.dataDir, () => clock.now());
  const me = () => wallet.address()?.toLowerCase() ?? null;
  const chainId = () => chain.connection()?.network.chainId ?? 0;
  const marketAddress = () => chain.connection()?.network.marketAddress ?? '';

  const verdict = (job: V2BookJob): V2Verdict => {
    const doc = job.specError ? { ok: false as const, reasons: [job.specError] } : parseMarketDocument(job.spec);
    const ctx = state.ctx;
    const base = { spec: doc.ok ? doc.spec : null, uploadUrl: doc.ok ? doc.document.upload.url : null };
    if (!ctx) return { ...base, fits: false, reasons: ['the agent is not started'], ask: null, deviceId: null };
    const busy = new Set([...store.runs().values()].filter((r) => provider.running().has(r.chainJobId)).map((r) => r.deviceId ?? 'cpu'));
    const connection = chain.connection();
    const settings = ctx.settings();
    const terms = { preemptible: job.terms.preemptible, maxDurationSeconds: job.terms.maxDurationSeconds };
    const evaluation = evaluateMarketJob({
      job: { requester: job.requester, maxPricePerHour: job.terms.maxPricePerHour, maxDurationSeconds: job.terms.maxDurationSeconds, claimBy: job.claimBy, runBy: job.runBy, preemptible: job.terms.preemptible, open: job.state === 'open' },
      document: doc,
      devices: evaluationDevices(ctx, terms, busy, clock.now()),
      machine: { cpus: cpus().length, memoryMiB: Math.floor(totalmem() / 1024 / 1024) },
      price: settings.controls.price,
      market: settings.market,
      allowEgress: settings.jobs.allowEgress,
      isDevnet: connection ? isLocalChain(connection.network) : false,
      nowSeconds: chainTime(),
    });
    return { ...base, fits: evaluation.fits, reasons: evaluation.reasons, ask: evaluation.ask, deviceId: evaluation.deviceId };
  };
  const chainTime = () => {
    const seen = log.chainTime();
    const wall = Math.floor(clock.now().getTime() / 1000);
    const connection = chain.connection();
    return seen === 0 ? wall : connection && isLocalChain(connection.network) ? Math.max(seen, wall) : seen;
  };

  const funds: FundsDeps = {
    wallet,
    fund: deps.devnetFund ?? realDevnetFund,
    notice,
    read: async () => {
      const connection = chain.connection();
      const address = wallet.address();
      if (!connection || !address) return null;
      state.account = await readAccount(connection, address);
      return state.account;
    },
  };

  const provider = createV2Provider({
    store,
    logger,
    now: () => clock.now(),
    chainTime,
    chainId,
    me,
    biddingBlocked: () => state.blocks.map((b) => b.message),
    verdict,
    constants: () => state.constants,
    freeStake: () => state.account?.freeStake ?? 0n,
    ensureStake: async () => {
      const connection = chain.connection();
      return connection && state.constants ? ensureStake(funds, connection, { ...state.constants, feeBps: 0, reopenClaimWindow: 0 }) : false;
    },
    rule: () => requesterRuleOf(state.ctx?.settings()),
    recordsBase: () => log.recordsBase(),
    send: (call) => v2WalletSend(wallet, marketAddress())(call),
    blockTime: async (block) => (await chain.connection()?.port.block(block))?.timestamp ?? null,
    startJob: (spec, deviceId, localJobId, options) => {
      if (!state.ctx) throw new AgentError('not_started', 'The market feature is not started.');
      return state.ctx.startJob(spec, deviceId, localJobId, options);
    },
    cancelJob: async (localJobId) => (await state.ctx?.cancelJob?.(localJobId)) ?? false,
    // As v1 (market-feature.ts): the device's availability, the first one's for a CPU job.
    deviceAvailable: (deviceId) => {
      const report = state.ctx?.availability();
      const device = report?.gpus.find((g) => g.gpuUuid === deviceId) ?? (deviceId === 'cpu' ? report?.gpus[0] : undefined);
      return device?.state === 'available';
    },
    upload: async (url, localJobId, outputs) => {
      const connection = chain.connection();
      const isDevnet = connection ? isLocalChain(connection.network) : false;
      await checkUploadHost(url, isDevnet);
      await uploadResults({ url, resultsDir: workspacePaths(deps.dataDir, localJobId).resultsDir, outputs, isDevnet });
    },
    notice,
    soon: () => loop.soon(),
  });

  const source: V2MarketSource = {
    jobs: () => log.book.all(),
    job: (id) => log.book.get(id),
    records: () => provider.records(),
    runs: () => store.runs(),
    passes: () => provider.passes,
    me,
    chainTime,
    chainId,
  };

  const viewOptions = (): V2ViewOptions => ({
    marketAddress: marketAddress(),
    // The evaluation's verdict on open jobs (the view adds the plan's pass reason).
    verdict: (job) => (job.state === 'open' ? verdict(job) : null),
    challengeWindowSeconds: state.constants?.challengeWindow,
  });
  const view = (job: V2BookJob): MarketJob => v2MarketJobView(source, job, viewOptions());

  const status = (): MarketStatus => {
    const base = marketStatusOf({
      biddingWanted: state.ctx?.settings().market.bidding ?? false,
      biddingActive: state.blocks.length === 0 && state.longRunning,
      blocks: state.blocks,
      hub: chain.status(),
      wallet: { address: wallet.address(), unlocked: wallet.isUnlocked() },
      account: state.account,
      constants: state.constants ? { ...state.constants, feeBps: 0, reopenClaimWindow: 0 } : null,
      indexer: log.status(),
      books: [],
      fits: () => false,
      mine: [],
      notices,
      chainNow: chainTime(),
      now: clock.now(),
    });
    // The version, our record and the counts as v2 has them (v2-market-view.ts).
    return { ...base, ...v2StatusExtras(source, viewOptions()) };
  };

  const emitStatus = () => {
    if (!state.ctx) return;
    const next = status();
    const json = JSON.stringify({ ...next, updatedAt: '' });
    if (json === state.lastStatus) return;
    state.lastStatus = json;
    state.ctx.emit('marketStatus', next);
  };

  /** What was last pushed per job (its row as JSON): unchanged rows are not pushed again. */
  const pushed = new Map<string, string>();
  /** Pushes the jobs that changed (the list) and our runs (marketJob, read by the ledger). */
  const pushJobs = (ids: Iterable<string>, reset: boolean) => {
    const ctx = state.ctx;
    if (!ctx) return;
    const upserts: MarketJob[] = [];
    for (const id of ids) {
      const job = log.book.get(id);
      if (!job) continue;
      const row = view(job);
      const json = JSON.stringify(row);
      if (pushed.get(id) === json && !reset) continue;
      pushed.set(id, json);
      upserts.push(row);
      // Only when it changed: the ledger reads the chain again on each marketJob event.
      if (row.mine) ctx.emit('marketJob', row.mine);
    }
    if (upserts.length > 0 || reset) ctx.emit('marketJobs', { upserts, removed: [], reset });
  };

  async function refreshChain() {
    const connection = chain.connection();
    if (!connection) return;
    const key = marketKeyOf(connection.network);
    if (state.storeKey !== key) {
      store.open(key);
      state.storeKey = key;
    }
    if (state.constants?.key !== key) {
      const read = <T>(fn: string) => readOne<T>(connection.port, connection.network.marketAddress, marketV2Interface, fn);
      const [minStake, challengeWindow] = await Promise.all([read<bigint>('minStake'), read<bigint>('challengeWindow')]);
      state.constants = { minStake, challengeWindow: Number(challengeWindow), key };
    }
    if (wallet.address()) await funds.read();
  }

  function computeBlocks(): MarketStatus['blocks'] {
    const ctx = state.ctx;
    if (!ctx) return [{ code: 'one-shot', message: 'The agent is not running.' }];
    const connection = chain.connection();
    const busy = new Set([...store.runs().values()].filter((r) => provider.running().has(r.chainJobId)).map((r) => r.deviceId ?? 'cpu'));
    return biddingBlocks({
      longRunning: state.longRunning,
      bidding: ctx.settings().market.bidding,
      connection,
      hub: chain.status(),
      wallet: { address: wallet.address(), unlocked: wallet.isUnlocked() },
      syncing: log.status().syncing,
      account: state.account,
      constants: state.constants ? { ...state.constants, feeBps: 0, reopenClaimWindow: 0 } : null,
      devices: ctx.availability().gpus,
      busy,
    });
  }

  /**
   * Batched like v1 (market-funds.ts): the very first earnings at once (a newcomer sees money
   * in the wallet), then when 5 paid runs wait or the credit reaches 10 USD, while nothing
   * of ours runs; a withdrawal costs about 41k gas, a fifth of a job's provider gas.
   */
  function withdrawDue(credit: bigint): boolean {
    const address = me();
    if (!address) return false;
    if ([...store.runs().values()].some(runPending)) return false;
    const withdrawals = log.accountEvents().filter((e) => e.kind === 'withdrawn' && e.account.toLowerCase() === address);
    if (withdrawals.length === 0 || credit >= 10_000_000n) return true;
    const since = withdrawals[withdrawals.length - 1]!.blockNumber;
    let waiting = 0;
    for (const id of store.runs().keys()) for (const e of log.book.get(id)?.events ?? []) if (e.kind === 'slotPaid' && e.provider.toLowerCase() === address && e.blockNumber > since) waiting++;
    return waiting >= 5;
  }

  /** Withdraws credit when due (withdrawDue), or on request. */
  async function maybeWithdraw(force: boolean): Promise<{ txHash: string | null; amount: bigint }> {
    const connection = chain.connection();
    const credit = state.account?.credit ?? 0n;
    if (!connection || credit === 0n || !wallet.isUnlocked() || state.withdrawing) return { txHash: null, amount: 0n };
    if (!force && !withdrawDue(credit)) return { txHash: null, amount: 0n };
    state.withdrawing = true;
    try {
      const sent = await wallet.send({ to: connection.network.marketAddress, data: encode.withdraw(), kind: 'withdraw', label: `Withdraw ${formatUsdMicros(credit)} of earnings`, token: { amount: credit, recipient: wallet.address()! } });
      const mined = await sent.wait();
      if (mined.status === 'confirmed') notice(`Withdrew ${formatUsdMicros(credit)} of earnings to the wallet.`);
      await funds.read();
      return { txHash: mined.hash, amount: mined.status === 'confirmed' ? credit : 0n };
    } finally {
      state.withdrawing = false;
    }
  }

  /**
   * Keeps the wallet unlocked while a run of ours is not over (as v1 does): its commit and
   * reveal must be signed before their deadlines, or the honest provider is slashed.
   */
  function holdWallet() {
    const active = runInFlight(store.runs().values(), (id) => log.book.get(id)?.state, (run) => slotOver(run, log.book.get(run.chainJobId)));
    if (active && !state.releaseHold && wallet.isUnlocked()) state.releaseHold = wallet.holdUnlocked('a market v2 run is in flight');
    if (!active && state.releaseHold) {
      state.releaseHold();
      state.releaseHold = null;
    }
  }

  async function tickOnce() {
    if (!state.ctx) return;
    try {
      await refreshChain();
      state.blocks = computeBlocks();
      // Nothing is sent before the log has caught up: the plan must see what the chain has.
      if (chain.connection() && wallet.isUnlocked() && !log.status().syncing) {
        await provider.tick(log.book.all());
        await maybeWithdraw(false);
      }
    } catch (error) {
      logger.warn('market v2 tick failed', { error: error instanceof Error ? error.message.split('\n')[0] : String(error) });
      if (chain.connection()) chain.reportFailure(error);
      // Results of closed jobs go after the retention time (redeliveries are served until then).
      for (const run of resultsToRemove(store.runs().values(), (id) => log.book.get(id)?.state, clock.now().getTime())) {
        removeJobResults(deps.dataDir, run.localJobId!);
        await store.update(run.chainJobId, { localJobId: null, outputs: null });
      }
    } finally {
      holdWallet();
      pushJobs(store.runs().keys(), false);
      emitStatus();
    }
  }

  const handlers = {
    getMarket: (async ({ limit }: CallRequest<'getMarket'>) => v2MarketOverview(source, status(), viewOptions(), limit ?? 200)) as (request: never) => Promise<unknown>,
    getMarketJob: (async ({ chainJobId }: CallRequest<'getMarketJob'>) => {
      const detail: MarketJobDetail | null = v2MarketJobDetail(source, chainJobId, viewOptions());
      if (!detail) throw new AgentError('market_job_not_found', `Job ${chainJobId} has not been seen on this market.`, 'Check the job id, or wait until the market view has caught up.');
      return detail;
    }) as (request: never) => Promise<unknown>,
    setBidding: (async ({ on }: CallRequest<'setBidding'>) => {
      if (!state.ctx) throw new AgentError('not_started', 'The agent is not started.');
      state.ctx.updateSettings({ market: { bidding: on } });
      await loop.tick();
      return status();
    }) as (request: never) => Promise<unknown>,
    releaseMarketJob: (async ({ chainJobId }: CallRequest<'releaseMarketJob'>) => {
      const job = log.book.get(chainJobId);
      if (!job) throw new AgentError('market_job_not_found', `Job ${chainJobId} has not been seen on this market.`, 'Check the job id, or wait until the market view has caught up.');
      // Preemptible only (the contract's rule): the run stops, the release goes out on a tick.
      await provider.requestRelease(job);
      const mine = view(job).mine;
      if (!mine) throw new AgentError('market_job_not_held', `This provider does not hold job ${chainJobId}.`);
      return mine;
    }) as (request: never) => Promise<unknown>,
    withdrawEarnings: async () => {
      const result = await maybeWithdraw(true);
      return { txHash: result.txHash, amountMicros: result.amount.toString() };
    },
  };

  return {
    name: 'market',
    handlers,
    source,
    internals: { log, store, provider, tick: () => loop.tick() },
    start(context, options) {
      state.ctx = context;
      state.longRunning = options.longRunning;
      if (!options.longRunning) return;
      state.unsubscribers = [
        chain.onStatus(() => {
          if (chain.connection()) log.start();
          loop.soon();
        }),
        wallet.onChange(() => loop.soon()),
        context.onEvent((event) => {
          if (event.name === 'availability' || event.name === 'settings') loop.soon();
        }),
        log.onUpdate((update) => {
          pushJobs(update.changed, update.reset);
          if (update.rewoundTo !== undefined) state.prices?.rewindTo(update.rewoundTo);
          void state.prices?.update(update.reset ? undefined : update.changed).catch((error: unknown) => logger.warn('market prices: update failed', { error: String(error) }));
          loop.soon();
        }),
        log.onStatus(() => emitStatus()),
      ];
      // Awarded prices seen on this market feed the price history (Controls' suggestion).
      state.prices = deps.prices?.connect(chainPricesLink(chain, source)) ?? null;
      log.start();
      loop.start();
    },
    async stop() {
      for (const off of state.unsubscribers) off();
      state.unsubscribers = [];
      await loop.stop();
      await log.stop();
      state.prices?.disconnect();
      state.prices = null;
      state.releaseHold?.();
      state.releaseHold = null;
      state.ctx = null;
    },
  };
}
