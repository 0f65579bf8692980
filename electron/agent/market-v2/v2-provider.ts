/**
 * The v2 provider's work on each tick: ask the pure plan (v2-provider-plan.ts) what to do
 * with every job of the book and do it, each effect behind a record on disk
 * (v2-run-store.ts): a won slot runs as a container job through the agent's job runner
 * (the same sandbox as v1), its outputs digest (shared/domain/market-job outputsDigest, what
 * the requester recomputes from the upload) and a fresh salt are stored before the commit
 * is sent, results are uploaded with the v1 upload code (backoff, host checks) without the
 * commit waiting for it, redeliveries go to every URL the requester asks for while the
 * results are kept. After a restart nothing is sent until the event log has caught up with
 * the chain: the plan then reads what the chain already has from the book, and a call sent
 * in the last two minutes is not sent again (the first may still be mined).
 *
 * A preemptible run stopped by the owner (a game, the idle hours ending, a pause, or "give it
 * back") is released: what it wrote so far is its checkpoint (collected and digested like a
 * result), the intent and the checkpoint are on disk before the release is sent, and the
 * checkpoint is uploaded like a result (a dispute verifies it). A run that failed is never
 * committed: a preemptible one is released with nothing to show (paid nothing, stake
 * unlocked, the job reopens for others), a non-preemptible one is given up (the contract has
 * no way to hand it back; its stake is at risk, as on v1).
 */
import { randomBytes } from 'node:crypto';
import { hexlify } from 'ethers';
import { AgentError } from '../../../shared/api/result';
import type { JobOutputFile, JobRecord, JobSpec } from '../../../shared/domain/job';
import { outputsDigest } from '../../../shared/domain/market-job';
import { retryDelayMs } from '../../../shared/domain/result-delivery';
import { describeMarketV2Revert, V2_ERROR_WORDS } from '../chain/market-v2-errors';
import { isMachineFault } from '../market/machine-fault';
import type { Logger } from '../ports';
import type { V2BookJob } from './v2-book';
import { DEFAULT_REQUESTER_RULE, planV2, type RequesterRule, type V2Action } from './v2-provider-plan';
import { type V2Call, v2CallFor } from './v2-provider-loop';
import { emptyProviderRecord, foldV2Records, type V2Records } from './v2-records';
import { runPending, type V2RunRecord, type V2RunStore } from './v2-run-store';

/** A call sent within this long is not sent again (a restart, a slow mine). */
export const RESEND_AFTER_MS = 120_000;

/** The feature's verdict on a job it might take: fits, at which ask, on which device. */
export interface V2Verdict {
  fits: boolean;
  reasons: string[];
  ask: bigint | null;
  deviceId: string | null;
  spec: JobSpec | null;
  uploadUrl: string | null;
}

export interface V2ProviderDeps {
  store: V2RunStore;
  logger: Logger;
  now(): Date;
  /** Chain time (seconds) of the newest head. */
  chainTime(): number;
  chainId(): number;
  me(): string | null;
  /** Reasons new work is not taken now (bidding off, no device, locked wallet...); empty: take it. */
  biddingBlocked(): string[];
  verdict(job: V2BookJob): V2Verdict;
  constants(): { minStake: bigint; challengeWindow: number } | null;
  freeStake(): bigint;
  /** Tops up free stake to minStake; false when it cannot. */
  ensureStake(): Promise<boolean>;
  rule(): RequesterRule;
  /** Records of the jobs the event log compacted away (added to the fold of the book). */
  recordsBase?(): V2Records | undefined;
  send(call: V2Call): Promise<void>;
  /** Block timestamp of a block (a slot's start on chain). */
  blockTime(block: number): Promise<number | null>;
  startJob(spec: JobSpec, deviceId: string, localJobId: string, options: { keepCheckpoint: boolean }): Promise<{ jobId: string; done: Promise<JobRecord> }>;
  /** Stops a running container job (the run ends 'cancelled'); false when it is not running. */
  cancelJob(localJobId: string): Promise<boolean>;
  /** Whether the owner lets the device rent now (default: yes); a run starts only then. */
  deviceAvailable?(deviceId: string): boolean;
  upload(url: string, localJobId: string, outputs: readonly JobOutputFile[]): Promise<void>;
  notice(text: string): void;
  /** Something changed: run another tick soon. */
  soon(): void;
  random?: () => number;
}

