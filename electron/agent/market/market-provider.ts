/**
 * The provider's side of every job it claims, driven by the state machine of
 * shared/domain/provider-job-machine.ts: each change of state is an event looked up in the
 * table, logged and persisted BEFORE the effect it names runs (send a claim, start the run,
 * deliver and submit, finalize). A crash anywhere leaves a record that says what was about
 * to happen.
 *
 * After a restart no transaction is sent for a job until the job has been reconciled with
 * the chain: its on-chain state is read, and a transaction we sent before the crash is
 * judged by our mined nonce (below it: mined or replaced; at or above: still in flight, so
 * it is waited for, never sent again).
 *
 * This module alone changes its jobs map and records; others read them (`jobs`, `get`) and
 * ask for changes through the methods below. Chain access goes through ProviderChain.
 */
import { randomBytes } from 'node:crypto';
import { AgentError } from '../../../shared/api/result';
import type { JobOutputFile, JobRecord, JobSpec } from '../../../shared/domain/job';
import { addRestart, formatSeconds } from '../../../shared/domain/job-restarts';
import type { MarketTx, ProviderJob } from '../../../shared/domain/market';
import { SUBMIT_MARGIN_SECONDS } from '../../../shared/domain/market-evaluation';
import { isActive, isTerminal, type ProviderJobEvent, transitionFor, transitionRows } from '../../../shared/domain/provider-job-machine';
import type { Clock, Logger } from '../ports';
import type { SentTx } from '../wallet/wallet-access';
import type { MarketConstants } from './chain-reads';
import { isDiskFull } from './disk-full';
import { isEngineGone, isMachineFault, nextMachineRerun } from './machine-fault';
import { isRevert, shortError } from './provider-errors';
import type { BookJob } from './market-book';
import type { ProviderChain, ProviderTxKind } from './provider-chain';
import type { ProviderRecords, StoredProviderJob } from './provider-records';
import { createDelivery } from './provider-delivery';
import { createReconcile } from './provider-reconcile';
import { sweepResults } from './provider-retention';
import { newProviderRecord, type ProviderExtra, type ProviderJobEntry, type ProviderJobView, type UploadRequest } from './provider-job-entry';

export { isTerminal } from '../../../shared/domain/provider-job-machine';
export { newProviderRecord } from './provider-job-entry';
export type { ProviderExtra, ProviderJobEntry, ProviderJobView, UploadRequest } from './provider-job-entry';

export interface MarketProviderDeps {
  records: ProviderRecords;
  clock: Clock;
  logger: Logger;
  startJob: (spec: JobSpec, deviceId: string, jobId?: string) => Promise<{ jobId: string; done: Promise<JobRecord> }>;
  cancelJob: (jobId: string) => Promise<boolean>;
  onChange: (job: ProviderJob) => void;
  /** Whether a device may run now (availability). */
  deviceAvailable: (deviceId: string) => boolean;
  /** PUTs the results; resolves with the archive's size, rejects on failure (AgentError 'upload_refused' = permanent). */
  upload: (request: UploadRequest) => Promise<{ bytes: number }>;
  /** Size of the results archive (for the bytes budget). */
  archiveBytes: (localJobId: string, outputs: readonly JobOutputFile[]) => number;
  /** Throws unless the upload URL's host may be used (resolved and checked before claiming). */
  checkUploadHost: (url: string, isLocal: boolean) => Promise<void>;
  /** Removes one local run's folder and log. */
  removeResults: (localJobId: string) => void;
  /** How long results of a closed job are kept (default 7 days). */
  resultRetentionMs?: number;
  /** A send failed because the disk is full (the wallet could not store its record). */
  onDiskFull?: (error: unknown) => void;
  /** A transaction was handed to the chain (the disk is writable again). */
  onSent?: () => void;
  random?: () => number;
}

export interface ProviderContext {
  chain: ProviderChain;
  chainKey: string;
  constants: MarketConstants;
  /** Our address, lower case. */
  me: string;
  chainId: number;
  marketAddress: string;
}

/** A transaction sent before a restart that the chain has not mined after this long is taken as dropped. */
export const IN_FLIGHT_PATIENCE_MS = 15 * 60_000;

export const DEFAULT_RESULT_RETENTION_MS = 7 * 24 * 3600_000;

/** The states an event leads to, from wherever it applies. */
const arrivesAt = (event: ProviderJobEvent) => new Set(transitionRows().filter((r) => r.event === event).map((r) => r.to));

