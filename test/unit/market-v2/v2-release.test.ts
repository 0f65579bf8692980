/**
 * Giving a v2 job back (market-v2/v2-provider.ts, the plan's release): a preemptible run the
 * owner stopped (a game, a pause, "give it back") is released with what it wrote as its
 * checkpoint and the seconds it served, the intent and the checkpoint on disk before the
 * release goes out; a restart neither sends it twice nor loses it; the job is never taken
 * again. A run the job's own code ended (an exit code, its time or memory limit) is its
 * result and is committed; a run this side broke (never started, the engine went away) is
 * not. A non-preemptible job is not given back.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ZeroHash } from 'ethers';
import { describe, expect, it } from 'vitest';
import { AgentError } from '../../../shared/api/result';
import type { JobOutputFile, JobRecord } from '../../../shared/domain/job';
import { outputsDigest } from '../../../shared/domain/market-job';
import { durationLeft, planV2, type V2PlanInput } from '../../../electron/agent/market-v2/v2-provider-plan';
import { commitmentOf } from '../../../electron/agent/market-v2/v2-provider-loop';
import { emptyProviderRecord } from '../../../electron/agent/market-v2/v2-records';
import { runInFlight, slotOver } from '../../../electron/agent/market-v2/v2-run-store';
import { createFakeChain, type FakeChain } from '../../fakes/fake-chain';
import { v2Log, v2PostedLog } from '../../fakes/market-v2-logs';
import { v2MarketJobView } from '../../../electron/agent/market-v2/v2-market-view';
import { canGiveBack } from '../../../renderer/features/market/market-view';
import { A, chainBook, OPTIONS, posted, run as storedRun, sourceOf } from './v2-view-fixture';
import { agentOn, foldersForEachTest, MARKET, ME, OTHER, OUTPUTS, REQUESTER, T0 } from './v2-provider-fixture';

const folder = foldersForEachTest();

const CHECKPOINT: JobOutputFile[] = [{ name: 'step-1.txt', sizeBytes: 9, sha256: 'cd'.repeat(32) }];
const ended = (id: string, reason: JobRecord['reason'], outputs: JobOutputFile[], runMs: number, message = 'Stopped', exitCode: number | null = null): JobRecord =>
  ({ id, reason, message, outputs, exitCode, timings: { runMs } }) as unknown as JobRecord;

/** A run whose end the test decides. */
function controlledRun() {
  let finish: (record: JobRecord) => void = () => undefined;
  const starts: Array<{ localJobId: string; keepCheckpoint: boolean }> = [];
  const startJob = async (_spec: unknown, _device: string, localJobId: string, options?: { keepCheckpoint: boolean }) => {
    starts.push({ localJobId, keepCheckpoint: options?.keepCheckpoint ?? false });
    return { jobId: localJobId, done: new Promise<JobRecord>((resolve) => (finish = resolve)) };
  };
  return { startJob, starts, end: (record: JobRecord) => finish(record) };
}

/** A fixed-price job won by us (slot 0) at T0 + 1; 60 s of chain time pass after. */
function wonJob(chain: FakeChain, id: number, terms: { preemptible: boolean; replicas?: number; maxDurationSeconds?: number }) {
  chain.mine([
    v2PostedLog(MARKET, id, REQUESTER, '{}', { bidWindowSeconds: 0, claimBy: T0 + 300, runBy: T0 + 4000, ...terms }),
    v2Log(MARKET, 'SlotAssigned', [id, 0, ME, 200_000n, 0]),
    ...(terms.replicas === 2 ? [v2Log(MARKET, 'SlotAssigned', [id, 1, OTHER, 200_000n, 0])] : []),
  ]);
  chain.mine([], { timestamp: chain.blocks()[chain.blocks().length - 1]!.timestamp + 60 });
}

const settle = () => new Promise((r) => setTimeout(r, 30));
/** Until the agent has handled the end of job `id`'s run (its record on disk, the device free). */
async function handled(agent: { provider: { running(): ReadonlySet<string> } }, id: string) {
  for (let i = 0; i < 2000 && agent.provider.running().has(id); i++) await new Promise((r) => setTimeout(r, 5));
  if (agent.provider.running().has(id)) throw new Error(`job ${id}'s run end was never handled`);
}