export interface V2Provider {
  tick(jobs: Iterable<V2BookJob>): Promise<V2Action[]>;
  passes: Map<string, string>;
  /** Chain jobs whose container runs now. */
  running(): ReadonlySet<string>;
  records(): V2Records;
  /**
   * The owner gives a preemptible slot of ours back: the intent is on disk, then the run is
   * stopped; its checkpoint goes out with the release on a later tick. Refused (AgentError)
   * for a job we do not run, one that is not preemptible, or a run already finished.
   */
  requestRelease(job: V2BookJob): Promise<void>;
}

const short = (error: unknown) => (describeMarketV2Revert(error)?.words ?? (error instanceof Error ? error.message : String(error))).split('\n')[0]!.slice(0, 300);

/**
 * The container ran and the job's own code ended it: a non-zero exit, its time limit, its
 * memory limit (limits the requester set). That outcome is the job's result: it is committed
 * and billed like a success, since the time was served. A verifier or another replica running
 * the same deterministic job gets the same outcome, so an honest provider is upheld; giving it
 * up instead would let the requester take the provider's stake for its own program's failure.
 * Not so a run that never started or that this machine broke (the engine, a full disk).
 */
export function endedByItsOwnCode(record: Pick<JobRecord, 'reason' | 'exitCode' | 'error'>): boolean {
  if (record.reason === 'timed-out' || record.reason === 'oom') return true;
  return record.reason === 'failed' && record.exitCode !== null && record.exitCode !== undefined && !isMachineFault(record);
}

