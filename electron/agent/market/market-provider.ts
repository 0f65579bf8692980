/**
 * The provider's side of every job it claims, as a small state machine per job:
 *
 *   claiming ─► claimed ─► running ─► uploading ─► submitted ─► settled
 *       │          │          │ preempted / failed (preemptible) ─► released
 *       ▼          ▼          ▼ (not preemptible) ─► claimed again while time allows, else reported
 *   failed-to-claim / lost-to-other                   refunded (the requester took the escrow back)
 *
 * Each step is idempotent and re-derived from the record plus the chain, so an RPC outage,
 * a crash or a restart only delays it: `advance` is called again on the next tick and picks
 * up where the record says. Every transaction goes through the wallet's queue (WalletAccess).
 */
import { randomBytes } from 'node:crypto';
import { AgentError } from '../../../shared/api/result';
import type { JobOutputFile, JobRecord, JobSpec } from '../../../shared/domain/job';
import type { MarketTx, ProviderJob } from '../../../shared/domain/market';
import { outputsDigest } from '../../../shared/domain/market-job';
import { SUBMIT_MARGIN_SECONDS } from '../../../shared/domain/market-evaluation';
import type { ChainConnection } from '../chain/chain-hub';
import { workspacePaths } from '../jobs/job-workspace';
import type { Clock, Logger } from '../ports';
import type { TxKind, WalletAccess } from '../wallet/wallet-access';
import { encode, isLocalChain, latestBlockTime, type MarketConstants, readJob } from './chain-reads';
import type { BookJob } from './market-book';
import type { ProviderRecords, StoredProviderJob } from './provider-records';
import { uploadResults } from './result-upload';

export interface ProviderExtra {
  uploadUrl: string | null;
  uploaded: boolean;
  claimedAtChain: number | null;
  submittedAtChain: number | null;
  runBy: number;
  outputs?: JobOutputFile[];
  runSeconds?: number;
  /** We stopped trying (reported to the owner); the chain will refund it after runBy. */
  gaveUp?: boolean;
  /** The owner asked to give the job back. */
  releaseRequested?: boolean;
}

export interface ProviderJobEntry {
  record: ProviderJob;
  extra: ProviderExtra;
  spec: JobSpec | null;
}

export interface MarketProviderDeps {
  wallet: WalletAccess;
  records: ProviderRecords;
  dataDir: string;
  clock: Clock;
  logger: Logger;
  startJob: (spec: JobSpec, deviceId: string, jobId?: string) => Promise<{ jobId: string; done: Promise<JobRecord> }>;
  cancelJob: (jobId: string) => Promise<boolean>;
  onChange: (job: ProviderJob) => void;
  /** Whether a device may run now (availability). */
  deviceAvailable: (deviceId: string) => boolean;
}

export interface ProviderContext {
  connection: ChainConnection;
  chainKey: string;
  constants: MarketConstants;
}

const TERMINAL = new Set(['settled', 'released', 'refunded', 'failed-to-claim', 'lost-to-other']);
export const isTerminal = (state: ProviderJob['state']) => TERMINAL.has(state);

const shortError = (error: unknown) =>
  (error instanceof AgentError ? error.message : error instanceof Error ? (error as { shortMessage?: string }).shortMessage ?? error.message : String(error)).split('\n')[0] ?? 'error';

