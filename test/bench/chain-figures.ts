/**
 * Chain pipeline figures (issue 11), printed by `npm run bench`, never asserted:
 *  - the headless agent idle on the local devnet (1 s interval mining): CPU and RSS;
 *  - a flood of posted jobs (4 KB specs) followed by a running headless agent: its peak RSS
 *    and the MB it writes per minute (the index is appended, not rewritten);
 *  - the same jobs ingested and evaluated by a fresh event log (the one decoder);
 *  - job posted → container running on an idle, staked provider (market-figures.ts).
 * Needs `npm run build` (the headless agent is the built CLI); Docker for the last one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Interface } from 'ethers';
import { LOOPBACK_DEVNET_RULES_ENV } from '../../electron/agent/chain/local-chain-rules';
import { MARKET_ABI, TOKEN_ABI } from '../../electron/agent/chain/market-abi';
import { cliShim, repoRoot } from '../helpers/cli';
import { tempDir } from '../helpers/temp-dir';
import { type ChainFixture, jobDocument, startChainFixture } from '../unit/market/chain-fixture';
import { type BenchFigure, round } from './figure';
import { evaluateBook, timedEventLog } from './ingest-helpers';
import { measurePostToRunning } from './market-figures';

const CLOCK_TICKS = 100; // USER_HZ on Linux
const cpuSeconds = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
};
const rssMiB = (pid: number) => Number(readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))?.split(/\s+/)[1] ?? 0) / 1024;
/** Bytes the process caused to be written to storage (Linux /proc/<pid>/io write_bytes). */
const writtenBytes = (pid: number) => Number(/write_bytes: (\d+)/.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? 0);

function startHeadless(dataDir: string, args: string[], env: NodeJS.ProcessEnv = {}, nodeArgs: string[] = []): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...nodeArgs, cliShim, 'headless', '--port', '0', '--data-dir', dataDir, ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      if (/Open the dashboard: (\S+)/.test(out)) resolve(child);
    });
    child.stderr!.on('data', () => undefined);
    child.on('exit', (code) => reject(new Error(`headless exited early (${code}): ${out}`)));
  });
}

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measureIdleOnDevnet(idleSeconds: number): Promise<BenchFigure[]> {
  const dir = tempDir('rigshift-bench-chain-idle-');
  const child = await startHeadless(dir.path, []);
  try {
    const pid = child.pid!;
    const deployment = join(dir.path, 'devnet', 'deployment.json');
    for (let i = 0; i < 600 && !existsSync(deployment); i++) await sleep(100);
    if (!existsSync(deployment)) throw new Error('the agent did not start its devnet');
    await sleep(8000); // connected, index caught up, start-up work done
    const before = cpuSeconds(pid);
    let peak = rssMiB(pid);
    const started = performance.now();
    while (performance.now() - started < idleSeconds * 1000) {
      await sleep(1000);
      peak = Math.max(peak, rssMiB(pid));
    }
    const cpu = ((cpuSeconds(pid) - before) / ((performance.now() - started) / 1000)) * 100;
    return [
      { name: `chain: headless agent idle CPU on the devnet over ${idleSeconds} s (1 s blocks)`, value: round(cpu, 3), unit: '% of one core', target: 0.5, better: 'lower' },
      { name: `chain: headless agent peak RSS idle on the devnet`, value: round(peak, 1), unit: 'MB', target: 150, better: 'lower' },
    ];
  } finally {
    await stop(child);
    dir.cleanup();
  }
}

/** Posts `jobs` jobs with ~4 KB specs through the unlocked account 1, mined in batches. */
export async function postFlood(chain: ChainFixture, jobs: number, onBatch: () => void): Promise<void> {
  const from = chain.accounts[1]!.address;
  const market = new Interface(MARKET_ABI);
  const token = new Interface(TOKEN_ABI);
  await chain.send('eth_sendTransaction', [{ from, to: chain.token, data: token.encodeFunctionData('approve', [chain.market, 2n ** 200n]) }]);
  await chain.send('evm_setAutomine', [false]);
  const mineAll = async () => {
    for (let guard = 0; guard < 1000; guard++) {
      await chain.send('evm_mine');
      const block = (await chain.send('eth_getBlockByNumber', ['latest', false])) as { transactions: string[] };
      if (block.transactions.length === 0) return;
    }
  };
  const now = Math.floor(Date.now() / 1000);
  // A valid, runnable document of ~4 KB (the padding is a command argument: a name over 128
  // characters would make every post an unusable document, which the agent keeps without text).
  const padding = 'x'.repeat(3400);
  for (let i = 0; i < jobs; i++) {
    const spec = jobDocument({ name: `flood job ${i}`, command: ['echo', padding] });
    const data = market.encodeFunctionData('post', [spec, 1_000_000n + BigInt(i), 600, now + 86_400, now + 2 * 86_400, i % 2 === 0]);
    await chain.send('eth_sendTransaction', [{ from, to: chain.market, data, gas: '0x1e8480' }]);
    if (i % 250 === 249) {
      await mineAll();
      onBatch();
    }
  }
  await mineAll();
  await chain.send('evm_setAutomine', [true]);
}

/**
 * The flood: `jobs` posts followed by a headless agent (peak RSS, MB written), then the same
 * jobs ingested by a fresh event log here. `agentNodeArgs` (probes: --trace-gc, --heap-prof …)
 * go to the agent's node.
 */
