/**
 * The ledger's state behind the feature: the open database (reopened fresh when the file is
 * damaged or deleted), reconciliation with the chain (one pass at a time), annotations from
 * the marketplace client and the reports the API serves.
 */
import { explorerTxPrefix } from '../../../shared/domain/block-explorers';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { AgentError } from '../../../shared/api/result';
import { type EarningsBucketSize, type EarningsRange, type EarningsReport, type LedgerChain, type LedgerJob } from '../../../shared/domain/earnings';
import { ALLOWED_BUCKETS, defaultBucketSize, RANGE_SPAN_MS } from '../../../shared/domain/earnings-buckets';
import type { ProviderJob } from '../../../shared/domain/market';
import type { PriceSettings } from '../../../shared/domain/controls';
import type { ChainConnection, ChainHub } from '../chain/chain-hub';
import type { Clock, Logger } from '../ports';
import { createAvailabilityHours, type AvailabilityHours } from './availability-hours';
import { buildEarningsReport, toLedgerJob } from './earnings-report';
import { runEnergy } from './job-energy';
import { ledgerCsv } from './ledger-csv';
import { isDamagedDatabaseError, moveAside, openLedgerDb } from './ledger-db';
import { type Annotation, chainKeyOf, createLedgerStore, type LedgerStore } from './ledger-store';
import { createReconciler, type LedgerEventSource, type ReconcileResult } from './reconciler';
import { createTelemetryStore, type TelemetryReading, type TelemetryStore } from './telemetry-store';

export const LEDGER_FILE = 'ledger.sqlite';

export interface LedgerServiceDeps {
  dataDir: string;
  chain: ChainHub;
  walletAddress: () => string | null;
  /** The market event log: the ledger is a fold of its events for our account. */
  source: LedgerEventSource;
  logger: Logger;
  clock: Clock;
  /** The owner's price settings (electricity price, system overhead) and schedule time zone. */
  price: () => PriceSettings;
  timeZone: () => string;
}

/** What the page shows: the chain and account of the last successful reconciliation. */
interface View {
  chainRowId: number;
  chainKey: string;
  chain: LedgerChain;
  account: string;
}

interface Open {
  db: Database.Database;
  store: LedgerStore;
  telemetry: TelemetryStore;
  hours: AvailabilityHours;
  reconciler: ReturnType<typeof createReconciler>;
}

const GAS_COIN_SYMBOLS: Record<number, string> = { 137: 'POL', 56: 'BNB', 100: 'xDAI' };

