/**
 * The earnings ledger as an agent feature: answers the earnings calls, listens to telemetry,
 * availability and marketJob events, and keeps the ledger a fold of the active market's event
 * log (ledger-source.ts: v1's or v2's, as market-switch.ts runs them): a pass whenever the log
 * applies new events, or the chain, wallet or file changes. It neither scans the chain nor
 * polls the head of its own.
 */
import type { CallRequest } from '../../../shared/api/contract';
import { DEFAULT_SETTINGS } from '../../../shared/domain/settings';
import type { AgentFeature, AgentFeatureContext } from '../agent-feature';
import type { ChainHub } from '../chain/chain-hub';
import type { Clock, Logger } from '../ports';
import { createLedgerService, type LedgerService } from './ledger-service';
import type { LedgerSource } from './ledger-source';
import type { ReconcileResult } from './reconciler';
import type { TelemetryReading } from './telemetry-store';

export interface LedgerFeatureDeps {
  dataDir: string;
  chain: ChainHub;
  /** The wallet's address (null until one exists): "our" address in every chain filter. */
  walletAddress: () => string | null;
  logger: Logger;
  clock: Clock;
  /** The active market's one event log (shared with the market feature: activeLedgerSource). */
  events: LedgerSource;
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
    source: deps.events,
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

  const pass = async (options: { full?: boolean } = {}) => {
    const result = await service.reconcile(options);
    const d = result?.diff;
    if (result && (options.full || lastHead === null || d!.added + d!.updated + d!.removed + d!.corrected.length > 0)) emitUpdated();
    if (result) lastHead = result.head;
    return result;
  };

  /** A pass now, once the event log has reached the chain's head (tests; after our own txs). */
  const reconcileNow = async (options: { full?: boolean } = {}) => {
    await deps.events.caughtUp().catch((error: unknown) => logger.warn('ledger: the market event log could not catch up', { error: String(error) }));
    return pass(options);
  };

  /**
   * A pass when what the log holds for us changed (our events, the chain, the wallet) — no
   * RPC of its own. A trigger while a pass runs is kept and runs after it.
   */
  let again = false;
  const poll = async (): Promise<void> => {
    if (polling) {
      again = true;
      return;
    }
    polling = true;
    try {
      do {
        again = false;
        if (!service.checkFilePresent()) {
          lastHead = null;
          lastSeen = null;
          await pass({ full: true });
          continue;
        }
        const connection = deps.chain.connection();
        const account = deps.walletAddress();
        if (!connection || !account) continue;
        const source = deps.events.fold(account);
        if (!source) continue;
        const seen = `${source.chainKey}|${account}|${source.signature}`;
        if (seen === lastSeen && lastHead !== null) continue;
        const result = await pass();
        if (result) lastSeen = seen;
      } while (again);
    } catch (error) {
      logger.warn('ledger: folding the market events failed; retrying on the next update', { error: String(error) });
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
        if (status.state === 'online' && lastHead === null) void poll();
      }));
      // The log moved (new events, a rewind, another chain): fold again.
      cleanups.push(deps.events.onUpdate(() => void poll()));
      // Its cursor moved past blocks with none of our events: nothing to fold, but a first
      // pass on a new chain waits for the log to be caught up.
      cleanups.push(deps.events.onStatus(() => {
        if (lastHead === null) void poll();
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