describe('a preemptible v2 run the owner stopped', () => {
  it('is released with its checkpoint: intent and checkpoint on disk first, the checkpoint uploaded like a result', async () => {
    const dir = folder();
    const chain = createFakeChain({ startTime: T0 });
    wonJob(chain, 1, { preemptible: true });
    const run = controlledRun();
    const uploads: Array<{ url: string; outputs: readonly JobOutputFile[] }> = [];
    const agent = agentOn(chain, dir, {
      startJob: run.startJob,
      upload: async (url, _local, outputs) => void uploads.push({ url, outputs }),
      send: async (call) => {
        // On disk when the release goes out: the decision and the checkpoint it commits to.
        const disk = JSON.parse(readFileSync(join(dir, 'market', 'v2-runs', 'fake-market.json'), 'utf8')) as { runs: Array<{ release: unknown; outputsDigest: string; salt: string }> };
        expect(disk.runs[0]!.release).toEqual({ why: 'the owner took the device back', stopped: true });
        expect(commitmentOf(disk.runs[0]!.outputsDigest, disk.runs[0]!.salt, ME)).toBe(call.args[3]);
        agent.calls.push(call);
      },
    });
    await agent.tick();
    expect(run.starts).toEqual([{ localJobId: expect.stringMatching(/^market2-31337-1-/), keepCheckpoint: true }]);
    // The owner starts a game: the runner stops the container and keeps what it wrote.
    run.end(ended(run.starts[0]!.localJobId, 'preempted', CHECKPOINT, 41_200));
    await handled(agent, '1');
    expect((await agent.tick()).map((a) => a.kind)).toEqual(['release']);
    const stored = agent.store.get('1')!;
    expect(stored.outputsDigest).toBe(outputsDigest(CHECKPOINT));
    // Seconds actually run (rounded up), never a commit of the checkpoint.
    expect(agent.calls).toEqual([{ method: 'release', args: [1n, 0, 42, commitmentOf(stored.outputsDigest!, stored.salt!, ME)] }]);
    expect(uploads).toEqual([{ url: 'http://127.0.0.1:9/up', outputs: CHECKPOINT }]);
  });

  it('bills no more than the time since the slot started on chain, nor the job duration left', async () => {
    const chain = createFakeChain({ startTime: T0 });
    wonJob(chain, 2, { preemptible: true });
    const run = controlledRun();
    const agent = agentOn(chain, folder(), { startJob: run.startJob });
    await agent.tick();
    run.end(ended(run.starts[0]!.localJobId, 'preempted', CHECKPOINT, 900_000));
    await handled(agent, '2');
    await agent.tick();
    expect(agent.calls[0]!.args[2]).toBe(60);
    // A reopened job: an earlier provider's paid checkpoint shrank the duration left for sale.
    const job = agent.log.book.get('2')!;
    const paid = { ...job.slots[0]!, state: 'paid' as const, billedSeconds: 1000 };
    const next = { ...job.slots[0]!, slot: 1, provider: OTHER };
    expect(durationLeft({ ...job, slots: [paid, next] }, next)).toBe(2600);
  });

  it('with nothing written, is released with nothing to show (0 s, zero checkpoint)', async () => {
    const chain = createFakeChain({ startTime: T0 });
    wonJob(chain, 3, { preemptible: true });
    const run = controlledRun();
    const agent = agentOn(chain, folder(), { startJob: run.startJob });
    await agent.tick();
    run.end(ended(run.starts[0]!.localJobId, 'preempted', [], 20_000));
    await handled(agent, '3');
    await agent.tick();
    expect(agent.calls).toEqual([{ method: 'release', args: [3n, 0, 0, ZeroHash] }]);
  });

  it('a restart while the release is in flight does not send it again, nor run or take the job again', async () => {
    const dir = folder();
    const chain = createFakeChain({ startTime: T0 });
    wonJob(chain, 4, { preemptible: true });
    const run = controlledRun();
    // The first life sends the release and dies before it is mined.
    const first = agentOn(chain, dir, { startJob: run.startJob, send: (call) => (first.calls.push(call), new Promise(() => undefined)) });
    await first.tick();
    run.end(ended(run.starts[0]!.localJobId, 'preempted', CHECKPOINT, 30_000));
    await handled(first, '4');
    void first.tick();
    for (let i = 0; i < 2000 && first.calls.length === 0; i++) await settle();
    expect(first.calls.map((c) => c.method)).toEqual(['release']);
    const second = agentOn(chain, dir);
    await second.tick();
    expect(second.calls).toEqual([]);
    expect(second.started).toEqual([]);
    // Mined: the checkpoint waits out its window, is paid, and the rest of the job reopens.
    const [, , seconds, checkpoint] = first.calls[0]!.args as [bigint, number, number, string];
    chain.mine([v2Log(MARKET, 'Released', [4, 0, ME, seconds, checkpoint]), v2Log(MARKET, 'ResultSubmitted', [4, 0, ME, checkpoint, seconds])]);
    await second.tick();
    chain.mine([v2Log(MARKET, 'SlotPaid', [4, 0, ME, 1_666n, 0n]), v2Log(MARKET, 'RoundOpened', [4, 0, 2, 0, T0 + 400, T0 + 4000])]);
    await second.tick();
    await second.tick();
    expect(second.calls).toEqual([]);
    expect(second.started).toEqual([]);
    expect(second.log.book.get('4')!.state).toBe('open');
  });

  it('a release decided but not sent before a restart goes out after it', async () => {
    const dir = folder();
    const chain = createFakeChain({ startTime: T0 });
    wonJob(chain, 5, { preemptible: true });
    const run = controlledRun();
    const first = agentOn(chain, dir, { startJob: run.startJob, send: async () => Promise.reject(new Error('connection refused')) });
    await first.tick();
    run.end(ended(run.starts[0]!.localJobId, 'preempted', CHECKPOINT, 30_000));
    await handled(first, '5');
    await first.tick();
    const second = agentOn(chain, dir);
    await second.tick();
    expect(second.calls.map((c) => [c.method, c.args[2]])).toEqual([['release', 30]]);
    expect(second.started).toEqual([]);
  });

  it('given back by the owner: the intent is on disk before the run is stopped, then the checkpoint goes out', async () => {
    const dir = folder();
    const chain = createFakeChain({ startTime: T0 });
    wonJob(chain, 6, { preemptible: true });
    const run = controlledRun();
    const cancelled: string[] = [];
    const agent = agentOn(chain, dir, {
      startJob: run.startJob,
      cancelJob: async (localJobId) => {
        const disk = readFileSync(join(dir, 'market', 'v2-runs', 'fake-market.json'), 'utf8');
        expect(JSON.parse(disk).runs[0].release).toEqual({ why: 'the owner gave it back', stopped: false });
        cancelled.push(localJobId);
        run.end(ended(localJobId, 'cancelled', CHECKPOINT, 12_000));
        return true;
      },
    });
    await agent.tick();
    await agent.provider.requestRelease(agent.log.book.get('6')!);
    expect(cancelled).toEqual([run.starts[0]!.localJobId]);
    await handled(agent, '6');
    await agent.tick();
    expect(agent.calls.map((c) => [c.method, c.args[2]])).toEqual([['release', 12]]);
    expect(agent.store.get('6')!.release).toEqual({ why: 'the owner gave it back', stopped: true });
  });
});

