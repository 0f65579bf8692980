/**
 * How Hardhat's eth_getLogs answers scale with the number of 4 KB JobPosted logs asked for
 * (the RPC share of the chain figures' ingest time): posts N flood jobs on a Hardhat node,
 * then times one eth_getLogs over ranges holding about 50, 100, 300 and 1,000 logs, each
 * through the chain port as the event log asks. `npx tsx test/bench/chain-getlogs-probe.ts [N]`
 * PROBE_CPU_PROFILE=file.cpuprofile writes a CPU profile of the event log's ingest alone.
 */
import { EVENT_LOG_TOPICS } from '../../electron/agent/market/market-events';
import { tempDir } from '../helpers/temp-dir';
import { startChainFixture } from '../unit/market/chain-fixture';
import { postFlood } from './chain-figures';
import { profiled, timedEventLog } from './ingest-helpers';

const jobs = Number(process.argv[2] ?? 1500);
const chain = await startChainFixture();
try {
  await postFlood(chain, jobs, () => undefined);
  const port = chain.connection.port;
  const head = (await port.latestBlock()).number;
  const filter = { address: chain.market, topics: [EVENT_LOG_TOPICS] };
  // Logs per block: blocks were mined 250 posts at a time.
  const all = await port.getLogs(filter, 0, head);
  const byBlock = new Map<number, number>();
  for (const log of all) byBlock.set(log.blockNumber, (byBlock.get(log.blockNumber) ?? 0) + 1);
  const blocks = [...byBlock.keys()].sort((a, b) => a - b);
  for (const want of [250, 500, 1000]) {
    let count = 0;
    let last = blocks[0]!;
    for (const b of blocks) {
      if (count >= want) break;
      count += byBlock.get(b)!;
      last = b;
    }
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      await port.getLogs(filter, blocks[0]!, last);
      times.push(performance.now() - t);
    }
    const best = Math.min(...times);
    console.log(`eth_getLogs of ${count} logs: best of 3 ${Math.round(best)} ms (${(best / count).toFixed(2)} ms per log)`);
  }
  // The whole event log's ingest of these jobs: time waiting for eth_getLogs, and the rest.
  // Without and with the next range asked ahead (PROBE_PREFETCH=1 or 0 for one of them).
  for (const prefetchLogs of process.env.PROBE_PREFETCH ? [process.env.PROBE_PREFETCH === '1'] : [false, true]) {
    const dir = tempDir('rigshift-getlogs-probe-');
    const { log, rpcMs } = timedEventLog(chain.connection, dir.path, { prefetchLogs });
    const total = await profiled(process.env.PROBE_CPU_PROFILE, () => log.poll());
    console.log(`event log ingest of ${log.book.size()} jobs (next range asked ahead: ${prefetchLogs}): ${Math.round(total)} ms = ${Math.round(rpcMs())} ms eth_getLogs in flight + ${Math.round(total - rpcMs())} ms the rest`);
    await log.stop();
    dir.cleanup();
  }
} finally {
  await chain.stop();
}