export function createMarketProvider(deps: MarketProviderDeps) {
  const { logger, clock } = deps;
  const jobs = new Map<string, ProviderJobEntry>();
  /** Per job: the step in progress (one at a time). */
  const busy = new Map<string, Promise<void>>();
  /** Per job: the local run in progress. */
  const runs = new Map<string, { localJobId: string; done: Promise<JobRecord> }>();
  let context: ProviderContext | null = null;

  const nowIso = () => clock.now().toISOString();

  const persist = async (entry: ProviderJobEntry) => {
    entry.record = { ...entry.record, updatedAt: nowIso() };
    deps.onChange(entry.record);
    if (context) await deps.records.save(context.chainKey, { record: entry.record, extra: entry.extra as StoredProviderJob['extra'] });
  };

  const update = (entry: ProviderJobEntry, patch: Partial<ProviderJob>, extra: Partial<ProviderExtra> = {}) => {
    // A job's end, learnt from the chain's events, is final: a step that was still in flight
    // (the submit step reading back its job while the requester accepted within the same
    // seconds) must not move it back, or the agent would retry finalize on a settled job.
    if (isTerminal(entry.record.state) && patch.state !== undefined && !isTerminal(patch.state)) {
      const { state: _ignored, message: _stale, ...rest } = patch;
      patch = rest;
    }
    entry.record = { ...entry.record, ...patch };
    entry.extra = { ...entry.extra, ...extra };
    return persist(entry);
  };

  /** Chain time for deadline arithmetic; on the devnet blocks are mined on demand, so wall time counts too. */
  const chainNow = async (connection: ChainConnection) => {
    const latest = await latestBlockTime(connection);
    return isLocalChain(connection.network) ? Math.max(latest, Math.floor(clock.now().getTime() / 1000)) : latest;
  };

  /** Sends one transaction through the wallet's queue and records it on the job. */
  const sendTx = async (entry: ProviderJobEntry | null, kind: TxKind, data: string, label: string, to?: string) => {
    const ctx = context;
    if (!ctx) throw new AgentError('chain_offline', 'The chain is not connected.');
    const sent = await deps.wallet.send({ to: to ?? ctx.connection.network.marketAddress, data, kind, label, jobId: entry?.record.chainJobId });
    const tx: MarketTx = { kind, hash: sent.hash, status: 'pending', at: nowIso(), blockNumber: null };
    if (entry) await update(entry, { txs: [...entry.record.txs, tx] });
    const receipt = await sent.wait();
    if (entry) {
      const txs = entry.record.txs.map((t) =>
        t.hash === tx.hash ? { ...t, hash: receipt.hash, status: receipt.status, blockNumber: receipt.blockNumber } : t,
      );
      await update(entry, { txs });
    }
    return receipt;
  };

  const servedSeconds = async (entry: ProviderJobEntry, connection: ChainConnection, runSeconds: number) => {
    const since = (await chainNow(connection)) - (entry.extra.claimedAtChain ?? 0);
    return Math.max(0, Math.min(Math.ceil(runSeconds), entry.record.maxDurationSeconds, since));
  };

  const release = async (entry: ProviderJobEntry, served: number, why: string) => {
    const ctx = context;
    if (!ctx) return;
    await update(entry, { message: `Releasing (${why})` });
    const receipt = await sendTx(entry, 'release', encode.release(entry.record.chainJobId, served), `Release job ${entry.record.chainJobId}`);
    if (receipt.status === 'confirmed') {
      await update(entry, { state: 'released', billedSeconds: served, closedAt: nowIso(), message: `Released after ${served} s (${why}); paid for the time served` });
    } else {
      // The chain moved on (refunded after runBy, say): the next sync from the book says what happened.
      await update(entry, { problem: `The release transaction reverted (${why}).` });
    }
  };

  /** The run finished: submit, release or keep for another try, by reason. */
  const afterRun = async (entry: ProviderJobEntry, record: JobRecord) => {
    const ctx = context;
    const runSeconds = (record.timings.runMs ?? 0) / 1000;
    await update(entry, { runEndedAt: record.timings.finishedAt ?? nowIso(), localJobId: record.id }, { runSeconds });
    if (record.reason === 'completed') {
      await update(entry, { state: 'uploading', message: 'Uploading the results' }, { outputs: record.outputs, uploaded: false });
      return;
    }
    if (!ctx) return;
    const interrupted = record.reason === 'preempted' || record.reason === 'cancelled';
    if (entry.record.preemptible) {
      const served = record.reason === 'refused' ? 0 : await servedSeconds(entry, ctx.connection, runSeconds);
      await release(entry, served, interrupted ? 'the GPU went back to its owner' : `the job ${record.reason}: ${record.message}`);
      return;
    }
    if (interrupted && !entry.extra.releaseRequested) {
      // Not preemptible: it cannot be handed back, so it runs again when the device is free,
      // as long as it can still finish before runBy (checked when it restarts).
      await update(entry, { state: 'claimed', message: 'Interrupted; will run again when the device is available' });
      return;
    }
    await update(
      entry,
      {
        message: `The job ${record.reason}: ${record.message}`,
        problem: `This job ${record.reason} and is not preemptible, so it cannot be released. It will be refunded to the requester after its run deadline (your stake for it is at risk).`,
      },
      { gaveUp: true },
    );
  };

  const startRun = async (entry: ProviderJobEntry) => {
    const ctx = context;
    if (!ctx || !entry.spec || !entry.record.deviceId) return;
    const now = await chainNow(ctx.connection);
    if (now + entry.record.maxDurationSeconds + SUBMIT_MARGIN_SECONDS > entry.extra.runBy) {
      if (entry.record.preemptible) return release(entry, 0, 'it can no longer finish before its run deadline');
      await update(entry, { problem: 'This job can no longer finish before its run deadline; it will be refunded to the requester (your stake for it is at risk).' }, { gaveUp: true });
      return;
    }
    if (!deps.deviceAvailable(entry.record.deviceId)) {
      if (entry.record.preemptible) return release(entry, 0, 'the device is not available');
      await update(entry, { message: 'Waiting for the device to become available' });
      return;
    }
    const localJobId = `market-${ctx.connection.network.chainId}-${entry.record.chainJobId}-${randomBytes(3).toString('hex')}`;
    let started: { jobId: string; done: Promise<JobRecord> };
    try {
      started = await deps.startJob(entry.spec, entry.record.deviceId, localJobId);
    } catch (error) {
      const message = shortError(error);
      if (entry.record.preemptible) return release(entry, 0, `the job could not start: ${message}`);
      await update(entry, { problem: `The job could not start: ${message}. It will be refunded after its run deadline.` }, { gaveUp: true });
      return;
    }
    runs.set(entry.record.chainJobId, { localJobId: started.jobId, done: started.done });
    await update(entry, { state: 'running', localJobId: started.jobId, runStartedAt: nowIso(), runEndedAt: null, message: 'Running' });
    // Followed outside the step lock: a run lasts long and other steps must go on.
    void started.done
      .then(
        (record) => afterRun(entry, record),
        (error: unknown) => update(entry, { state: 'claimed', message: `The run failed: ${shortError(error)}` }),
      )
      .catch((error: unknown) => logger.error('market job follow-up failed', { id: entry.record.chainJobId, error: String(error) }))
      .finally(() => {
        if (runs.get(entry.record.chainJobId)?.localJobId === started.jobId) runs.delete(entry.record.chainJobId);
      });
  };

  const uploadAndSubmit = async (entry: ProviderJobEntry) => {
    const ctx = context;
    if (!ctx || !entry.record.localJobId || !entry.extra.uploadUrl) return;
    const outputs = entry.extra.outputs ?? [];
    if (!entry.extra.uploaded) {
      try {
        await uploadResults({
          url: entry.extra.uploadUrl,
          resultsDir: workspacePaths(deps.dataDir, entry.record.localJobId).resultsDir,
          outputs,
          isDevnet: isLocalChain(ctx.connection.network),
        });
      } catch (error) {
        await update(entry, { problem: `Upload failed: ${shortError(error)} (retrying)` });
        throw error;
      }
      await update(entry, { problem: null, message: 'Uploaded; submitting' }, { uploaded: true });
    }
    const since = (await chainNow(ctx.connection)) - (entry.extra.claimedAtChain ?? 0);
    const billed = Math.max(1, Math.min(Math.ceil(entry.extra.runSeconds ?? 1), entry.record.maxDurationSeconds, since));
    const digest = outputsDigest(outputs);
    const receipt = await sendTx(entry, 'submit', encode.submit(entry.record.chainJobId, digest, billed, entry.extra.uploadUrl), `Submit job ${entry.record.chainJobId}`);
    if (receipt.status !== 'confirmed') {
      await update(entry, { problem: 'The submit transaction reverted; checking the job on chain.' });
      await reconcile(entry);
      return;
    }
    const chainJob = await readJob(ctx.connection, entry.record.chainJobId);
    await update(
      entry,
      {
        state: 'submitted',
        billedSeconds: billed,
        outputsDigest: digest,
        resultUri: entry.extra.uploadUrl,
        submittedAt: nowIso(),
        problem: null,
        message: `Submitted ${billed} s; waiting for the requester (or ${ctx.constants.challengeWindow} s to finalize)`,
      },
      { submittedAtChain: chainJob.submittedAt },
    );
  };

  const finalizeIfDue = async (entry: ProviderJobEntry) => {
    const ctx = context;
    if (!ctx || entry.extra.submittedAtChain === null) return;
    const now = await latestBlockTime(ctx.connection);
    const wall = Math.floor(clock.now().getTime() / 1000);
    const due = entry.extra.submittedAtChain + ctx.constants.challengeWindow;
    // The contract compares against the NEXT block's time: on the devnet that is about wall time.
    if (Math.max(now, isLocalChain(ctx.connection.network) ? wall : 0) <= due) return;
    // The requester may have accepted (or anyone finalized) already: ask the chain first.
    if ((await readJob(ctx.connection, entry.record.chainJobId)).state !== 'Submitted') return reconcile(entry);
    let receipt;
    try {
      receipt = await sendTx(entry, 'finalize', encode.finalize(entry.record.chainJobId), `Finalize job ${entry.record.chainJobId}`);
    } catch (error) {
      await reconcile(entry);
      throw error;
    }
    if (receipt.status !== 'confirmed') await reconcile(entry);
  };

  /** Re-reads the job on chain and moves the record to what the chain says. */
  const reconcile = async (entry: ProviderJobEntry) => {
    const ctx = context;
    const me = deps.wallet.address()?.toLowerCase();
    if (!ctx || !me) return;
    const chainJob = await readJob(ctx.connection, entry.record.chainJobId);
    const ours = chainJob.provider.toLowerCase() === me;
    const { state } = entry.record;
    if (chainJob.state === 'Claimed' && ours) {
      if (state === 'claiming' || (state === 'running' && !runs.has(entry.record.chainJobId))) {
        await update(entry, { state: 'claimed', attempt: chainJob.attempt, claimedAt: entry.record.claimedAt ?? nowIso(), message: state === 'running' ? 'The agent restarted during the run; running it again' : 'Claimed' }, { claimedAtChain: chainJob.claimedAt });
      }
      return;
    }
    if (chainJob.state === 'Submitted' && ours) {
      if (state !== 'submitted') {
        await update(entry, { state: 'submitted', billedSeconds: chainJob.billedSeconds, message: 'Submitted; waiting for the requester' }, { submittedAtChain: chainJob.submittedAt });
      }
      return;
    }
    if (state === 'claiming') {
      await update(entry, chainJob.state === 'Open' ? { state: 'failed-to-claim', closedAt: nowIso(), message: 'The claim did not go through' } : { state: 'lost-to-other', closedAt: nowIso(), message: 'Another provider claimed it first' });
      return;
    }
    // Settled, refunded or reopened after our claim: the book's events carry the amounts.
    if (chainJob.state === 'Settled' && state !== 'settled') await update(entry, { state: 'settled', closedAt: nowIso(), message: 'Settled' });
    else if (chainJob.state === 'Refunded' && state !== 'refunded' && state !== 'released') await update(entry, { state: 'refunded', closedAt: nowIso(), message: 'Refunded to the requester' });
    else if (chainJob.state === 'Open' && !isTerminal(state)) await update(entry, { state: 'released', closedAt: nowIso(), message: 'Released; the job reopened for others' });
  };

  /** One step for a job, if one is due. */
  const step = async (entry: ProviderJobEntry) => {
    const { state } = entry.record;
    const id = entry.record.chainJobId;
    if (isTerminal(state) || entry.extra.gaveUp) return;
    if (entry.extra.releaseRequested && (state === 'claimed' || state === 'running')) {
      const run = runs.get(id);
      if (run) {
        await deps.cancelJob(run.localJobId);
        return; // afterRun releases
      }
      if (state === 'claimed' && context) return release(entry, 0, 'the owner gave it back');
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
        return uploadAndSubmit(entry);
      case 'submitted':
        return finalizeIfDue(entry);
    }
  };

  const advance = (entry: ProviderJobEntry): Promise<void> => {
    const id = entry.record.chainJobId;
    const current = busy.get(id);
    if (current) return current;
    const next = step(entry)
      .catch((error: unknown) => logger.warn('market job step failed; retrying', { id, state: entry.record.state, error: shortError(error) }))
      .finally(() => busy.delete(id));
    busy.set(id, next);
    return next;
  };

  return {
    jobs,
    setContext(next: ProviderContext | null, loaded: StoredProviderJob[], specOf: (id: string) => JobSpec | null) {
      context = next;
      jobs.clear();
      for (const stored of loaded) {
        jobs.set(stored.record.chainJobId, { record: stored.record, extra: stored.extra as ProviderExtra, spec: specOf(stored.record.chainJobId) });
      }
    },
    context: () => context,
    inFlight: () => busy.size + runs.size,
    running: (id: string) => runs.has(id),
    /** Claims a job at `ask` for `deviceId`; resolves when the claim is mined (and the run starts). */
    async claim(book: BookJob, spec: JobSpec, uploadUrl: string, ask: bigint, deviceId: string) {
      const ctx = context;
      if (!ctx) throw new AgentError('chain_offline', 'The chain is not connected.');
      const entry: ProviderJobEntry = {
        spec,
        record: newProviderRecord({ book, connection: ctx.connection, ask, deviceId, state: 'claiming', message: 'Claiming', now: clock.now() }),
        extra: { uploadUrl, uploaded: false, claimedAtChain: null, submittedAtChain: null, runBy: book.runBy },
      };
      // A job claimed before (released, lost) gets a fresh record: the old one is history on chain.
      jobs.set(book.id, entry);
      const work = (async () => {
        await persist(entry);
        let receipt;
        try {
          receipt = await sendTx(entry, 'claim', encode.claim(book.id, ask), `Claim job ${book.id} at ${ask} micros/h`);
        } catch (error) {
          await update(entry, { state: 'failed-to-claim', closedAt: nowIso(), message: `The claim could not be sent: ${shortError(error)}` });
          return;
        }
        if (receipt.status !== 'confirmed') {
          await reconcile(entry);
          return;
        }
        const chainJob = await readJob(ctx.connection, book.id);
        await update(entry, { state: 'claimed', attempt: chainJob.attempt, claimedAt: nowIso(), message: 'Claimed; starting' }, { claimedAtChain: chainJob.claimedAt, runBy: chainJob.runBy });
        await startRun(entry);
      })()
        .catch((error: unknown) => logger.warn('market claim failed', { id: book.id, error: shortError(error) }))
        .finally(() => busy.delete(book.id));
      busy.set(book.id, work);
      return work;
    },
    advance,
    /** A job the chain says we hold but we have no record of (records lost): never forgotten. */
    async adopt(book: BookJob, spec: JobSpec, uploadUrl: string, deviceId: string | null) {
      logger.warn('adopting a market job the chain says we hold', { id: book.id });
      const message = 'Found on chain after a restart; reconciling';
      const record = newProviderRecord({ book, connection: context?.connection ?? null, ask: book.ask ?? 0n, deviceId, state: 'claiming', message, now: clock.now() });
      const entry: ProviderJobEntry = { spec, record, extra: { uploadUrl, uploaded: false, claimedAtChain: null, submittedAtChain: null, runBy: book.runBy } };
      jobs.set(book.id, entry);
      await reconcile(entry);
    },
    update,
    /** Waits for every step and run to finish (tests, stop). */
    async idle() {
      while (busy.size > 0) await Promise.allSettled([...busy.values()]);
    },
  };
}

export type MarketProvider = ReturnType<typeof createMarketProvider>;

/** A fresh record for a job we claim (or find on chain as ours). */
export function newProviderRecord(input: {
  book: BookJob;
  connection: ChainConnection | null;
  ask: bigint;
  deviceId: string | null;
  state: ProviderJob['state'];
  message: string;
  now: Date;
}): ProviderJob {
  const { book } = input;
  return {
    chainJobId: book.id,
    chainId: input.connection?.network.chainId ?? 0,
    marketAddress: input.connection?.network.marketAddress ?? '',
    state: input.state,
    requester: book.requester,
    askMicrosPerHour: input.ask.toString(),
    maxDurationSeconds: book.maxDurationSeconds,
    preemptible: book.preemptible,
    attempt: book.attempt > 0 && input.state !== 'claiming' ? book.attempt : null,
    billedSeconds: null,
    deviceId: input.deviceId,
    localJobId: null,
    claimedAt: null,
    runStartedAt: null,
    runEndedAt: null,
    submittedAt: null,
    closedAt: null,
    grossMicros: null,
    feeMicros: null,
    resultUri: null,
    outputsDigest: null,
    message: input.message,
    problem: null,
    txs: [],
    updatedAt: input.now.toISOString(),
  };
}
