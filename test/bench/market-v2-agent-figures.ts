/**
 * The shipped agent on a v2 market (issue 12, "Measure"): `rigshift headless` with a v2
 * devnet and Docker, a requester posting auctions with a 10 s bid window one after another.
 * Per job: wall time from the post to the award (the agent awards its own auction) and to
 * the container running (the agent's job shows a local run), and the gas of every call the
 * agent's wallet sent (bid, award, commit, withdraw; read from the receipts), with the
 * provider's total per job. Skipped (no figures) without Docker or the built CLI.
 */
import { existsSync } from 'node:fs';
import { NonceManager, Wallet } from 'ethers';
import { marketV2Interface } from '../../electron/agent/chain/market-v2-abi';
import { devnetAccounts } from '../../electron/agent/devnet/devnet-accounts';
import { acceptV2Job, showV2Job } from '../../electron/agent/requester/market-v2-requester';
import type { MarketOverview } from '../../shared/domain/market';
import { cliBundle } from '../helpers/cli';
import { busyboxAvailable } from '../helpers/job-images';
import { dockerEngine } from '../helpers/requirements';
import { startV2Agent } from '../helpers/v2-agent-run';
import { type BenchFigure, median, round } from './figure';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function measureMarketV2Agent(jobs: number): Promise<BenchFigure[]> {
  if (!existsSync(cliBundle) || !dockerEngine().ok || !busyboxAvailable().ok) {
    console.log('SKIP  market v2 agent figures: needs the built CLI (npm run build), Docker and busybox-static');
    return [];
  }
  const run = await startV2Agent(100_000n);
  const toAward: number[] = [];
  const toRunning: number[] = [];
  try {
    const requester = new NonceManager(new Wallet(devnetAccounts()[1]!.privateKey, run.rpc));
    const target = { rpcUrl: '', chainId: 31337, marketAddress: run.market, fromBlock: 0 };
    const firstBlock = await run.rpc.getBlockNumber();
    for (let n = 0; n < jobs; n++) {
      const upload = run.uploads.newUploadUrl();
      const started = performance.now();
      const id = await run.postAuction(requester, upload.url, { maxPrice: 500_000n, command: ['sh', '-c', 'echo bench > /workspace/out/result.txt; sleep 3'] });
      let awarded = 0;
      let running = 0;
      const end = Date.now() + 120_000;
      while (!running) {
        if (Date.now() > end) throw new Error(`job ${id} never ran\n${run.agent.output().slice(-3000)}`);
        if (!awarded && (await showV2Job(run.rpc, target, id)).book.slots.length > 0) awarded = performance.now() - started;
        const mine = (await run.api<MarketOverview>('getMarket', { limit: 1 })).mine.find((j) => j.chainJobId === id.toString())?.mine;
        if (mine?.state === 'running') running = performance.now() - started;
        await sleep(100);
      }
      toAward.push(awarded || running);
      toRunning.push(running);
      // Settle it before the next one (one engagement at a time on this machine).
      const end2 = Date.now() + 120_000;
      while ((await showV2Job(run.rpc, target, id)).book.state !== 'submitted') {
        if (Date.now() > end2) throw new Error(`job ${id} was never committed`);
        await sleep(250);
      }
      await acceptV2Job(requester, run.market, id);
    }
    await sleep(5_000);
    // Gas of each call the agent's wallet sent to the market, by method.
    const gasByMethod = new Map<string, number[]>();
    const head = await run.rpc.getBlockNumber();
    for (let b = firstBlock; b <= head; b++) {
      const block = await run.rpc.getBlock(b, true);
      for (const tx of block?.prefetchedTransactions ?? []) {
        if (tx.from.toLowerCase() !== run.me.toLowerCase() || tx.to?.toLowerCase() !== run.market.toLowerCase()) continue;
        const method = marketV2Interface.parseTransaction({ data: tx.data })?.name ?? 'other';
        const receipt = await run.rpc.getTransactionReceipt(tx.hash);
        gasByMethod.set(method, [...(gasByMethod.get(method) ?? []), Number(receipt?.gasUsed ?? 0)]);
      }
    }
    const figures: BenchFigure[] = [
      { name: 'Market v2 agent: post → award, 10 s bid window (median)', value: round(median(toAward) / 1000, 1), unit: 's', target: 15, better: 'lower' },
      { name: 'Market v2 agent: post → container running, 10 s bid window (median)', value: round(median(toRunning) / 1000, 1), unit: 's', target: 20, better: 'lower' },
    ];
    let perJob = 0;
    for (const [method, gas] of gasByMethod) {
      const each = Math.round(median(gas));
      // Stake deposits and withdrawals are shared by every job of a batch; the rest is per job.
      if (method !== 'depositStake') perJob += method === 'withdraw' ? Math.round(gas.reduce((a, b) => a + b, 0) / jobs) : each;
      figures.push({ name: `Market v2 agent gas: ${method} (median of ${gas.length})`, value: each, unit: 'gas', target: 200_000, better: 'lower' });
    }
    figures.push({ name: 'Market v2 agent gas: provider total per job (single replica, auctioned)', value: perJob, unit: 'gas', target: 200_000, better: 'lower' });
    return figures;
  } finally {
    await run.stop();
  }
}

// `npx tsx test/bench/market-v2-agent-figures.ts`: this bench alone.
if (process.argv[1]?.endsWith('market-v2-agent-figures.ts')) {
  for (const figure of await measureMarketV2Agent(Number(process.env.BENCH_V2_AGENT_JOBS ?? 3))) console.log(`${figure.name}: ${figure.value} ${figure.unit}`);
}
