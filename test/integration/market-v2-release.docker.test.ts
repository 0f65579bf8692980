/**
 * The shipped agent gives a preemptible v2 job back when its owner pauses renting, end to
 * end: `rigshift headless` with its embedded v2 devnet, real Docker, a busybox job that writes
 * a progress file and then works on. The agent claims the fixed-price preemptible job and
 * runs it; the owner pauses (pauseRenting, as the dashboard does); the agent stops the
 * container, keeps what it wrote as its checkpoint, and releases the job on chain with the
 * seconds it served and a commitment to that checkpoint; the checkpoint reaches the
 * requester's upload server. After the challenge window it is paid price × seconds served
 * only, and the job, reopened for the rest of its duration, is never taken by the agent again.
 * The owner's "Give it back" (releaseMarketJob) does the same; on a job that is not
 * preemptible it is refused with the contract's rule and the run goes on.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NonceManager, Wallet, ZeroHash } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devnetAccounts } from '../../electron/agent/devnet/devnet-accounts';
import { commitmentOf } from '../../electron/agent/market-v2/v2-provider-loop';
import { showV2Job } from '../../electron/agent/requester/market-v2-requester';
import type { MarketJobDetail } from '../../shared/domain/market';
import type { Snapshot } from '../../shared/domain/snapshot';
import { cliBundle } from '../helpers/cli';
import { busyboxAvailable } from '../helpers/job-images';
import { dockerEngine, fileExists, need } from '../helpers/requirements';
import { startV2Agent, type V2AgentRun, waitOnAgent } from '../helpers/v2-agent-run';

const ready = need(fileExists(cliBundle, 'npm run build')) && need(dockerEngine()) && need(busyboxAvailable());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const FLOOR = 100_000n;
/** 3.6 USD/h: one micro-dollar per second served. */
const PRICE = 3_600_000n;

