/**
 * The event log's ingest on the in-memory fake chain (no node, no RPC): N posted jobs of
 * ~4 KB valid documents, decoded, folded, written and evaluated by one fresh event log.
 * Prints time, heap live after a collection, and peak RSS: where the chain figures' memory
 * and time go without Hardhat. `node --expose-gc --import tsx test/bench/chain-ingest-probe.ts [N]`
 * PROBE_CPU_PROFILE=file.cpuprofile writes a CPU profile of the ingest alone (not of posting
 * the fake logs, which is most of the run): open it in Chrome DevTools or speedscope.
 * PROBE_PREFETCH=0 turns off asking the next range ahead.
 */
import type { ChainConnection } from '../../electron/agent/chain/chain-hub';
import { createFakeChain } from '../fakes/fake-chain';
import { postedLog } from '../fakes/market-logs';
import { tempDir } from '../helpers/temp-dir';
import { jobDocument } from '../unit/market/chain-fixture';
import { evaluateBook, profiled, timedEventLog } from './ingest-helpers';

const MARKET = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const REQUESTER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const jobs = Number(process.argv[2] ?? 10_000);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const mib = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;

const chain = createFakeChain({ startTime: 1_900_000_000 });
const padding = 'x'.repeat(3400);
for (let b = 0; b < jobs / 250; b++) {
  const logs = [];
  for (let i = b * 250; i < (b + 1) * 250; i++) logs.push(postedLog(MARKET, i + 1, REQUESTER, jobDocument({ name: `flood job ${i}`, command: ['echo', padding] }), { claimBy: 2_000_000_000, runBy: 2_000_086_400 }));
  chain.mine(logs);
}
const connection: ChainConnection = {
  network: { label: 'fake', isDevnet: true, chainId: 31337, rpcUrl: 'http://fake', marketAddress: MARKET, tokenAddress: '0x0000000000000000000000000000000000000001', token: { symbol: 'tUSD', decimals: 6 }, deploymentBlock: 1, genesisHash: chain.blocks()[0]!.hash },
  port: chain,
};
const dir = tempDir('rigshift-ingest-probe-');
gc();
const baseHeap = process.memoryUsage().heapUsed;
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
const { log, rpcMs } = timedEventLog(connection, dir.path, process.env.PROBE_PREFETCH ? { prefetchLogs: process.env.PROBE_PREFETCH === '1' } : {});
const cpuBefore = process.cpuUsage();
const ingestMs = await profiled(process.env.PROBE_CPU_PROFILE, () => log.poll());
const ingested = performance.now();
const cpu = process.cpuUsage(cpuBefore);
const fitting = evaluateBook(log, 1_900_000_100);
const evaluated = performance.now();
clearInterval(sampler);
gc();
console.log(`${log.book.size()} jobs (${fitting} fitting): ingest ${Math.round(ingestMs)} ms (CPU ${Math.round((cpu.user + cpu.system) / 1000)} ms; fake getLogs in flight ${Math.round(rpcMs())} ms), evaluate ${Math.round(evaluated - ingested)} ms; heap live +${mib(process.memoryUsage().heapUsed - baseHeap)} MB; peak RSS ${mib(peakRss)} MB; written ${mib(log.bytesWritten())} MB`);
await log.stop();
dir.cleanup();
