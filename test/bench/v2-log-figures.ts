/**
 * The v2 event log's file on a busy market (compaction, v2-compaction.ts): `jobs` v2 jobs on
 * the fake chain (one block each: posted with a ~500-byte document, a bid, the award, the
 * commit, paid and settled; 1 in 100 ours, the last 50 still open), read by the real v2 event
 * log; then the file's size and the time a restarted log takes to load it (to the point
 * where it serves its book), before and after compaction, and the compaction's own time.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { marketKeyOf } from '../../electron/agent/chain/chain-hub';
import { createV2EventLog, type V2EventLog } from '../../electron/agent/market-v2/v2-event-log';
import { createFakeChain, type FakeChain, fakeConnection, type FakeLog } from '../fakes/fake-chain';
import { v2Log, v2PostedLog } from '../fakes/market-v2-logs';
import { recordingLogger } from '../helpers/silent-logger';
import { tempDir } from '../helpers/temp-dir';
import { type BenchFigure, median, round } from './figure';

const MARKET = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const REQUESTER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const ME = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
const OTHER = '0x90F79bf6EB2c4f870365E785982E1f101E93b906';
const DIGEST = `0x${'d1'.repeat(32)}`;

function busyChain(jobs: number): FakeChain {
  const chain = createFakeChain();
  const spec = JSON.stringify({ kind: 'rigshift-job', version: 1, job: { name: 'bench job', image: `rigshift/demo-job@sha256:${'ab'.repeat(32)}`, command: ['hash', '20'], pad: 'x'.repeat(300) } });
  let tx = 0;
  const ev = (name: string, args: unknown[]): FakeLog => ({ ...v2Log(MARKET, name, args), transactionHash: `0x${(++tx).toString(16).padStart(64, '0')}` });
  for (let id = 1; id <= jobs; id++) {
    if (id > jobs - 50) {
      chain.mine([v2PostedLog(MARKET, id, REQUESTER, spec, { claimBy: 2_000_000_000, runBy: 2_000_010_000 })]);
      continue;
    }
    const provider = id % 100 === 0 ? ME : OTHER;
    chain.mine([
      v2PostedLog(MARKET, id, REQUESTER, spec),
      ev('BidPlaced', [id, provider, 150_000n, 1]),
      ev('AuctionClosed', [id, 1, 180_000n, 1]),
      ev('SlotAssigned', [id, 0, provider, 180_000n, 0]),
      ev('Committed', [id, 0, provider, DIGEST, 1800]),
      ev('ResultSubmitted', [id, 0, provider, DIGEST, 1800]),
      ev('SlotPaid', [id, 0, provider, 90_000n, 900n]),
      ev('JobSettled', [id, REQUESTER, 310_000n, true]),
    ]);
  }
  chain.mineEmpty(200);
  return chain;
}

const logOn = (chain: FakeChain, dir: string): V2EventLog => {
  const connection = fakeConnection(chain, MARKET);
  // Never past the threshold on its own: compaction is timed by hand below.
  return createV2EventLog({ connection: () => connection, reportFailure: () => undefined, dataDir: dir, logger: recordingLogger().logger, account: () => ME, confirmations: () => 0, pollMs: 3_600_000, compactAfterBytes: Number.MAX_SAFE_INTEGER });
};

/** Median time (ms) of a fresh log's first poll over the file: the load (the chain has nothing new). */
async function loadTime(chain: FakeChain, dir: string, runs: number): Promise<{ ms: number; jobs: number }> {
  const times: number[] = [];
  let jobs = 0;
  for (let i = 0; i < runs; i++) {
    const log = logOn(chain, dir);
    const start = performance.now();
    await log.poll();
    times.push(performance.now() - start);
    jobs = log.book.size();
  }
  return { ms: median(times), jobs };
}

export async function measureV2LogFigures(jobs = 10_000): Promise<BenchFigure[]> {
  const chain = busyChain(jobs);
  const dir = tempDir('rigshift-bench-v2-log-');
  try {
    const file = join(dir.path, 'market', 'v2-index', `${marketKeyOf(fakeConnection(chain, MARKET).network)}.jsonl`);
    const first = logOn(chain, dir.path);
    await first.poll();
    await first.stop();
    const whole = { bytes: statSync(file).size, ...(await loadTime(chain, dir.path, 3)) };
    const log = logOn(chain, dir.path);
    await log.poll();
    const start = performance.now();
    log.compact();
    const compactMs = performance.now() - start;
    await log.stop();
    const compacted = { bytes: statSync(file).size, ...(await loadTime(chain, dir.path, 3)) };
    console.log(`      v2 log, ${jobs} jobs: whole ${whole.bytes} B, ${whole.jobs} jobs loaded; compacted ${compacted.bytes} B, ${compacted.jobs} jobs loaded`);
    const mib = (bytes: number) => round(bytes / 1024 / 1024, 2);
    return [
      { name: `v2 event log: file of ${jobs} jobs, whole`, value: mib(whole.bytes), unit: 'MiB', target: 64, better: 'lower' },
      { name: `v2 event log: file of ${jobs} jobs, compacted`, value: mib(compacted.bytes), unit: 'MiB', target: 4, better: 'lower' },
      { name: `v2 event log: load of ${jobs} jobs, whole`, value: round(whole.ms, 0), unit: 'ms', target: 10_000, better: 'lower' },
      { name: `v2 event log: load of ${jobs} jobs, compacted`, value: round(compacted.ms, 0), unit: 'ms', target: 1_000, better: 'lower' },
      { name: `v2 event log: compaction of ${jobs} jobs`, value: round(compactMs, 0), unit: 'ms', target: 2_000, better: 'lower' },
    ];
  } finally {
    dir.cleanup();
  }
}

if (process.argv[1]?.endsWith('v2-log-figures.ts')) {
  for (const f of await measureV2LogFigures(Number(process.env.BENCH_V2_LOG_JOBS ?? 10_000))) console.log(`${f.name}: ${f.value} ${f.unit} (target ${f.better === 'lower' ? '≤' : '≥'} ${f.target})`);
}
