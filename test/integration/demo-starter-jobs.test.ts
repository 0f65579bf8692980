/**
 * Issue 13, time to first money: the demo requester posted one job every 20 s from a random
 * mix (10-90 s of work at a random price), so a newcomer's first job could take a minute and
 * a half and pay below their floor. Until a provider claims one of its jobs it now posts
 * short, top-price starter jobs back to back (up to maxOpenJobs); after the first claim, the
 * usual mix at the usual pace. A real devnet; the provider's claim is made by hand.
 */
import { Contract, JsonRpcProvider, Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MARKET_ABI, TOKEN_ABI } from '../../electron/agent/chain/market-abi';
import { DEMO_PRICE_RANGE_MICROS, DEMO_STARTER_WORK_SECONDS } from '../../electron/agent/requester/demo-job-mix';
import type { DemoRequester } from '../../electron/agent/requester/demo-requester';
import { startTestDemoRequester } from '../helpers/demo-requester';
import { startTestDevnet, type TestDevnet } from '../helpers/devnet';

const IMAGE = `rigshift/demo-job@sha256:${'cd'.repeat(32)}`;

describe('demo requester: starter jobs until the first claim', () => {
  let devnet: TestDevnet;
  let rpc: JsonRpcProvider;
  let requester: DemoRequester;

  beforeAll(async () => {
    devnet = await startTestDevnet({ intervalMs: 0 });
    rpc = new JsonRpcProvider(devnet.rpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1 });
    // Never by the clock in this test: only the starter rule posts back to back.
    requester = await startTestDemoRequester(devnet, IMAGE, { postIntervalMs: 3_600_000, maxOpenJobs: 3 });
  });
  afterAll(async () => {
    await requester?.stop();
    rpc?.destroy();
    await devnet?.stop();
  });

  it('fills the market with short, top-price starter jobs back to back, then posts the usual mix after a claim', async () => {
    for (let i = 0; i < 4; i++) await requester.tick();
    const starters = requester.jobs();
    expect(starters).toHaveLength(3);
    for (const job of starters) {
      expect(job.plan.workSeconds).toBe(DEMO_STARTER_WORK_SECONDS);
      expect(job.plan.maxPricePerHourMicros).toBe(BigInt(DEMO_PRICE_RANGE_MICROS.max));
      expect(job.plan.preemptible).toBe(false);
      expect(job.plan.description).toMatch(/starter job/);
    }

    // A provider (devnet account #6) claims the first one.
    const wallet = new Wallet(devnet.privateKeys[6]!, rpc);
    const market = new Contract(devnet.marketAddress, MARKET_ABI, wallet);
    await (await new Contract(devnet.tokenAddress, TOKEN_ABI, wallet).getFunction('approve')(devnet.marketAddress, 5_000_000n)).wait();
    await (await market.getFunction('depositStake')(5_000_000n)).wait();
    await (await market.getFunction('claim')(starters[0]!.jobId, 100_000n)).wait();
    await requester.tick();
    expect(requester.jobs().find((j) => j.jobId === starters[0]!.jobId)?.state).toBe('claimed');
    // Two open, one claimed: no post until the interval (an hour here) has passed.
    expect(requester.jobs()).toHaveLength(3);
    const next = await requester.postOne();
    expect(next.plan.description).not.toMatch(/starter job/);
  }, 60_000);
});