describe('after a release with nothing to show', () => {
  it('the slot is over (the wallet need not stay unlocked for it) and the agent takes other work, never this job', async () => {
    const chain = createFakeChain({ startTime: T0 });
    wonJob(chain, 13, { preemptible: true });
    const run = controlledRun();
    const agent = agentOn(chain, folder(), { startJob: run.startJob });
    await agent.tick();
    run.end(ended(run.starts[0]!.localJobId, 'preempted', [], 3_000));
    await handled(agent, '13');
    await agent.tick();
    expect(agent.calls.map((c) => c.method)).toEqual(['release']);
    const stateOf = (id: string) => agent.log.book.get(id)?.state;
    const inFlight = () => runInFlight(agent.store.runs().values(), stateOf, (r) => slotOver(r, agent.log.book.get(r.chainJobId)));
    expect(inFlight()).toBe(true);
    // Mined: the job reopens for others; a new job is posted.
    chain.mine([v2Log(MARKET, 'Released', [13, 0, ME, 0, ZeroHash]), v2Log(MARKET, 'RoundOpened', [13, 0, 2, 0, T0 + 400, T0 + 4000]), v2PostedLog(MARKET, 14, REQUESTER, '{}', { bidWindowSeconds: 0, claimBy: T0 + 300, runBy: T0 + 4000 })]);
    await agent.tick();
    expect(inFlight()).toBe(false);
    expect(agent.calls.map((c) => [c.method, c.args[0]])).toEqual([
      ['release', 13n],
      ['claim', 14n],
    ]);
  });
});

