/**
 * `npm run bench`: measures the figures the issues set targets for, prints each with its
 * target, and writes them all to bench-results.json. Figures are measured here, never
 * asserted in tests (timings depend on the machine).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectNvidiaGpu, measureCpuBenchmark } from './benchmark-figures';
import { measureGpuBenchmark } from './gpu-figures';
import { measureEngineCost, measureYield } from './availability-figures';
import { measurePresenceCost } from './presence-figures';
import { measurePresenceLinux } from './presence-linux-figures';
import { measurePresenceWindows } from './presence-windows-figures';
import { measureJobFigures } from './job-figures';
import { measureHeadless } from './headless-figures';
import { measureWalletUnlock } from './wallet-figures';
import { measureGas } from './gas-figures';
import { measureMarketV2Gas } from './market-v2-gas-figures';
import { measureMarketV2Agent } from './market-v2-agent-figures';
import { measureLedgerFigures } from './ledger-figures';
import { measureDevnet } from './devnet-figures';
import { measureMarketFigures } from './market-figures';
import { measureChainFigures } from './chain-figures';
import { measureAxeViolations } from './a11y-figures';
// faults (issue 15, item 7): the fault harness's totals
import { measureFaultFigures } from './fault-figures';
import type { BenchFigure } from './figure';
// --- first-pay helper: time to first money (issue 13) ---
import { measureFirstPayment } from './first-payment-figures';
import { repoRoot } from '../helpers/cli';
// --- v2-prices helper: prices from the market (issue 12, item 3) ---
import { measureMarketPriceFigures } from './market-prices-figures';
// --- v2-log helper: the v2 event log's file and load, before and after compaction ---
import { measureV2LogFigures } from './v2-log-figures';

const figures: BenchFigure[] = [];
const report = (figure: BenchFigure) => {
  figures.push(figure);
  const sign = figure.better === 'lower' ? '≤' : '≥';
  const met = figure.better === 'lower' ? figure.value <= figure.target : figure.value >= figure.target;
  console.log(
    `${met ? 'MET ' : 'MISS'}  ${figure.name}: ${figure.value} ${figure.unit}  (target ${sign} ${figure.target} ${figure.unit})`,
  );
};

const idleSeconds = Number(process.env.BENCH_IDLE_SECONDS ?? 60);
for (const figure of await measureHeadless({ idleSeconds, starts: 5 })) report(figure);
for (const figure of await measureCpuBenchmark()) report(figure);
for (const figure of measureEngineCost()) report(figure);
for (const figure of await measurePresenceCost(Number(process.env.BENCH_PRESENCE_SECONDS ?? 30))) report(figure);
for (const figure of await measurePresenceLinux(Number(process.env.BENCH_PRESENCE_LINUX_ROUNDS ?? 30), Number(process.env.BENCH_PRESENCE_SECONDS ?? 30))) report(figure);
for (const figure of await measurePresenceWindows(Number(process.env.BENCH_PRESENCE_WINDOWS_RUNS ?? 30))) report(figure);
for (const figure of await measureYield(Number(process.env.BENCH_YIELD_RUNS ?? 30))) report(figure);
for (const figure of await measureJobFigures(Number(process.env.BENCH_JOB_RUNS ?? 15))) report(figure);
for (const figure of await measureWalletUnlock()) report(figure);
for (const figure of measureLedgerFigures()) report(figure);
for (const figure of await measureGas()) report(figure);
for (const figure of await measureMarketV2Gas()) report(figure);
// The shipped agent on a v2 devnet with Docker: post → award → container running, gas per step.
for (const figure of await measureMarketV2Agent(Number(process.env.BENCH_V2_AGENT_JOBS ?? 3))) report(figure);
for (const figure of await measureMarketFigures()) report(figure);
for (const figure of await measureChainFigures({ idleSeconds, floodJobs: Number(process.env.BENCH_CHAIN_FLOOD_JOBS ?? 10_000) })) report(figure);
for (const figure of await measureAxeViolations()) report(figure);
for (const figure of await measureDevnet({ starts: 3, idleSeconds: Number(process.env.BENCH_DEVNET_IDLE_SECONDS ?? 20) })) report(figure);
// --- first-pay helper: time to first money (issue 13; BENCH_FIRST_PAY_BENCHMARK=0 skips the wizard's benchmark) ---
for (const figure of await measureFirstPayment({ benchmark: process.env.BENCH_FIRST_PAY_BENCHMARK !== '0', runs: Number(process.env.BENCH_FIRST_PAY_RUNS ?? 3) })) report(figure);
// faults (issue 15, item 7): SIGKILL runs, RPC down, disk full, engine restart; totals target 0
for (const figure of await measureFaultFigures(Number(process.env.BENCH_FAULT_RUNS ?? 30))) report(figure);
// --- v2-prices helper: the price history on 5,000 awarded jobs (BENCH_MARKET_PRICE_JOBS) ---
for (const figure of await measureMarketPriceFigures(Number(process.env.BENCH_MARKET_PRICE_JOBS ?? 5_000))) report(figure);
// --- v2-log helper: a v2 event log of 10,000 jobs (BENCH_V2_LOG_JOBS), whole and compacted ---
for (const figure of await measureV2LogFigures(Number(process.env.BENCH_V2_LOG_JOBS ?? 10_000))) report(figure);

if (await detectNvidiaGpu()) {
  const { figures: gpuFigures, result } = await measureGpuBenchmark();
  for (const figure of gpuFigures) report(figure);
  for (const metric of result.metrics) console.log(`      measured ${metric.label}: ${metric.value} ${metric.unit}`);
  console.log(`      card ${result.device.name}, driver ${result.device.driverVersion ?? '?'}: record these in docs/benchmarks.md`);
} else {
  console.log('SKIP  GPU figures (matmul vs cuBLAS, memory bandwidth vs spec): no usable NVIDIA GPU on this machine');
}

const out = join(repoRoot, 'bench-results.json');
writeFileSync(out, `${JSON.stringify(figures, null, 2)}\n`);
console.log(`\nwrote ${figures.length} figures to ${out}`);