export async function measureFlood(jobs: number, agentNodeArgs: string[] = []): Promise<BenchFigure[]> {
  const chain = await startChainFixture();
  const agentDir = tempDir('rigshift-bench-chain-flood-');
  const indexDir = tempDir('rigshift-bench-chain-ingest-');
  const network = ['--network', 'custom', '--rpc-url', chain.rpcUrl, '--chain-id', '31337', '--market-address', chain.market, '--no-devnet'];
  // The fixture's node is a loopback Hardhat named as a custom network: without devnet rules
  // the agent waits for 2 confirmations, which never come after the flood's last block (the
  // flood then waited its full 10 minutes, and MB/min was divided by them).
  const child = await startHeadless(agentDir.path, network, { [LOOPBACK_DEVNET_RULES_ENV]: '1' }, agentNodeArgs);
  let sampler: NodeJS.Timeout | null = null;
  try {
    const pid = child.pid!;
    await sleep(5000);
    const writtenBefore = writtenBytes(pid);
    let peak = rssMiB(pid);
    // Sampled on a timer too: between batches the agent's peak can come and go.
    sampler = setInterval(() => {
      try {
        peak = Math.max(peak, rssMiB(pid));
      } catch {
        // the agent exited; the wait below says so
      }
    }, 200);
    const started = performance.now();
    await postFlood(chain, jobs, () => (peak = Math.max(peak, rssMiB(pid))));
    const posted = performance.now();
    // Until the agent has followed every post (its index file holds the last job id).
    const lastId = String(jobs);
    const indexFolder = join(agentDir.path, 'market', 'index');
    const caughtUp = () => {
      try {
        return readdirSync(indexFolder).some((f) => f.endsWith('.jsonl') && readFileSync(join(indexFolder, f), 'utf8').includes(`"id":"${lastId}"`));
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 1200 && !caughtUp(); i++) {
      await sleep(500);
      peak = Math.max(peak, rssMiB(pid));
    }
    if (!caughtUp()) console.log(`      flood: the agent did NOT follow the flood's ${jobs} posts within 10 minutes (the figures below include that wait)`);
    const followed = performance.now();
    const minutes = (followed - started) / 60_000;
    for (let i = 0; i < 10; i++) {
      await sleep(500);
      peak = Math.max(peak, rssMiB(pid));
    }
    clearInterval(sampler);
    const mb = (writtenBytes(pid) - writtenBefore) / 1024 / 1024;
    console.log(`      flood: ${jobs} jobs posted in ${round((posted - started) / 1000, 0)} s and followed ${round((followed - posted) / 1000, 1)} s after the last post; ${round(mb, 1)} MB written; peak RSS ${round(peak, 1)} MB`);

    // The same jobs, ingested and evaluated by a fresh event log in this process; the time
    // spent waiting for the node's eth_getLogs answers is counted apart ("RPC time").
    const { log, rpcMs } = timedEventLog(chain.connection, indexDir.path);
    const ingestStarted = performance.now();
    const cpuBefore = process.cpuUsage();
    await log.poll();
    const fitting = evaluateBook(log, Math.floor(Date.now() / 1000));
    const ingest = (performance.now() - ingestStarted) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    if (log.book.size() < jobs) throw new Error(`indexed ${log.book.size()} of ${jobs} jobs`);
    const rpc = rpcMs() / 1000;
    console.log(`      ingest: ${log.book.size()} jobs indexed, ${fitting} fitting; ${round(ingest)} s = ${round(rpc)} s with eth_getLogs in flight (RPC) + ${round(ingest - rpc)} s ours alone; ${round(cpuSeconds)} s of this process's CPU`);
    await log.stop();
    return [
      { name: `chain: ${jobs} posted jobs (4 KB specs) ingested and evaluated`, value: round(ingest), unit: 's', target: 2, better: 'lower' },
      { name: `chain: ${jobs} posted jobs ingested and evaluated, waiting for eth_getLogs (RPC time, Hardhat)`, value: round(rpc), unit: 's', target: 2, better: 'lower' },
      { name: `chain: ${jobs} posted jobs ingested and evaluated, our time (all but eth_getLogs)`, value: round(ingest - rpc), unit: 's', target: 2, better: 'lower' },
      { name: `chain: ${jobs} posted jobs ingested and evaluated, CPU time of the ingesting process (decoding the node's answers included)`, value: round(cpuSeconds), unit: 's', target: 2, better: 'lower' },
      { name: `chain: flood of ${jobs} posted jobs, headless agent peak RSS`, value: round(peak, 1), unit: 'MB', target: 250, better: 'lower' },
      { name: `chain: flood of ${jobs} posted jobs, headless agent disk written`, value: round(mb / Math.max(minutes, 1 / 60), 2), unit: 'MB/min', target: 10, better: 'lower' },
    ];
  } finally {
    if (sampler) clearInterval(sampler);
    await stop(child);
    await chain.stop();
    agentDir.cleanup();
    indexDir.cleanup();
  }
}

export async function measureChainFigures(options: { idleSeconds?: number; floodJobs?: number; postRuns?: number } = {}): Promise<BenchFigure[]> {
  const figures = [...(await measureIdleOnDevnet(options.idleSeconds ?? 60)), ...(await measureFlood(options.floodJobs ?? 10_000))];
  if (options.postRuns !== 0) {
    const post = await measurePostToRunning(options.postRuns ?? 5);
    figures.push({ ...post, name: `chain: ${post.name.replace(/^market: /, '')}`, target: 1 });
  }
  return figures;
}

// `npx tsx test/bench/chain-figures.ts`: only these figures (small counts through the environment).
if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await measureChainFigures({
    idleSeconds: Number(process.env.BENCH_CHAIN_IDLE_SECONDS ?? 60),
    floodJobs: Number(process.env.BENCH_CHAIN_FLOOD_JOBS ?? 10_000),
    postRuns: Number(process.env.BENCH_CHAIN_POST_RUNS ?? 5),
  });
  for (const f of figures) console.log(`${f.name}: ${f.value} ${f.unit} (target ${f.better === 'lower' ? '≤' : '≥'} ${f.target})`);
}