describe.skipIf(!ready)('the headless agent gives a preemptible v2 job back when the owner pauses (devnet v2, Docker)', () => {
  let run: V2AgentRun;

  beforeAll(async () => {
    run = await startV2Agent(FLOOR);
  }, 300_000);

  afterAll(async () => {
    await run?.stop();
  });

  const waitFor = <T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs?: number) =>
    waitOnAgent(run, what, probe, { timeoutMs });

  it('stops the run, releases it with its checkpoint and the seconds served, delivers the checkpoint, is paid for the time served only and never takes the job again', async () => {
    const { rpc, market, me, received } = run;
    const requester = new NonceManager(new Wallet(devnetAccounts()[1]!.privateKey, rpc));
    const upload = run.uploads.newUploadUrl();
    const command = ['sh', '-c', 'echo step-1 > /workspace/out/progress.txt; sleep 600'];
    const id = await run.postAuction(requester, upload.url, { maxPrice: PRICE, bidWindow: 0, command, preemptible: true });
    const show = () => showV2Job(rpc, { rpcUrl: '', chainId: 31337, marketAddress: market, fromBlock: 0 }, id);

    await waitFor('the agent to claim it', async () => (await show()).book.slots.find((s) => s.provider === me));
    await waitFor('the container to run', async () => (await run.api<Snapshot>('getSnapshot')).jobs.active.find((j) => j.id.startsWith(`market2-31337-${id}-`) && j.state === 'running'));
    // Let it serve a few seconds (and write its progress file) before the owner wants the machine.
    await sleep(3_000);
    await run.api('pauseRenting', { duration: 'indefinite' });

    const released = await waitFor('the release on chain', async () => (await show()).book.events.find((e) => e.kind === 'released'));
    if (released.kind !== 'released') throw new Error('not a release');
    expect(released.provider).toBe(me);
    expect(released.servedSeconds).toBeGreaterThan(0);
    expect(released.checkpoint).not.toBe(ZeroHash);
    // The checkpoint went to the requester like a result, and the commitment binds its digest.
    const delivered = await waitFor('the checkpoint upload', async () => received.find((u) => u.token === upload.token));
    expect(delivered.files.map((f) => f.name)).toEqual(['progress.txt']);
    const runsDir = join(run.dataDir, 'market', 'v2-runs');
    const stored = JSON.parse(readFileSync(join(runsDir, readdirSync(runsDir)[0]!), 'utf8')) as { runs: Array<{ chainJobId: string; outputsDigest: string; salt: string; release: unknown }> };
    const kept = stored.runs.find((r) => r.chainJobId === id.toString())!;
    expect(kept.release).toEqual({ why: 'the owner took the device back', stopped: true });
    expect(kept.outputsDigest).toBe(delivered.digest);
    expect(commitmentOf(kept.outputsDigest, kept.salt, me)).toBe(released.checkpoint);
    // The container is gone: the owner has the machine.
    expect((await run.api<Snapshot>('getSnapshot')).jobs.active).toEqual([]);

    // Nobody disputes and the requester never accepts: after the challenge window the agent
    // finalizes itself (anyone may; nobody else has the reason to), and the checkpoint is paid.
    await rpc.send('evm_increaseTime', [61]);
    await rpc.send('evm_mine', []);
    const finalized = await waitFor('the agent to finalize its checkpoint', async () => (await show()).book.events.find((e) => e.kind === 'slotPaid' && e.provider === me));
    expect((await rpc.getTransaction(finalized.txHash))?.from.toLowerCase()).toBe(me.toLowerCase());
    const after = await show();
    const paid = after.book.slots.find((s) => s.provider === me)!;
    expect(paid.state).toBe('paid');
    expect(paid.billedSeconds).toBe(released.servedSeconds);
    expect(paid.gross).toBe((PRICE * BigInt(released.servedSeconds)) / 3600n);
    // The rest of the job reopened for others.
    expect(after.book.state).toBe('open');

    // Back to renting: the agent takes a new job, never the one it gave back.
    await run.api('resumeRenting', {});
    const next = await run.postAuction(requester, run.uploads.newUploadUrl().url, { maxPrice: PRICE, bidWindow: 0 });
    const showNext = () => showV2Job(rpc, { rpcUrl: '', chainId: 31337, marketAddress: market, fromBlock: 0 }, next);
    await waitFor('the agent to claim the new job', async () => (await showNext()).book.slots.find((s) => s.provider === me));
    expect((await show()).book.slots.filter((s) => s.provider === me)).toHaveLength(1);
    // The Market page says why: the contract bars a second turn.
    const detail = await run.api<MarketJobDetail>('getMarketJob', { chainJobId: id.toString() });
    expect(detail.verdict).toMatchObject({ fits: false, reasons: ['we already served this job (the contract bars a second turn)'] });
    expect(detail.mine?.state).toBe('settled');
    process.stdout.write(`market v2 release: served ${released.servedSeconds} s, paid ${paid.gross} micro-USD gross at ${PRICE} micro-USD/h (checkpoint ${delivered.files.length} file)\n`);
  }, 400_000);

  it('gives a preemptible job back when the owner asks (releaseMarketJob), and refuses a job that is not preemptible with the contract rule', async () => {
    const { rpc, market, me, received } = run;
    const requester = new NonceManager(new Wallet(devnetAccounts()[2]!.privateKey, rpc));
    const command = ['sh', '-c', 'echo step-1 > /workspace/out/progress.txt; sleep 600'];
    const show = (id: bigint) => showV2Job(rpc, { rpcUrl: '', chainId: 31337, marketAddress: market, fromBlock: 0 }, id);
    const running = (id: bigint) => waitFor(`job ${id}'s container to run`, async () => (await run.api<Snapshot>('getSnapshot')).jobs.active.find((j) => j.id.startsWith(`market2-31337-${id}-`) && j.state === 'running'));

    const upload = run.uploads.newUploadUrl();
    const id = await run.postAuction(requester, upload.url, { maxPrice: PRICE, bidWindow: 0, command, preemptible: true });
    await running(id);
    await sleep(2_000);
    const answer = await run.api<{ state: string; message: string }>('releaseMarketJob', { chainJobId: id.toString() });
    expect(answer.message).toMatch(/^Giving it back \(the owner gave it back\)/);
    const released = await waitFor('the release on chain', async () => (await show(id)).book.events.find((e) => e.kind === 'released'));
    if (released.kind !== 'released') throw new Error('not a release');
    expect(released.servedSeconds).toBeGreaterThan(0);
    expect(released.checkpoint).not.toBe(ZeroHash);
    const delivered = await waitFor('the checkpoint upload', async () => received.find((u) => u.token === upload.token));
    expect(delivered.files.map((f) => f.name)).toEqual(['progress.txt']);

    // A short job: the agent's stop (SIGTERM) waits for a running market job to be delivered.
    const fixed = await run.postAuction(requester, run.uploads.newUploadUrl().url, { maxPrice: PRICE, bidWindow: 0, command: ['sh', '-c', 'echo done > /workspace/out/result.txt; sleep 10'], preemptible: false });
    await running(fixed);
    const refusal = await run.api('releaseMarketJob', { chainJobId: fixed.toString() }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(Error);
    expect((refusal as Error).message).toMatch(/"code":"not_preemptible".*cannot be released \(not preemptible/);
    // Not given back: it runs to the end and its result is committed.
    await waitFor('the commit of the job that is not preemptible', async () => (await show(fixed)).book.slots.find((s) => s.provider === me && s.state === 'committed'));
    expect((await show(fixed)).book.events.some((e) => e.kind === 'released')).toBe(false);
  }, 400_000);
});