export function createLedgerService(deps: LedgerServiceDeps) {
  const file = join(deps.dataDir, LEDGER_FILE);
  const { logger } = deps;
  let open: Open | null = null;
  let notice: string | null = null;
  let reconciledAt: string | null = null;
  /** Chain key + account of the last full pass in this process: a change means a full pass. */
  let fullDoneFor: string | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  /** marketJob events seen while the chain was not connected, applied at the next pass. */
  const pendingNotes: ProviderJob[] = [];

  const build = (db: Database.Database): Open => {
    const store = createLedgerStore(db);
    return { db, store, telemetry: createTelemetryStore(db), hours: createAvailabilityHours(db), reconciler: createReconciler({ store, source: deps.source, logger, now: deps.clock.now }) };
  };

  function ensureOpen(): Open {
    if (open) return open;
    const opened = openLedgerDb(file, { logger, now: deps.clock.now });
    if (opened.recovered) {
      notice = `The earnings database was damaged and was moved to ${opened.recovered.movedTo}. The ledger was rebuilt from the chain; energy figures of earlier jobs were lost with the old file.`;
    }
    open = build(opened.db);
    return open;
  }

  function close() {
    try {
      open?.db.close();
    } catch (error) {
      logger.warn('ledger: closing the database failed', { error: String(error) });
    }
    open = null;
    fullDoneFor = null;
  }

  /** Starts a fresh ledger after damage found at run time, or after the file was deleted. */
  function reopenFresh(why: 'damaged' | 'deleted', error?: unknown) {
    close();
    if (why === 'damaged' && existsSync(file)) {
      const movedTo = moveAside(file, deps.clock.now());
      logger.warn('ledger: the database became unreadable; moved aside, rebuilding from the chain', { movedTo, error: String(error) });
      notice = `The earnings database was damaged and was moved to ${movedTo}. The ledger was rebuilt from the chain; energy figures of earlier jobs were lost with the old file.`;
    } else {
      logger.warn('ledger: the database file was deleted; rebuilding from the chain', { file });
      notice = 'The earnings database file was deleted. The ledger was rebuilt from the chain; energy figures of earlier jobs were lost with it.';
    }
    ensureOpen();
  }

  /** Runs `fn` on the open database; once more on a fresh one if the file turns out damaged. */
  function withDb<T>(fn: (o: Open) => T): T {
    try {
      return fn(ensureOpen());
    } catch (error) {
      if (!isDamagedDatabaseError(error)) throw error;
      reopenFresh('damaged', error);
      return fn(ensureOpen());
    }
  }

  function readView(store: LedgerStore): View | null {
    const raw = store.meta('view');
    return raw ? (JSON.parse(raw) as View) : null;
  }

  function annotate(o: Open, connection: ChainConnection, job: ProviderJob): boolean {
    if (job.attempt === null) return false;
    const key = chainKeyOf(connection.network);
    const before = o.store.annotation(key, job.chainJobId, job.attempt);
    const next: Annotation = {
      jobId: job.chainJobId,
      attempt: job.attempt,
      deviceId: job.deviceId ?? before?.deviceId ?? null,
      localJobId: job.localJobId ?? before?.localJobId ?? null,
      runStartedAt: job.runStartedAt ?? before?.runStartedAt ?? null,
      runEndedAt: job.runEndedAt ?? before?.runEndedAt ?? null,
      energyWh: before?.energyWh ?? null,
      electricity: before?.electricity ?? null,
    };
    const windowChanged = before?.runStartedAt !== next.runStartedAt || before?.runEndedAt !== next.runEndedAt || before?.deviceId !== next.deviceId;
    if (next.deviceId && next.runStartedAt && next.runEndedAt && (windowChanged || next.electricity === null)) {
      const price = deps.price();
      const energy = runEnergy({
        telemetry: o.telemetry,
        deviceId: next.deviceId,
        fromMs: Date.parse(next.runStartedAt),
        toMs: Date.parse(next.runEndedAt),
        systemOverheadW: price.systemOverheadW,
        electricityMicrosPerKwh: BigInt(price.electricityMicrosPerKwh),
      });
      next.energyWh = energy.energyWh;
      next.electricity = energy.electricity;
    }
    if (JSON.stringify(before) === JSON.stringify(next)) return false;
    o.store.putAnnotation(key, next, deps.clock.now());
    return true;
  }

  function matchesChain(job: ProviderJob, connection: ChainConnection): boolean {
    return job.chainId === connection.network.chainId && job.marketAddress.toLowerCase() === connection.network.marketAddress.toLowerCase();
  }

  async function reconcileOnce(options: { full: boolean }): Promise<ReconcileResult | null> {
    const account = deps.walletAddress();
    const connection = deps.chain.connection();
    if (!account || !connection) return null;
    const identity = `${chainKeyOf(connection.network)}|${account.toLowerCase()}`;
    const full = options.full || fullDoneFor !== identity;
    let result: ReconcileResult | null;
    try {
      result = await ensureOpen().reconciler.reconcile(connection, account, { full });
    } catch (error) {
      if (!isDamagedDatabaseError(error)) throw error;
      reopenFresh('damaged', error);
      result = await ensureOpen().reconciler.reconcile(connection, account, { full: true });
    }
    // The event log has not reached this chain's head yet: nothing to fold.
    if (!result) return null;
    fullDoneFor = identity;
    reconciledAt = deps.clock.now().toISOString();
    const n = connection.network;
    const view: View = {
      chainRowId: result.chain.id,
      chainKey: result.chain.key,
      account,
      chain: {
        label: n.label,
        isDevnet: n.isDevnet,
        chainId: n.chainId,
        marketAddress: n.marketAddress,
        tokenSymbol: n.token.symbol,
        explorerTxUrl: explorerTxPrefix(n.chainId, n.isDevnet),
        marketVersion: n.marketVersion ?? 1,
      },
    };
    withDb((o) => {
      o.store.setMeta('view', JSON.stringify(view));
      for (const job of pendingNotes.splice(0).filter((j) => matchesChain(j, connection))) annotate(o, connection, job);
    });
    return result;
  }

  return {
    file,
    ensureOpen: () => void withDb(() => undefined),
    close,
    notice: () => notice,
    /** One pass at a time; a pass asked for while one runs follows it. */
    reconcile(options: { full?: boolean } = {}): Promise<ReconcileResult | null> {
      const next = queue.then(() => reconcileOnce({ full: options.full ?? false }));
      queue = next.catch(() => undefined);
      return next;
    },
    /** Resolves when no pass is running. */
    idle: (): Promise<void> => queue.then(() => undefined),
    /** The file vanished under us (deleted by hand): start a fresh one. */
    checkFilePresent(): boolean {
      if (!open || existsSync(file)) return true;
      reopenFresh('deleted');
      return false;
    },
    ingestTelemetry: (readings: readonly TelemetryReading[]) => withDb((o) => o.telemetry.ingest(readings)),
    observeAvailability: (report: Parameters<AvailabilityHours['observe']>[0]) =>
      withDb((o) => o.hours.observe(report, deps.clock.now().getTime())),
    tickAvailability: () => withDb((o) => o.hours.tick(deps.clock.now().getTime())),
    /** A marketJob event: device and run window for the row (and its energy once the run ended). */
    note(job: ProviderJob): boolean {
      const connection = deps.chain.connection();
      if (!connection || !matchesChain(job, connection)) {
        pendingNotes.push(job);
        if (pendingNotes.length > 1000) pendingNotes.shift();
        return false;
      }
      return withDb((o) => annotate(o, connection, job));
    },
    jobs(): { view: View | null; jobs: LedgerJob[] } {
      return withDb((o) => {
        const view = readView(o.store);
        const account = deps.walletAddress();
        // A wallet that is not the one the rows belong to sees nothing (until its own pass).
        if (!view || !account || view.account.toLowerCase() !== account.toLowerCase()) return { view: null, jobs: [] };
        const notes = o.store.annotations(view.chainKey);
        const price = gasPrice(o.store);
        const jobs = o.store.jobs(view.chainRowId, view.account).map((row) => toLedgerJob(row, notes.get(`${row.jobId}:${row.attempt}`) ?? null, price));
        return { view, jobs };
      });
    },
    earnings(range: EarningsRange, bucket: EarningsBucketSize | undefined): EarningsReport {
      const size = bucket ?? defaultBucketSize(range);
      if (!ALLOWED_BUCKETS[range].includes(size)) {
        throw new AgentError('invalid_request', `Buckets of one ${size} do not fit a ${range} chart.`, `Use one of: ${ALLOWED_BUCKETS[range].join(', ')}.`);
      }
      const now = deps.clock.now();
      const { view, jobs } = this.jobs();
      return withDb((o) => {
        const withdrawals = view ? o.store.withdrawals(view.chainRowId, view.account) : [];
        const hours = o.hours.hours(now.getTime() - RANGE_SPAN_MS[range] - 31 * 86_400_000, now.getTime() + 1);
        return buildEarningsReport({
          range,
          bucket: size,
          now,
          timeZone: deps.timeZone(),
          jobs,
          withdrawals,
          hours,
          gasCoin: { symbol: GAS_COIN_SYMBOLS[view?.chain.chainId ?? 0] ?? 'ETH', microsPerCoin: gasPrice(o.store) },
          chain: view?.chain ?? null,
          walletAddress: deps.walletAddress(),
          notice,
          reconciledAt,
        });
      });
    },
    telemetrySeries(deviceId: string | undefined, range: EarningsRange) {
      return withDb((o) => {
        const devices = o.telemetry.devices().sort();
        const device = deviceId ?? devices[0] ?? null;
        if (device === null) return { deviceId: null, devices, range, resolution: 'minute' as const, points: [] };
        return { deviceId: device, devices, range, ...o.telemetry.series(device, range, deps.clock.now().getTime()) };
      });
    },
    csv(): { filename: string; csv: string } {
      const { view, jobs } = this.jobs();
      const withdrawals = view ? withDb((o) => o.store.withdrawals(view.chainRowId, view.account)) : [];
      const day = deps.clock.now().toISOString().slice(0, 10);
      return { filename: `rigshift-ledger-${view?.chain.chainId ?? 'none'}-${day}.csv`, csv: ledgerCsv(view?.chain.chainId ?? 0, jobs, withdrawals) };
    },
    setGasCoinPrice(microsPerCoin: string | null) {
      withDb((o) => o.store.setMeta('gasCoinMicros', microsPerCoin === null ? null : BigInt(microsPerCoin).toString()));
      return { microsPerCoin };
    },
  };
}

function gasPrice(store: LedgerStore): bigint | null {
  const raw = store.meta('gasCoinMicros');
  return raw === null ? null : BigInt(raw);
}

export type LedgerService = ReturnType<typeof createLedgerService>;