/** A send was refused because a transaction of that kind is still in flight from before a restart. */
class TxInFlight extends Error {}

export function createMarketProvider(deps: MarketProviderDeps) {
  const { logger, clock } = deps;
  const random = deps.random ?? Math.random;
  const retentionMs = deps.resultRetentionMs ?? DEFAULT_RESULT_RETENTION_MS;
  const jobs = new Map<string, ProviderJobEntry>();
  /** Per job: the step in progress (one at a time), and whether another is wanted after it. */
  const busy = new Map<string, Promise<void>>();
  const again = new Set<string>();
  /** Per job: the local run in progress. */
  const runs = new Map<string, { localJobId: string; done: Promise<JobRecord> }>();
  /** Jobs checked against the chain since their record was loaded: nothing is sent before. */
  const reconciled = new Set<string>();
  let context: ProviderContext | null = null;

  const nowIso = () => clock.now().toISOString();
  const need = () => {
    if (!context) throw new AgentError('chain_offline', 'The chain is not connected.');
    return context;
  };

  const persist = async (entry: ProviderJobEntry) => {
    entry.record = { ...entry.record, updatedAt: nowIso() };
    deps.onChange(entry.record);
    if (context) await deps.records.save(context.chainKey, { record: entry.record, extra: entry.extra as StoredProviderJob['extra'] });
  };

  /** Changes what the record says without changing its state. */
  const annotate = async (entry: ProviderJobEntry, patch: Partial<Omit<ProviderJob, 'state'>>, extra: Partial<ProviderExtra> = {}) => {
    const same = (a: object, b: object) => Object.entries(a).every(([k, v]) => JSON.stringify(v) === JSON.stringify((b as Record<string, unknown>)[k]));
    if (same(patch, entry.record) && same(extra, entry.extra)) return;
    entry.record = { ...entry.record, ...patch };
    entry.extra = { ...entry.extra, ...extra };
    await persist(entry);
  };

  /**
   * Applies `event`: the table's transition, logged and persisted, then its effects. An
   * event the table has no row for (a late chain event on a closed job) changes nothing.
   */
  const fire = async (entry: ProviderJobEntry, event: ProviderJobEvent, patch: Partial<Omit<ProviderJob, 'state'>> = {}, extra: Partial<ProviderExtra> = {}): Promise<boolean> => {
    const from = entry.record.state;
    const transition = transitionFor(from, event);
    const id = entry.record.chainJobId;
    if (!transition) {
      // The event that led here, heard again (our receipt and the indexer's event both say
      // "submitted"): its facts are kept, the state stays.
      if (arrivesAt(event).has(from)) await annotate(entry, patch, extra);
      else logger.debug('market job event ignored', { id, state: from, event });
      return false;
    }
    const removal = transition.effects.includes('schedule-results-removal')
      ? { resultsRemoveAt: new Date(clock.now().getTime() + retentionMs).toISOString() }
      : {};
    entry.record = { ...entry.record, ...patch, ...removal, state: transition.to };
    entry.extra = { ...entry.extra, ...extra };
    logger.info('market job transition', { id, from, event, to: transition.to, effects: transition.effects.join(',') || 'none' });
    await persist(entry);
    // Effects that send or run are the next state's step, taken under the job's step lock.
    if (transition.effects.some((e) => e !== 'schedule-results-removal' && e !== 'send-claim')) void advance(entry);
    return true;
  };

  /** Sent, not mined yet (our mined nonce has not passed it), and not given up on. */
  const stillInFlight = (t: MarketTx, mined: number) =>
    t.status === 'pending' && t.nonce !== undefined && t.nonce >= mined && clock.now().getTime() - Date.parse(t.at) < IN_FLIGHT_PATIENCE_MS;

  /** A job's transactions of one kind still pending in its record. */
  const pendingOf = (entry: ProviderJobEntry, kind: ProviderTxKind) => entry.record.txs.filter((t) => t.kind === kind && t.status === 'pending');

  /**
   * Sends one transaction and records it on the job (with its nonce) before waiting for it.
   * Refuses when a transaction of the same kind from before a restart may still be mined.
   */
  const sendTx = async (entry: ProviderJobEntry, kind: ProviderTxKind, send: (chain: ProviderChain) => Promise<SentTx>) => {
    const ctx = need();
    const earlier = pendingOf(entry, kind).filter((t) => t.nonce !== undefined);
    if (earlier.length > 0) {
      const mined = await ctx.chain.minedNonce();
      if (earlier.some((t) => stillInFlight(t, mined))) throw new TxInFlight(`a ${kind} transaction sent before is still in flight`);
      // Mined or replaced, and the job's chain state (read before this) did not show it: it failed.
      await annotate(entry, { txs: entry.record.txs.map((t) => (earlier.includes(t) ? { ...t, status: 'failed' as const } : t)) });
    }
    let sent: SentTx;
    try {
      sent = await send(ctx.chain);
    } catch (error) {
      if (isDiskFull(error)) deps.onDiskFull?.(error);
      // The chain refused it (its state moved on): follow the chain, do not retry blindly.
      else if (isRevert(error)) await reconcile(entry).catch(() => undefined);
      throw error;
    }
    deps.onSent?.();
    const tx: MarketTx = { kind, hash: sent.hash, status: 'pending', at: nowIso(), blockNumber: null, nonce: sent.nonce };
    await annotate(entry, { txs: [...entry.record.txs, tx] });
    const receipt = await sent.wait();
    await annotate(entry, {
      txs: entry.record.txs.map((t) => (t.hash === tx.hash ? { ...t, hash: receipt.hash, status: receipt.status, blockNumber: receipt.blockNumber } : t)),
    });
    return receipt;
  };

  const servedSeconds = async (entry: ProviderJobEntry, runSeconds: number) => {
    const since = (await need().chain.now()) - (entry.extra.claimedAtChain ?? 0);
    return Math.max(0, Math.min(Math.ceil(runSeconds), entry.record.maxDurationSeconds, since));
  };

  const release = async (entry: ProviderJobEntry, served: number, why: string) => {
    await annotate(entry, { message: `Releasing (${why})` });
    const receipt = await sendTx(entry, 'release', (chain) => chain.release(entry.record.chainJobId, served));
    if (receipt.status === 'confirmed') {
      await fire(entry, 'released', { billedSeconds: served, closedAt: nowIso(), message: `Released after ${served} s (${why}); paid for the time served` });
    } else {
      await annotate(entry, { problem: `The release transaction reverted (${why}).` });
      await reconcile(entry);
    }
  };

  const giveUp = (entry: ProviderJobEntry, problem: string, message?: string) =>
    annotate(entry, { problem, ...(message ? { message } : {}) }, { gaveUp: true });

  /** The run finished: deliver, release or keep for another try, by reason. */
  const afterRun = async (entry: ProviderJobEntry, record: JobRecord) => {
    const runSeconds = (record.timings.runMs ?? 0) / 1000;
    if (isTerminal(entry.record.state)) return;
    await annotate(entry, { runEndedAt: record.timings.finishedAt ?? nowIso(), localJobId: record.id }, { runSeconds });
    if (record.reason === 'completed') {
      await fire(entry, 'run-completed', { message: 'Uploading the results' }, { outputs: record.outputs, uploaded: false, uploadAttempts: 0, uploadBytesSent: 0, nextUploadAt: 0 });
      return;
    }
    const interrupted = record.reason === 'preempted' || record.reason === 'cancelled';
    if (entry.record.preemptible) {
      const served = record.reason === 'refused' ? 0 : await servedSeconds(entry, runSeconds);
      await release(entry, served, interrupted ? 'the GPU went back to its owner' : `the job ${record.reason}: ${record.message}`);
      return;
    }
    const rerun = isMachineFault(record) ? nextMachineRerun(entry.extra.machineReruns, clock.now().getTime()) : undefined;
    if (rerun && !entry.extra.releaseRequested) {
      await fire(entry, 'run-interrupted', { message: `The run failed on this machine (${record.message}); running it again shortly` }, rerun);
      return;
    }
    if (interrupted && !entry.extra.releaseRequested) {
      // Not preemptible: it cannot be handed back, so it runs again when the device is free,
      // as long as it can still finish before runBy (checked when it restarts). It starts
      // from the beginning: the job says so, with the run time that is lost.
      const restarts = addRestart(entry.record.restarts, runSeconds);
      await fire(entry, 'run-interrupted', {
        restarts,
        message: `${record.message.replace(/\.$/, '')}. Not preemptible: it starts again from the beginning when the device is free (${formatSeconds(restarts.lostSeconds)} of unpaid work lost so far)`,
      });
      return;
    }
    await giveUp(
      entry,
      `This job ${record.reason} and is not preemptible, so it cannot be released. It will be refunded to the requester after its run deadline (your stake for it is at risk).`,
      `The job ${record.reason}: ${record.message}`,
    );
  };

  const startRun = async (entry: ProviderJobEntry) => {
    const ctx = need();
    if (!entry.spec || !entry.record.deviceId) return;
    const now = await ctx.chain.now();
    if (now + entry.record.maxDurationSeconds + SUBMIT_MARGIN_SECONDS > entry.extra.runBy) {
      if (entry.record.preemptible) return release(entry, 0, 'it can no longer finish before its run deadline');
      return giveUp(entry, 'This job can no longer finish before its run deadline; it will be refunded to the requester (your stake for it is at risk).');
    }
    // After a machine fault: give the engine time to come back (the next tick tries again).
    if ((entry.extra.nextRunAt ?? 0) > clock.now().getTime()) return;
    if (!deps.deviceAvailable(entry.record.deviceId)) {
      if (entry.record.preemptible) return release(entry, 0, 'the device is not available');
      if (entry.record.message !== 'Waiting for the device to become available') await annotate(entry, { message: 'Waiting for the device to become available' });
      return;
    }
    const localJobId = `market-${ctx.chainId}-${entry.record.chainJobId}-${randomBytes(3).toString('hex')}`;
    // Recorded before the run starts: a crash mid-run still knows which folder to clean up.
    await annotate(entry, {}, { localJobIds: [...(entry.extra.localJobIds ?? []), localJobId] });
    let started: { jobId: string; done: Promise<JobRecord> };
    try {
      started = await deps.startJob(entry.spec, entry.record.deviceId, localJobId);
    } catch (error) {
      const message = shortError(error);
      const rerun = isEngineGone(message) ? nextMachineRerun(entry.extra.machineReruns, clock.now().getTime()) : undefined;
      if (rerun) return annotate(entry, { message: `The engine is not answering (${message}); trying again shortly` }, rerun);
      if (entry.record.preemptible) return release(entry, 0, `the job could not start: ${message}`);
      return giveUp(entry, `The job could not start: ${message}. It will be refunded after its run deadline.`);
    }
    runs.set(entry.record.chainJobId, { localJobId: started.jobId, done: started.done });
    await fire(entry, 'run-started', { localJobId: started.jobId, runStartedAt: nowIso(), runEndedAt: null, message: 'Running' });
    // Followed outside the step lock: a run lasts long and other steps must go on.
    void started.done
      .then(
        (record) => afterRun(entry, record),
        (error: unknown) => fire(entry, 'run-interrupted', { message: `The run failed: ${shortError(error)}` }),
      )
      .catch((error: unknown) => logger.error('market job follow-up failed', { id: entry.record.chainJobId, error: String(error) }))
      .finally(() => {
        if (runs.get(entry.record.chainJobId)?.localJobId === started.jobId) runs.delete(entry.record.chainJobId);
      });
  };

  const { deliverAndSubmit } = createDelivery({ deps, random, need, annotate, fire, sendTx, reconcile: (entry) => reconcile(entry), shortError });

  const finalizeIfDue = async (entry: ProviderJobEntry) => {
    const ctx = need();
    if (entry.extra.submittedAtChain === null) return reconcile(entry);
    const due = entry.extra.submittedAtChain + ctx.constants.challengeWindow;
    // The contract compares against the NEXT block's time: on the devnet that is about wall time.
    if ((await ctx.chain.now()) <= due) return;
    // The requester may have accepted (or anyone finalized) already: ask the chain first.
    if ((await ctx.chain.readJob(entry.record.chainJobId)).state !== 'Submitted') return reconcile(entry);
    const receipt = await sendTx(entry, 'finalize', (chain) => chain.finalize(entry.record.chainJobId));
    // Settled: the book's JobSettled event brings the amounts; reconcile moves the state now.
    await reconcile(entry);
    if (receipt.status !== 'confirmed') logger.warn('finalize reverted', { id: entry.record.chainJobId });
  };

  const reconcile = createReconcile({ need, annotate, fire, stillInFlight, running: (id) => runs.has(id), nowIso });

  /** One step for a job: reconcile first after a (re)load, then the state's duty. */
  const step = async (entry: ProviderJobEntry) => {
    const id = entry.record.chainJobId;
    if (isTerminal(entry.record.state) || entry.extra.gaveUp) return;
    if (!reconciled.has(id)) {
      const before = entry.record.state;
      await reconcile(entry);
      reconciled.add(id);
      if (entry.record.state !== before || isTerminal(entry.record.state)) return;
    }
    const { state } = entry.record;
    if (entry.extra.releaseRequested && (state === 'claimed' || state === 'running')) {
      const run = runs.get(id);
      if (run) {
        await deps.cancelJob(run.localJobId);
        return; // afterRun releases
      }
      if (state === 'claimed') return release(entry, 0, 'the owner gave it back');
    }
    switch (state) {
      case 'seen':
        return;
      case 'claiming':
        return reconcile(entry);
      case 'claimed':
        return startRun(entry);
      case 'running':
        if (!runs.has(id)) return reconcile(entry);
        return;
      case 'uploading':
        return deliverAndSubmit(entry);
      case 'submitted':
        return finalizeIfDue(entry);
    }
  };

  const advance = (entry: ProviderJobEntry): Promise<void> => {
    const id = entry.record.chainJobId;
    const current = busy.get(id);
    if (current) {
      again.add(id);
      return current;
    }
    const next = (async () => {
      do {
        again.delete(id);
        try {
          await step(entry);
        } catch (error) {
          if (error instanceof TxInFlight) logger.info('market job waits for a transaction sent before the restart', { id, state: entry.record.state });
          else if (isDiskFull(error)) logger.warn('market job step paused: the disk is full', { id, state: entry.record.state });
          else logger.warn('market job step failed; retrying', { id, state: entry.record.state, error: shortError(error) });
          again.delete(id);
        }
      } while (again.has(id) && context !== null);
    })().finally(() => busy.delete(id));
    busy.set(id, next);
    return next;
  };

  return {
    /** Read-only: change jobs through the methods below. */
    jobs: jobs as ReadonlyMap<string, ProviderJobView>,
    get: (id: string): ProviderJobView | undefined => jobs.get(id),
    setContext(next: ProviderContext | null, loaded: StoredProviderJob[], specOf: (id: string) => JobSpec | null) {
      context = next;
      jobs.clear();
      reconciled.clear();
      for (const stored of loaded) {
        jobs.set(stored.record.chainJobId, { record: stored.record, extra: stored.extra as ProviderExtra, spec: specOf(stored.record.chainJobId) });
      }
    },
    /** The same chain with a new wallet address (created or imported after start): records stay. */
    updateContext(next: ProviderContext) {
      context = next;
    },
    context: () => context,
    inFlight: () => busy.size + runs.size,
    running: (id: string) => runs.has(id),
    /**
     * Claims a job at `ask` for `deviceId`; resolves when the claim is mined (and the run
     * starts). The upload host is resolved and checked first: a job whose results could
     * never be delivered is not claimed.
     */
    async claim(book: BookJob, spec: JobSpec, uploadUrl: string, ask: bigint, deviceId: string) {
      const ctx = need();
      // A job we still work on is never claimed again, whatever a lagging book says: a second
      // claim would be reconciled as "ours" and run the job twice.
      const current = jobs.get(book.id);
      if (busy.has(book.id) || (current && isActive(current.record.state))) {
        return { claimed: false, reason: `already ${current?.record.state ?? 'claiming'}` };
      }
      try {
        await deps.checkUploadHost(uploadUrl, ctx.chain.isLocal);
      } catch (error) {
        logger.warn('not claiming a market job: its upload host is refused', { id: book.id, error: shortError(error) });
        return { claimed: false, reason: shortError(error) };
      }
      const entry: ProviderJobEntry = {
        spec,
        record: newProviderRecord({ book, chainId: ctx.chainId, marketAddress: ctx.marketAddress, ask, deviceId, state: 'seen', message: 'Claiming', now: clock.now() }),
        extra: { uploadUrl, uploaded: false, claimedAtChain: null, submittedAtChain: null, runBy: book.runBy },
      };
      // A job claimed before (released, lost) gets a fresh record: the old one is history on chain.
      jobs.set(book.id, entry);
      reconciled.add(book.id);
      const work = (async () => {
        await fire(entry, 'claim', { message: 'Claiming' });
        let receipt;
        try {
          receipt = await sendTx(entry, 'claim', (chain) => chain.claim(book.id, ask));
        } catch (error) {
          await fire(entry, 'claim-failed', { closedAt: nowIso(), message: `The claim could not be sent: ${shortError(error)}` });
          return;
        }
        if (receipt.status !== 'confirmed') return reconcile(entry);
        const chainJob = await ctx.chain.readJob(book.id);
        await fire(entry, 'claim-confirmed', { attempt: chainJob.attempt, claimedAt: nowIso(), message: 'Claimed; starting' }, { claimedAtChain: chainJob.claimedAt, runBy: chainJob.runBy });
      })()
        .catch((error: unknown) => logger.warn('market claim failed', { id: book.id, error: shortError(error) }))
        .finally(() => {
          busy.delete(book.id);
          // The claim-confirmed effect (start the run) waited for the lock to be free.
          const current = jobs.get(book.id);
          if (current && again.has(book.id)) void advance(current);
        });
      busy.set(book.id, work);
      await work;
      return { claimed: entry.record.state !== 'failed-to-claim' && entry.record.state !== 'lost-to-other', reason: null };
    },
    advance: (id: string) => {
      const entry = jobs.get(id);
      return entry ? advance(entry) : Promise.resolve();
    },
    /** A job the chain says we hold but we have no record of (records lost): never forgotten. */
    async adopt(book: BookJob, spec: JobSpec, uploadUrl: string, deviceId: string | null) {
      logger.warn('adopting a market job the chain says we hold', { id: book.id });
      const message = 'Found on chain after a restart; reconciling';
      const record = newProviderRecord({ book, chainId: context?.chainId ?? 0, marketAddress: context?.marketAddress ?? '', ask: book.ask ?? 0n, deviceId, state: 'claiming', message, now: clock.now() });
      const entry: ProviderJobEntry = { spec, record, extra: { uploadUrl, uploaded: false, claimedAtChain: null, submittedAtChain: null, runBy: book.runBy } };
      jobs.set(book.id, entry);
      await persist(entry);
      await advance(entry);
    },
    /** The spec and upload URL of a record loaded before the index had its job. */
    fillSpec(id: string, spec: JobSpec, uploadUrl: string) {
      const entry = jobs.get(id);
      if (!entry || entry.spec) return;
      entry.spec = spec;
      entry.extra = { ...entry.extra, uploadUrl: entry.extra.uploadUrl ?? uploadUrl };
    },
    /** The owner asks to give a preemptible job back (checked by the caller). */
    async requestRelease(id: string) {
      const entry = jobs.get(id);
      if (!entry) throw new AgentError('market_job_not_held', `This provider does not hold job ${id}.`);
      await annotate(entry, { message: 'Giving it back at your request' }, { releaseRequested: true });
      void advance(entry);
      return entry.record;
    },
    /** Applies what the chain's events say (settled, released, refunded, lost) through the table. */
    async applyChainEvent(id: string, event: ProviderJobEvent, patch: Partial<Omit<ProviderJob, 'state'>> = {}) {
      const entry = jobs.get(id);
      if (!entry) return false;
      // Our own submit is being followed right now: its receipt moves the state, with the
      // transaction's outcome recorded first (the event may arrive before the receipt).
      if (event === 'submit-confirmed' && busy.has(id)) {
        again.add(id);
        return false;
      }
      return fire(entry, event, patch);
    },
    /** Money figures from events for a record already closed (no state change). */
    async annotate(id: string, patch: Partial<Omit<ProviderJob, 'state'>>) {
      const entry = jobs.get(id);
      if (entry) await annotate(entry, patch);
    },
    /** Marks the paid jobs with the withdrawal that moved their money to the wallet. */
    async recordWithdrawal(ids: readonly string[], tx: MarketTx) {
      for (const id of ids) {
        const entry = jobs.get(id);
        if (entry) await annotate(entry, { txs: [...entry.record.txs, tx] });
      }
    },
    /** The withdrawal's outcome on each job it was marked on. */
    async settleWithdrawal(id: string, hash: string, status: MarketTx['status'], blockNumber: number | null, minedHash?: string) {
      const entry = jobs.get(id);
      if (!entry) return;
      await annotate(entry, {
        txs: entry.record.txs.map((t) => (t.kind === 'withdraw' && t.hash === hash ? { ...t, hash: minedHash ?? t.hash, status, blockNumber } : t)),
      });
    },
    /** Removes the result folders of closed jobs whose retention ran out; returns how many jobs. */
    sweepResults: (now: Date) => sweepResults({ entries: () => jobs.values(), annotate, removeResults: deps.removeResults, retentionMs }, now),
    /** Waits for every step to finish (tests, stop). */
    async idle() {
      while (busy.size > 0) await Promise.allSettled([...busy.values()]);
    },
  };
}

export type MarketProvider = ReturnType<typeof createMarketProvider>;
