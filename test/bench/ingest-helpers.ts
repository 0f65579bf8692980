/**
 * What the chain benches share for an ingest: a fresh event log over a connection that
 * counts the time spent waiting for eth_getLogs ("RPC time"), and the evaluation of every
 * job in its book on one fixed CPU machine, as the verdicts do (facts, else the document).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { ChainConnection } from '../../electron/agent/chain/chain-hub';
import { createMarketIndexer, type MarketIndexer } from '../../electron/agent/market/market-indexer';
import { evaluableOf } from '../../shared/domain/market-document-facts';
import { evaluateMarketJob } from '../../shared/domain/market-evaluation';
import { DEFAULT_SETTINGS } from '../../shared/domain/settings';
import { recordingLogger } from '../helpers/silent-logger';

/**
 * RPC time is the wall time during which at least one eth_getLogs was in flight (the event
 * log asks the next range while it processes one): the rest of an ingest is the agent's own
 * time that the node's answers did not hide.
 */
export function timedEventLog(connection: ChainConnection, dataDir: string, options: { prefetchLogs?: boolean } = {}): { log: MarketIndexer; rpcMs: () => number } {
  let rpcMs = 0;
  let inFlight = 0;
  let since = 0;
  const log = createMarketIndexer({
    connection: () => connection,
    prefetchLogs: options.prefetchLogs,
    getLogs: async (port, filter, from, to) => {
      if (inFlight++ === 0) since = performance.now();
      try {
        return await port.getLogs(filter, from, to);
      } finally {
        if (--inFlight === 0) rpcMs += performance.now() - since;
      }
    },
    reportFailure: () => undefined,
    dataDir,
    logger: recordingLogger().logger,
    clock: { now: () => new Date() },
    confirmations: () => 0,
    reopenClaimWindow: async () => 300,
  });
  return { log, rpcMs: () => rpcMs };
}

/** Evaluates every job of the log's book on an 8-CPU, 16 GiB machine; returns how many fit. */
export function evaluateBook(log: MarketIndexer, nowSeconds: number): number {
  let fitting = 0;
  for (const book of log.book.all()) {
    const verdict = evaluateMarketJob({
      job: { ...book, open: book.state === 'open' },
      document: evaluableOf(book.facts, () => log.document(book.id) ?? ''),
      devices: [{ deviceId: 'cpu', kind: 'cpu', name: 'CPU', vramMiB: null, fp32Tflops: null, powerW: 0, admission: { ok: true }, busy: false }],
      machine: { cpus: 8, memoryMiB: 16_384 },
      price: { ...DEFAULT_SETTINGS.controls.price, neverBelowBreakEven: false, floorMicrosPerHour: '1000000' },
      market: DEFAULT_SETTINGS.market,
      allowEgress: false,
      isDevnet: true,
      nowSeconds,
    });
    if (verdict.fits) fitting++;
  }
  return fitting;
}

/**
 * Runs `work` and returns its wall time in ms, writing a CPU profile of it alone to
 * `profileTo` when given (the probes' PROBE_CPU_PROFILE: open it in Chrome DevTools or
 * speedscope). Stopping the profiler and writing the profile are not timed.
 */
export async function profiled(profileTo: string | undefined, work: () => Promise<unknown>): Promise<number> {
  const timed = async () => {
    const started = performance.now();
    await work();
    return performance.now() - started;
  };
  if (!profileTo) return timed();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  try {
    return await timed();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(profileTo, JSON.stringify(profile));
    session.disconnect();
  }
}
