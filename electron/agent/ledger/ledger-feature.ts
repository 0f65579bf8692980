/**
 * The earnings ledger as an agent feature: answers the earnings calls, listens to telemetry,
 * availability and marketJob events, and keeps the ledger reconciled with the chain (a full
 * pass when it first sees a chain + wallet, then a short pass whenever the head moves).
 */
import type { CallRequest } from '../../../shared/api/contract';
import { DEFAULT_SETTINGS } from '../../../shared/domain/settings';
import type { AgentFeature, AgentFeatureContext } from '../agent-feature';
import type { ChainHub } from '../chain/chain-hub';
import { getLogsChunked } from '../chain/get-logs-chunked';
import type { Clock, Logger } from '../ports';
import { createLedgerService, type LedgerService } from './ledger-service';
import { chainKeyOf } from './ledger-store';
import type { GetLogs, ReconcileResult } from './reconciler';
import type { TelemetryReading } from './telemetry-store';

export interface LedgerFeatureDeps {
  dataDir: string;
  chain: ChainHub;
  /** The wallet's address (null until one exists): "our" address in every chain filter. */
  walletAddress: () => string | null;
  logger: Logger;
  clock: Clock;
  getLogs?: GetLogs;
  /** How often the chain head is checked for new blocks (default 3 s). */
  pollMs?: number;
  /** Telemetry is written in batches (default every 10 s). */
  telemetryFlushMs?: number;
}

export interface LedgerFeature extends AgentFeature {
  service: LedgerService;
  /** Runs a reconciliation pass now (tests, and after the market sends a tx). */
  reconcileNow(options?: { full?: boolean }): Promise<ReconcileResult | null>;
  flushTelemetry(): void;
}

type LedgerCall = 'getEarnings' | 'listLedgerJobs' | 'getTelemetrySeries' | 'exportLedgerCsv' | 'setGasCoinPrice';
/** Types one handler by its call's request (the agent parsed it with the call's schema). */
const handlerOf = <K extends LedgerCall>(_name: K, fn: (request: CallRequest<K>) => Promise<unknown>) =>
  fn as (request: never) => Promise<unknown>;

export function createLedgerFeature(deps: LedgerFeatureDeps): LedgerFeature {
  const { logger } = deps;
  let ctx: AgentFeatureContext | null = null;
  const service = createLedgerService({
    dataDir: deps.dataDir,
    chain: deps.chain,
    walletAddress: deps.walletAddress,
    getLogs: deps.getLogs ?? getLogsChunked,
    logger,
    clock: deps.clock,
    price: () => (ctx?.settings() ?? DEFAULT_SETTINGS).controls.price,
    timeZone: () => (ctx?.settings() ?? DEFAULT_SETTINGS).controls.schedule.timeZone,
  });
  let buffer: TelemetryReading[] = [];
  const cleanups: (() => void)[] = [];
  let lastHead: number | null = null;
  let lastSeen: string | null = null;
  let polling = false;

  const flushTelemetry = () => {
    if (buffer.length === 0) return;
    const batch = buffer;
    buffer = [];
    try {
      service.ingestTelemetry(batch);
    } catch (error) {
      logger.warn('ledger: storing telemetry failed', { error: String(error) });
    }
  };

  const emitUpdated = () => {
    if (!ctx) return;
    const jobs = service.jobs().jobs.length;
    ctx.emit('ledgerUpdated', { jobs, at: deps.clock.now().toISOString(), notice: service.notice() });
  };

  const reconcileNow = async (options: { full?: boolean } = {}) => {
    const result = await service.reconcile(options);
    const d = result?.diff;
    if (result && (options.full || lastHead === null || d!.added + d!.updated + d!.removed + d!.corrected.length > 0)) emitUpdated();
    if (result) lastHead = result.head;
    return result;
  };

  /** Cheap check each poll: one eth_blockNumber; a pass only when the head or the wallet moved. */
  const poll = async () => {
    if (polling) return;
    polling = true;
    try {
      if (!service.checkFilePresent()) {
        lastHead = null;
        await reconcileNow({ full: true });
        return;
      }
      const connection = deps.chain.connection();
      const account = deps.walletAddress();
      if (!connection || !account) return;
      const head = Number(await connection.provider.send('eth_blockNumber', []));
      // A new chain (restarted devnet) or another wallet needs a pass even if the head number matches.
      const seen = `${chainKeyOf(connection.network)}|${account}`;
      if (head === lastHead && seen === lastSeen) return;
      lastSeen = seen;
      await reconcileNow();
    } catch (error) {
      logger.warn('ledger: reconciliation with the chain failed; retrying on the next block', { error: String(error) });
    } finally {
      polling = false;
    }
  };

  const handlers = {
    getEarnings: handlerOf('getEarnings', async ({ range, bucket }) => {
      flushTelemetry();
      return service.earnings(range, bucket);
    }),
    listLedgerJobs: handlerOf('listLedgerJobs', async ({ limit, offset }) => {
      const { jobs } = service.jobs();
      const from = offset ?? 0;
      return { total: jobs.length, jobs: jobs.slice(from, from + (limit ?? 50)) };
    }),
    getTelemetrySeries: handlerOf('getTelemetrySeries', async ({ deviceId, range }) => {
      flushTelemetry();
      return service.telemetrySeries(deviceId, range);
    }),
    exportLedgerCsv: handlerOf('exportLedgerCsv', async () => service.csv()),
    setGasCoinPrice: handlerOf('setGasCoinPrice', async ({ microsPerCoin }) => {
      const result = service.setGasCoinPrice(microsPerCoin);
      emitUpdated();
      return result;
    }),
  };

  return {
    name: 'ledger',
    handlers,
    service,
    reconcileNow,
    flushTelemetry,
    start(context, { longRunning }) {
      ctx = context;
      if (!longRunning) return;
      // Opening is a few ms (no scan); the chain work runs in the background.
      service.ensureOpen();
      cleanups.push(
        context.onEvent((event) => {
          try {
            if (event.name === 'telemetry') {
              const s = event.payload;
              buffer.push({ device: s.uuid, t: Date.parse(s.at), powerW: s.powerW, temperatureC: s.temperatureC });
            } else if (event.name === 'availability') {
              service.observeAvailability(event.payload);
            } else if (event.name === 'marketJob') {
              // Energy needs the run's telemetry on disk first.
              flushTelemetry();
              if (service.note(event.payload)) emitUpdated();
              // A job moved on chain (claim, submit, settle): read it now, not at the next poll.
              void poll();
            }
          } catch (error) {
            logger.warn('ledger: handling an event failed', { event: event.name, error: String(error) });
          }
        }),
      );
      cleanups.push(deps.chain.onStatus((status) => {
        if (status.state === 'online') void poll();
      }));
      const timers = [
        setInterval(flushTelemetry, deps.telemetryFlushMs ?? 10_000),
        setInterval(() => {
          try {
            service.tickAvailability();
          } catch (error) {
            logger.warn('ledger: recording availability failed', { error: String(error) });
          }
        }, 60_000),
        setInterval(() => void poll(), deps.pollMs ?? 3_000),
      ];
      for (const t of timers) t.unref?.();
      cleanups.push(() => timers.forEach(clearInterval));
      setTimeout(() => void poll(), 0).unref?.();
    },
    async stop() {
      if (cleanups.length === 0) return;
      for (const cleanup of cleanups.splice(0)) cleanup();
      flushTelemetry();
      try {
        service.tickAvailability();
      } catch {
        // Closing anyway.
      }
      await service.idle();
      service.close();
    },
  };
}