export function createV2Provider(deps: V2ProviderDeps): V2Provider {
  const { store, logger } = deps;
  const random = deps.random ?? Math.random;
  const passes = new Map<string, string>();
  const inFlight = new Set<string>();
  const running = new Set<string>();
  const uploads = new Map<string, { attempts: number; nextAt: number; busy: boolean }>();
  let records: V2Records = foldV2Records([]);

  const runJob = async (job: V2BookJob, slot: number, verdict: V2Verdict | null) => {
    const spec = verdict?.spec;
    const deviceId = store.get(job.id)?.deviceId ?? verdict?.deviceId ?? 'cpu';
    if (!spec) {
      await store.save(job.id, { slot, error: 'the job document cannot be run here' });
      return;
    }
    const localJobId = `market2-${deps.chainId()}-${job.id}-${randomBytes(3).toString('hex')}`;
    const me = deps.me()?.toLowerCase();
    const ask = job.auctions.find((a) => a.roundNo === job.slots.find((s) => s.slot === slot)?.roundNo)?.bids.find((b) => b.provider.toLowerCase() === me)?.ask ?? null;
    // Recorded before the container starts: a crash mid-run knows which run it was.
    await store.save(job.id, { slot, localJobId, deviceId, error: null, askMicrosPerHour: ask });
    running.add(job.id);
    let started;
    try {
      // A preemptible run keeps what it wrote if the owner stops it: the release's checkpoint.
      started = await deps.startJob(spec, deviceId, localJobId, { keepCheckpoint: job.terms.preemptible });
    } catch (error) {
      running.delete(job.id);
      await store.update(job.id, { error: `The job could not start: ${short(error)}` });
      return;
    }
    deps.notice(`Job ${job.id}: won slot ${slot}; running it (${started.jobId}).`);
    void started.done
      .then((record) => afterRun(job, record))
      .catch(async (error: unknown) => {
        await store.update(job.id, { error: `The run failed: ${short(error)}` }).catch(() => undefined);
      })
      .finally(() => {
        running.delete(job.id);
        deps.soon();
      });
  };

  /** The run ended: commit a finished run, release a preemptible one, run again or give up. */
  const afterRun = async (job: V2BookJob, record: JobRecord) => {
    const seconds = Math.max(1, Math.ceil((record.timings.runMs ?? 1000) / 1000));
    const stopped = record.reason === 'preempted' || record.reason === 'cancelled';
    if (record.reason === 'completed' || endedByItsOwnCode(record)) {
      // Digest and salt on disk before the commit can be sent (the plan needs both). A release
      // asked for while it completed yields to the commit: the whole run is paid.
      // The run window (with the device) is what the ledger's energy figure integrates.
      await store.update(job.id, {
        outputs: record.outputs,
        outputsDigest: outputsDigest(record.outputs),
        salt: hexlify(randomBytes(32)),
        seconds,
        runStartedAt: record.timings.startedAt,
        runEndedAt: record.timings.finishedAt,
        error: null,
        release: null,
      });
      deps.notice(`Job ${job.id}: run ${record.reason === 'completed' ? 'finished' : `ended by the job's own code (${record.message.replace(/\.$/, '')})`} in ${seconds} s; committing.`);
      return;
    }
    if (job.terms.preemptible) {
      // Only a run the owner stopped has a checkpoint; a failed run has nothing to show.
      const checkpoint = stopped && record.outputs.length > 0 ? record.outputs : null;
      const why = store.get(job.id)?.release?.why ?? (stopped ? 'the owner took the device back' : `the run ended: ${record.message}`);
      await store.update(job.id, {
        release: { why, stopped: true },
        outputs: checkpoint,
        outputsDigest: checkpoint ? outputsDigest(checkpoint) : null,
        salt: checkpoint ? hexlify(randomBytes(32)) : null,
        seconds: checkpoint ? seconds : 0,
        runStartedAt: record.timings.startedAt,
        runEndedAt: record.timings.finishedAt,
        error: null,
      });
      deps.notice(`Job ${job.id}: giving it back (${why}) ${checkpoint ? `with a checkpoint of ${checkpoint.length} file(s) after ${seconds} s` : 'with nothing to show'}.`);
      return;
    }
    if (stopped) {
      // Not preemptible: the owner took the device back; the run starts again while runBy allows.
      await store.update(job.id, { localJobId: null });
      return;
    }
    // Failed on this side (never started, the engine or the disk failed): not a result of the
    // job, so committing a digest would claim payment for nothing it did.
    await store.update(job.id, { error: `The run ended: ${record.message.replace(/\.$/, '')}. Not preemptible, so it cannot be given back: no result is committed and the stake for it is at risk.` });
  };

  /**
   * A run starts only on a device the owner lets rent (as v1): otherwise a preemptible slot
   * is given back with nothing to show (the owner has the machine), and any other waits.
   */
  const startWhenFree = async (job: V2BookJob, slot: number, verdict: V2Verdict | null) => {
    const deviceId = store.get(job.id)?.deviceId ?? verdict?.deviceId ?? 'cpu';
    if (deps.deviceAvailable?.(deviceId) ?? true) return runJob(job, slot, verdict);
    if (!job.terms.preemptible || store.get(job.id)?.release) return;
    await store.save(job.id, { slot, deviceId, release: { why: 'the device is not available', stopped: true }, outputs: null, outputsDigest: null, salt: null, seconds: 0 });
    deps.notice(`Job ${job.id}: the device is not available; giving it back with nothing to show.`);
  };

  /** Uploads to the document's URL with backoff; never holds up the commit. */
  const deliver = (job: V2BookJob, run: V2RunRecord, url: string) => {
    const state = uploads.get(`${job.id} ${url}`) ?? { attempts: 0, nextAt: 0, busy: false };
    uploads.set(`${job.id} ${url}`, state);
    if (state.busy || state.nextAt > deps.now().getTime() || !run.localJobId) return;
    const outputs = run.outputs;
    if (!outputs) return;
    state.busy = true;
    state.attempts++;
    deps
      .upload(url, run.localJobId, outputs)
      .then(async () => {
        const current = store.get(job.id);
        if (current && !current.deliveredTo.includes(url)) await store.update(job.id, { deliveredTo: [...current.deliveredTo, url] });
        deps.notice(`Job ${job.id}: results delivered to ${new URL(url).host}.`);
      })
      .catch((error: unknown) => {
        state.nextAt = deps.now().getTime() + retryDelayMs(state.attempts, random);
        logger.warn('market v2 upload failed', { id: job.id, attempt: state.attempts, error: short(error) });
      })
      .finally(() => {
        state.busy = false;
      });
  };

  const callFor = async (action: V2Action, job: V2BookJob, me: string): Promise<V2Call | null> => {
    const slot = action.kind === 'commit' || action.kind === 'release' ? job.slots.find((s) => s.slot === action.slot) : undefined;
    const startedAt = slot ? ((await deps.blockTime(slot.assignedBlock)) ?? deps.chainTime()) : deps.chainTime();
    return v2CallFor(action, me, deps.chainTime(), startedAt);
  };

  const sendOnce = async (action: V2Action, job: V2BookJob, me: string) => {
    const call = await callFor(action, job, me);
    if (!call) return;
    const key = `${action.id}:${call.method}`;
    const run = store.get(action.id);
    if (inFlight.has(key) || (run && deps.now().getTime() - (run.sentAt[call.method] ?? 0) < RESEND_AFTER_MS)) return;
    inFlight.add(key);
    try {
      // The send is on disk before it goes out: a restart waits for it rather than sending twice.
      if (run) await store.update(action.id, { sentAt: { ...run.sentAt, [call.method]: deps.now().getTime() } });
      await deps.send(call);
      logger.info('market v2 call mined', { id: action.id, method: call.method });
    } catch (error) {
      if (run) await store.update(action.id, { sentAt: { ...run.sentAt, [call.method]: 0 } });
      deps.notice(`Job ${action.id}: ${call.method} refused: ${short(error)}`);
    } finally {
      inFlight.delete(key);
    }
  };

  const blockTimes = new Map<number, number>();
  /** Chain time of each submitted job's newest submission of ours (the challenge window runs from it). */
  const submissionTimes = async (all: readonly V2BookJob[], me: string): Promise<Map<string, number>> => {
    const times = new Map<string, number>();
    for (const job of all) {
      if (job.state !== 'submitted' || !job.slots.some((s) => s.provider.toLowerCase() === me)) continue;
      const submitted = [...job.events].reverse().find((e) => e.kind === 'resultSubmitted' || (e.kind === 'released' && e.servedSeconds > 0));
      if (!submitted) continue;
      let at = blockTimes.get(submitted.blockNumber);
      if (at === undefined) {
        at = (await deps.blockTime(submitted.blockNumber).catch(() => null)) ?? undefined;
        if (at !== undefined) blockTimes.set(submitted.blockNumber, at);
        // Only a few submissions are ever pending at once; the oldest times are not needed again.
        if (blockTimes.size > 256) blockTimes.delete(blockTimes.keys().next().value!);
      }
      if (at !== undefined) times.set(job.id, at);
    }
    return times;
  };

  const requestRelease = async (job: V2BookJob) => {
    const me = deps.me();
    const run = store.get(job.id);
    const slot = job.slots.find((s) => s.slot === run?.slot && me !== null && s.provider.toLowerCase() === me);
    const notRunning = () => new AgentError('market_job_not_held', `This provider is not running job ${job.id}.`, 'Only a job whose run is in progress can be given back.');
    if (!run || !slot) throw notRunning();
    if (!job.terms.preemptible) {
      // The contract's own rule (release reverts NotPreemptible): its commitment is due by runBy.
      const words = V2_ERROR_WORDS.NotPreemptible!([job.id] as never);
      throw new AgentError('not_preemptible', `${words} The requester did not allow it to be handed back.`, 'Let it finish: its result is committed before its run deadline. To stop renting after it, pause with "finish this job first".');
    }
    if (slot.state !== 'running') throw notRunning();
    if (run.release) return;
    if (run.outputsDigest !== null || run.error !== null) throw new AgentError('market_job_finishing', `Job ${job.id}'s run has already ended: ${run.error ?? 'its result is being committed'}.`);
    const live = running.has(job.id) && run.localJobId !== null;
    // On disk before the container is stopped: a restart still sends the release.
    await store.update(job.id, { release: { why: 'the owner gave it back', stopped: !live }, ...(live ? {} : { outputs: null, outputsDigest: null, salt: null, seconds: 0 }) });
    if (live) await deps.cancelJob(run.localJobId!);
    deps.soon();
  };

  return {
    passes,
    running: () => running,
    records: () => records,
    requestRelease,
    async tick(jobs) {
      const me = deps.me();
      const constants = deps.constants();
      if (!me || !constants) return [];
      const all = [...jobs];
      records = foldV2Records(all, deps.recordsBase?.());
      const blocked = deps.biddingBlocked();
      const verdicts = new Map<string, V2Verdict>();
      const verdictOf = (job: V2BookJob) => verdicts.get(job.id) ?? verdicts.set(job.id, deps.verdict(job)).get(job.id)!;
      const actions: V2Action[] = [];
      const submittedAt = await submissionTimes(all, me);
      // Busy devices: one container per device; one outstanding engagement (bid or run) each.
      let engaged = [...store.runs().values()].filter(runPending).length;
      // A bid of ours on an auction not yet awarded is an engagement too (we may win it).
      for (const job of all) if (job.state === 'open' && job.auctions.some((a) => a.roundNo === job.roundNo && a.bids.some((b) => b.provider.toLowerCase() === me))) engaged++;
      for (const job of all) {
        const open = job.state === 'open' && !job.slots.some((s) => s.provider.toLowerCase() === me);
        const verdict = open || !store.get(job.id) ? verdictOf(job) : null;
        const [action] = planV2([job], {
          me,
          now: deps.chainTime(),
          floorPerHour: verdict?.ask ?? 1n,
          challengeWindow: constants.challengeWindow,
          // Free stake is topped up (ensureStake) right before a bid or claim: the plan assumes it can be.
          freeStake: deps.freeStake() < constants.minStake ? constants.minStake : deps.freeStake(),
          minStake: constants.minStake,
          myRecord: records.providers.get(me) ?? emptyProviderRecord(),
          requesterRecord: (address) => records.requesters.get(address.toLowerCase()),
          rule: deps.rule() ?? DEFAULT_REQUESTER_RULE,
          fits: () => verdict?.fits ?? false,
          runs: store.runs(),
          submittedAt: (j) => submittedAt.get(j.id),
        });
        if (!action) continue;
        actions.push(action);
        if (action.kind === 'pass') {
          passes.set(job.id, action.reason === 'it does not fit this machine' && verdict ? `it does not fit: ${verdict.reasons.join('; ')}` : action.reason);
          continue;
        }
        passes.delete(job.id);
        if (action.kind === 'bid' || action.kind === 'claim') {
          if (blocked.length > 0 || engaged >= 1) continue;
          if (!(await deps.ensureStake())) {
            passes.set(job.id, 'not enough free stake, and the wallet cannot cover the deposit');
            continue;
          }
          engaged++;
          await sendOnce(action, job, me);
          continue;
        }
        if (action.kind === 'run') {
          if (!running.has(job.id)) await startWhenFree(job, action.slot, verdictOf(job));
          continue;
        }
        if (action.kind === 'redeliver') {
          const run = store.get(job.id);
          if (run) deliver(job, run, action.uploadUrl);
          continue;
        }
        await sendOnce(action, job, me);
      }
      for (const run of store.runs().values()) {
        const job = all.find((j) => j.id === run.chainJobId);
        if (!job) continue;
        // A release asked for before a restart whose container is gone: nothing of it is left to show.
        if (run.release && !run.release.stopped && !running.has(job.id)) {
          await store.update(job.id, { release: { ...run.release, stopped: true }, outputs: null, outputsDigest: null, salt: null, seconds: 0 });
          deps.soon();
          continue;
        }
        // A run cut short by a restart (no digest, nothing running): start it again while runBy allows.
        if (runPending(run) && !running.has(job.id) && deps.chainTime() < job.runBy && job.slots.some((s) => s.slot === run.slot && s.state === 'running')) {
          await startWhenFree(job, run.slot, verdictOf(job));
          continue;
        }
        // The document's upload URL, once the digest is kept (the commit goes out without waiting).
        const url = verdictOf(job).uploadUrl;
        if (run.outputsDigest !== null && url && !run.deliveredTo.includes(url) && deps.chainTime() <= job.runBy + constants.challengeWindow) deliver(job, run, url);
      }
      return actions;
    },
  };
}