describe('a slot won while the owner has the machine', () => {
  it('preemptible: given back with nothing to show, never started; otherwise it waits for the device', async () => {
    const chain = createFakeChain({ startTime: T0 });
    wonJob(chain, 11, { preemptible: true });
    const run = controlledRun();
    let available = false;
    const agent = agentOn(chain, folder(), { startJob: run.startJob, deviceAvailable: () => available });
    await agent.tick();
    await agent.tick();
    expect(run.starts).toEqual([]);
    expect(agent.calls).toEqual([{ method: 'release', args: [11n, 0, 0, ZeroHash] }]);

    const other = createFakeChain({ startTime: T0 });
    wonJob(other, 12, { preemptible: false });
    const waiting = controlledRun();
    const patient = agentOn(other, folder(), { startJob: waiting.startJob, deviceAvailable: () => available });
    await patient.tick();
    await patient.tick();
    expect(waiting.starts).toEqual([]);
    expect(patient.calls).toEqual([]);
    available = true;
    await patient.tick();
    expect(waiting.starts).toHaveLength(1);
  });
});

describe('a non-preemptible v2 run', () => {
  it('is not given back when the owner takes the device: it runs again, and an explicit release is refused with the contract rule', async () => {
    const chain = createFakeChain({ startTime: T0 });
    wonJob(chain, 7, { preemptible: false });
    const run = controlledRun();
    const agent = agentOn(chain, folder(), { startJob: run.startJob });
    await agent.tick();
    const refusal = await agent.provider.requestRelease(agent.log.book.get('7')!).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(AgentError);
    expect((refusal as AgentError).code).toBe('not_preemptible');
    expect((refusal as AgentError).message).toMatch(/Job 7 cannot be released \(not preemptible/);
    expect(run.starts[0]!.keepCheckpoint).toBe(false);
    run.end(ended(run.starts[0]!.localJobId, 'preempted', [], 20_000));
    await handled(agent, '7');
    await agent.tick();
    expect(agent.calls).toEqual([]);
    expect(run.starts).toHaveLength(2);
  });
});

describe('a run whose container failed', () => {
  it('the job\'s own code ended it (exit code 3): its outputs are committed as its result, never given up with the stake at risk', async () => {
    const chain = createFakeChain({ startTime: T0 });
    wonJob(chain, 8, { preemptible: false, replicas: 2 });
    const run = controlledRun();
    const agent = agentOn(chain, folder(), { startJob: run.startJob });
    await agent.tick();
    run.end(ended(run.starts[0]!.localJobId, 'failed', [], 5_000, 'Exited with code 3 after 5 s.', 3));
    await handled(agent, '8');
    await agent.tick();
    const stored = agent.store.get('8')!;
    expect(stored.error).toBeNull();
    expect(stored.outputsDigest).toBe(outputsDigest([]));
    expect(agent.calls).toEqual([{ method: 'commit', args: [8n, 0, commitmentOf(stored.outputsDigest!, stored.salt!, ME), 5] }]);
  });

  it('timed out or out of memory (the requester\'s limits): committed as its result as well, even when preemptible', async () => {
    for (const [id, reason] of [[11, 'timed-out'], [12, 'oom']] as const) {
      const chain = createFakeChain({ startTime: T0 });
      wonJob(chain, id, { preemptible: true });
      const run = controlledRun();
      const agent = agentOn(chain, folder(), { startJob: run.startJob });
      await agent.tick();
      run.end(ended(run.starts[0]!.localJobId, reason, OUTPUTS, 7_000, 'Limit reached.'));
      await handled(agent, String(id));
      await agent.tick();
      expect(agent.calls.map((c) => c.method)).toEqual(['commit']);
    }
  });

  it('failed on this side (it never started): not preemptible, no commit; given up, the stake for it at risk', async () => {
    const chain = createFakeChain({ startTime: T0 });
    wonJob(chain, 8, { preemptible: false, replicas: 2 });
    const run = controlledRun();
    const agent = agentOn(chain, folder(), { startJob: run.startJob });
    await agent.tick();
    run.end(ended(run.starts[0]!.localJobId, 'refused', [], 0, 'The image could not be started.'));
    await handled(agent, '8');
    await agent.tick();
    await agent.tick();
    expect(agent.calls).toEqual([]);
    expect(run.starts).toHaveLength(1);
    expect(agent.store.get('8')!.error).toMatch(/The image could not be started.*no result is committed/);
    const mine = v2MarketJobView(sourceOf(agent.log.book, ME, T0 + 100, { runs: Object.fromEntries(agent.store.runs()) }), agent.log.book.get('8')!, OPTIONS).mine!;
    expect(mine).toMatchObject({ message: 'Won at $0.20/h: given up, no result is committed', problem: expect.stringMatching(/stake for it is at risk/) });
  });

  it('the engine went away under it (a machine fault, exit code unknown): preemptible, released with nothing to show, never committed', async () => {
    const chain = createFakeChain({ startTime: T0 });
    wonJob(chain, 9, { preemptible: true });
    const run = controlledRun();
    const agent = agentOn(chain, folder(), { startJob: run.startJob });
    await agent.tick();
    // Whatever it wrote before the engine went is not a result of the job.
    const fault = { ...ended(run.starts[0]!.localJobId, 'failed', OUTPUTS, 5_000, 'The container engine went away.'), error: { code: 'job_wait_failed', message: 'socket hang up' } } as JobRecord;
    run.end(fault);
    await handled(agent, '9');
    await agent.tick();
    expect(agent.calls).toEqual([{ method: 'release', args: [9n, 0, 0, ZeroHash] }]);
  });
});

describe('the plan for a release', () => {
  const input = (runs: V2PlanInput['runs'], now: number): V2PlanInput => ({
    me: ME.toLowerCase(),
    now,
    floorPerHour: 1n,
    challengeWindow: 60,
    freeStake: 10n,
    minStake: 1n,
    myRecord: emptyProviderRecord(),
    requesterRecord: () => undefined,
    rule: { maxDisputesLost: 2 },
    fits: () => true,
    runs,
  });

  it('waits while the container stops, and passes once runBy is gone (the contract refuses then)', async () => {
    const chain = createFakeChain({ startTime: T0 });
    wonJob(chain, 10, { preemptible: true });
    const agent = agentOn(chain, folder());
    await agent.log.poll();
    const job = agent.log.book.get('10')!;
    const run = (stopped: boolean) => new Map([['10', { slot: 0, outputsDigest: stopped ? `0x${'11'.repeat(32)}` : null, salt: stopped ? `0x${'22'.repeat(32)}` : null, seconds: stopped ? 30 : null, deliveredTo: [], release: { why: 'a game', stopped } }]]);
    expect(planV2([job], input(run(false), T0 + 100))).toEqual([]);
    expect(planV2([job], input(run(true), T0 + 100))).toEqual([{ kind: 'release', id: '10', slot: 0, servedSeconds: 30, checkpointDigest: `0x${'11'.repeat(32)}`, salt: `0x${'22'.repeat(32)}` }]);
    expect(planV2([job], input(run(true), T0 + 4001))[0]).toMatchObject({ kind: 'pass' });
  });
});

describe('the Market page on a v2 preemptible job of ours', () => {
  const NOW = 1_700_000_100;
  it('offers "Give it back" while it runs (not for a job that is not preemptible), says so once decided, and shows the checkpoint once released', async () => {
    const { book } = await chainBook([[posted(1, { bidWindowSeconds: 0, preemptible: true }), v2Log(MARKET, 'SlotAssigned', [1, 0, A, 200_000n, 0])], [posted(2, { bidWindowSeconds: 0 }), v2Log(MARKET, 'SlotAssigned', [2, 0, A, 200_000n, 0])]]);
    const view = (id: string, runs: Record<string, ReturnType<typeof storedRun>>) => v2MarketJobView(sourceOf(book, A, NOW, { runs }), book.get(id)!, OPTIONS);
    expect(canGiveBack(view('1', { '1': storedRun(0) }))).toBe(true);
    expect(canGiveBack(view('2', { '2': storedRun(0, { chainJobId: '2' }) }))).toBe(false);
    const deciding = view('1', { '1': storedRun(0, { release: { why: 'the owner took the device back', stopped: true }, outputsDigest: `0x${'11'.repeat(32)}`, seconds: 30 }) });
    expect(deciding.mine?.message).toBe('Giving it back (the owner took the device back): with a checkpoint of 30 s served');
    const { book: after } = await chainBook([[posted(1, { bidWindowSeconds: 0, preemptible: true }), v2Log(MARKET, 'SlotAssigned', [1, 0, A, 200_000n, 0])], [v2Log(MARKET, 'Released', [1, 0, A, 30, `0x${'33'.repeat(32)}`]), v2Log(MARKET, 'ResultSubmitted', [1, 0, A, `0x${'33'.repeat(32)}`, 30])]]);
    const released = v2MarketJobView(sourceOf(after, A, NOW, { runs: { '1': storedRun(0) } }), after.get('1')!, OPTIONS);
    expect(canGiveBack(released)).toBe(false);
    expect(released.mine).toMatchObject({ state: 'submitted', message: expect.stringMatching(/^Given back after 30 s with a checkpoint: paid for the time served/) });
  });
});
