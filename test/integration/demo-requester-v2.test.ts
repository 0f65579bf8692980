/**
 * The demo requester on a v2 devnet (`rigshift devnet --demo --market-version 2`): its jobs
 * are auctions with a 10 s bid window, every third a replicated deterministic job; a job
 * nobody bid on is concluded after its claim deadline and the escrow comes back, withdrawn.
 */
import { JsonRpcProvider } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoRequesterEvent } from '../../electron/agent/requester/demo-requester';
import { DEMO_V2_BID_WINDOW_SECONDS, startDemoRequesterV2 } from '../../electron/agent/requester/demo-requester-v2';
import { showV2Job } from '../../electron/agent/requester/market-v2-requester';
import { startTestDevnet, type TestDevnet } from '../helpers/devnet';
import { recordingLogger } from '../helpers/silent-logger';

describe('the demo requester on a v2 devnet', () => {
  let devnet: TestDevnet;
  let rpc: JsonRpcProvider;
  beforeAll(async () => {
    devnet = await startTestDevnet({ marketVersion: 2 });
    rpc = new JsonRpcProvider(devnet.rpcUrl, devnet.chainId, { staticNetwork: true, cacheTimeout: -1 });
  }, 120_000);
  afterAll(async () => {
    rpc?.destroy();
    await devnet?.stop();
  });

  it('posts auctions, every third replicated; concludes unbid jobs after their claim deadline and withdraws the refund', async () => {
    const requester = await startDemoRequesterV2({
      rpcUrl: devnet.rpcUrl,
      chainId: devnet.chainId,
      marketAddress: devnet.marketAddress,
      logger: recordingLogger().logger,
      imagesDir: '/nonexistent',
      docker: null,
      gpuAvailable: false,
      images: { cpu: `rigshift/demo-job@sha256:${'ab'.repeat(32)}`, gpu: null },
      autoRun: false,
      claimMinutes: 1,
    });
    const events: DemoRequesterEvent[] = [];
    requester.onEvent((e) => events.push(e));
    try {
      const posted = [await requester.postOne(), await requester.postOne(), await requester.postOne()];
      const target = { rpcUrl: devnet.rpcUrl, chainId: devnet.chainId, marketAddress: devnet.marketAddress, fromBlock: 0 };
      const shown = await Promise.all(posted.map((j) => showV2Job(rpc, target, j.jobId)));
      expect(shown.map((s) => s.book.terms.bidWindowSeconds)).toEqual([DEMO_V2_BID_WINDOW_SECONDS, DEMO_V2_BID_WINDOW_SECONDS, DEMO_V2_BID_WINDOW_SECONDS]);
      expect(shown.map((s) => s.book.terms.replicas)).toEqual([1, 1, 2]);
      expect(shown[2]!.book.terms.deterministic).toBe(true);
      // Nobody bids: past the claim deadline the jobs are concluded and their escrow refunded.
      await rpc.send('evm_increaseTime', [120]);
      await rpc.send('evm_mine', []);
      await requester.tick();
      await requester.tick();
      expect(events.filter((e) => e.kind === 'refunded').map((e) => e.jobId).sort()).toEqual(posted.map((j) => j.jobId.toString()).sort());
      expect(events.some((e) => e.kind === 'withdrawn')).toBe(true);
    } finally {
      await requester.stop();
    }
  }, 120_000);
});
