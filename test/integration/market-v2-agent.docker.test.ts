/**
 * The shipped agent as a v2 provider, end to end: `rigshift headless` with its embedded
 * devnet deploying the v2 market (RIGSHIFT_DEVNET_MARKET_VERSION=2), real Docker, a
 * busybox job image built locally. The requester code (requester/market-v2-requester.ts)
 * posts an auctioned job (10 s bid window); the agent bids its floor, awards the auction,
 * runs the container, commits (the salt on disk first), uploads to the requester's server;
 * the requester accepts, the agent is paid (credit, then withdrawn into its wallet), and the
 * uploaded files hash to the digest the commitment binds. No timed assertions.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Contract, NonceManager, Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_ABI } from '../../electron/agent/chain/market-abi';
import { MARKET_V2_ABI } from '../../electron/agent/chain/market-v2-abi';
import { devnetAccounts } from '../../electron/agent/devnet/devnet-accounts';
import { commitmentOf } from '../../electron/agent/market-v2/v2-provider-loop';
import { acceptV2Job, showV2Job } from '../../electron/agent/requester/market-v2-requester';
import type { MarketOverview } from '../../shared/domain/market';
import { cliBundle } from '../helpers/cli';
import { busyboxAvailable } from '../helpers/job-images';
import { dockerEngine, fileExists, need } from '../helpers/requirements';
import { startV2Agent, type V2AgentRun, waitOnAgent } from '../helpers/v2-agent-run';

const ready = need(fileExists(cliBundle, 'npm run build')) && need(dockerEngine()) && need(busyboxAvailable());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const FLOOR = 100_000n;

describe.skipIf(!ready)('the headless agent on a v2 market (devnet v2, Docker)', () => {
  let run: V2AgentRun;
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    run = await startV2Agent(FLOOR);
  }, 300_000);

  afterAll(async () => {
    await run?.stop();
  });

  const waitFor = <T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs?: number) =>
    waitOnAgent(run, what, probe, { timeoutMs });

  it('bids its floor, wins, runs the container, commits, delivers, is accepted and paid', async () => {
    const { rpc, market, token, me, received } = run;
    const requester = new NonceManager(new Wallet(devnetAccounts()[1]!.privateKey, rpc));
    const upload = run.uploads.newUploadUrl();
    const started = performance.now();
    const id = await run.postAuction(requester, upload.url, { maxPrice: 500_000n });
    const target = { rpcUrl: '', chainId: 31337, marketAddress: market, fromBlock: 0 };
    const show = () => showV2Job(rpc, target, id);

    const bid = await waitFor('the agent to bid', async () => (await show()).book.auctions[0]?.bids.find((b) => b.provider === me));
    expect(bid.ask).toBe(FLOOR);
    timings.bid = performance.now() - started;
    const awarded = await waitFor('the award', async () => (await show()).book.slots.find((s) => s.provider === me));
    timings.award = performance.now() - started;
    // The only bid: paid the max price (no losing ask).
    expect(awarded.pricePerHour).toBe(500_000n);
    const committed = await waitFor('the commit', async () => (await show()).book.slots.find((s) => s.provider === me && s.state === 'committed'));
    timings.commit = performance.now() - started;
    const delivered = await waitFor('the upload', async () => received.find((u) => u.token === upload.token));
    expect(delivered.files.map((f) => f.name)).toEqual(['result.txt']);

    // The commitment binds the digest of what was uploaded, with the salt the agent kept on disk.
    const runsDir = join(run.dataDir, 'market', 'v2-runs');
    const stored = JSON.parse(readFileSync(join(runsDir, readdirSync(runsDir)[0]!), 'utf8')) as { runs: Array<{ chainJobId: string; outputsDigest: string; salt: string }> };
    const kept = stored.runs.find((r) => r.chainJobId === id.toString())!;
    expect(kept.outputsDigest).toBe(delivered.digest);
    expect(commitmentOf(kept.outputsDigest, kept.salt, me)).toBe(committed.commitment);

    const tokenContract = new Contract(token, TOKEN_ABI, rpc);
    const balanceBefore = (await tokenContract.getFunction('balanceOf')(me)) as bigint;
    await acceptV2Job(requester, market, id);
    const paid = await waitFor('the payment', async () => (await show()).book.slots.find((s) => s.provider === me && s.state === 'paid'));
    expect(paid.gross).toBeGreaterThan(0n);
    // The agent withdraws its credit into the wallet once nothing is in flight.
    const contract = new Contract(market, MARKET_V2_ABI, rpc);
    await waitFor('the withdrawal', async () => ((await tokenContract.getFunction('balanceOf')(me)) as bigint) > balanceBefore);
    expect((await contract.getFunction('credit')(me)) as bigint).toBe(0n);
    expect(((await tokenContract.getFunction('balanceOf')(me)) as bigint) - balanceBefore).toBe(paid.gross! - paid.fee!);

    // The Market API answers on v2: our job is in "mine", settled.
    const overview = await run.api<MarketOverview>('getMarket', { limit: 10 });
    expect(overview.mine.find((j) => j.chainJobId === id.toString())?.mine?.state).toBe('settled');
    // The award fed the price history (the v2 feature connects its book to market prices).
    const prices = await waitFor('the price history', async () => {
      const p = await run.api<{ status: string; day: { count: number; medianMicros: string | null } }>('getMarketPrices');
      return p.day.count > 0 && p;
    });
    expect(prices.day.medianMicros).toBe('500000');
    process.stdout.write(`market v2 agent: single replica: bid after ${Math.round(timings.bid!)} ms, award ${Math.round(timings.award!)} ms, commit ${Math.round(timings.commit!)} ms (10 s bid window)\n`);
  }, 400_000);

  it('a replicated job: commits, reveals only once the other replica committed, and both matching replicas are paid', async () => {
    const { rpc, market, token, me, received } = run;
    const requester = new NonceManager(new Wallet(devnetAccounts()[2]!.privateKey, rpc));
    // The other replica is a harness using the contract directly (account #5), honest here.
    const harness = new NonceManager(new Wallet(devnetAccounts()[5]!.privateKey, rpc));
    const other = devnetAccounts()[5]!.address;
    const asOther = new Contract(market, MARKET_V2_ABI, harness);
    const mined = async (tx: Promise<unknown>) => (await (tx as Promise<{ wait(): Promise<{ status: number }> }>)).wait();
    await mined(new Contract(token, TOKEN_ABI, harness).getFunction('approve')(market, 5_000_000n));
    await mined(asOther.getFunction('depositStake')(5_000_000n));
    const upload = run.uploads.newUploadUrl();
    const id = await run.postAuction(requester, upload.url, { maxPrice: 400_000n, replicas: 2 });
    const show = () => showV2Job(rpc, { rpcUrl: '', chainId: 31337, marketAddress: market, fromBlock: 0 }, id);
    await mined(asOther.getFunction('bid')(id, 200_000n));
    const mine = await waitFor('the agent to win a slot', async () => (await show()).book.slots.find((s) => s.provider === me));
    const theirs = (await show()).book.slots.find((s) => s.provider === other)!;
    // The harness runs "the same job": the digest of what the agent uploaded.
    const delivered = await waitFor('the upload', async () => received.find((u) => u.token === upload.token));
    await waitFor('the agent to commit', async () => (await show()).book.slots.find((s) => s.slot === mine.slot && s.state === 'committed'));
    // Alone committed, the agent must not reveal: wait a few blocks and look.
    await sleep(4_000);
    expect((await show()).book.slots.find((s) => s.slot === mine.slot)?.state).toBe('committed');
    const salt = `0x${'42'.repeat(32)}`;
    await mined(asOther.getFunction('commit')(id, theirs.slot, commitmentOf(delivered.digest, salt, other), 5));
    const revealed = await waitFor('the agent to reveal', async () => (await show()).book.slots.find((s) => s.slot === mine.slot && s.state !== 'committed' && s.outputsDigest));
    expect(revealed.outputsDigest).toBe(delivered.digest);
    await mined(asOther.getFunction('reveal')(id, theirs.slot, delivered.digest, salt));
    const settled = await waitFor('both replicas to be paid', async () => {
      const slots = (await show()).book.slots;
      return slots.every((s) => s.state === 'paid') && slots;
    });
    expect(settled.map((s) => s.pricePerHour)).toEqual([400_000n, 400_000n]);
    // No poll of an event log failed on the way (a tick may see the wallet refuse a send
    // right after the previous one was mined, "nonce has already been used": retried, kept out).
    expect(run.agent.output()).not.toMatch(/market v2 index poll failed|market index poll failed/);
  }, 400_000);
});
