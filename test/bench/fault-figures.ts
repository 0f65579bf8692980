/**
 * The fault harness's totals as bench figures (issue 15, item 7): runs and faults are how
 * much was tried; orphans, ledger rows lost or doubled, stuck jobs and double sends have
 * target 0. BENCH_FAULT_RUNS sets the number of SIGKILL runs (default 30).
 */
import { runFaultHarness } from '../faults/fault-harness';
import type { BenchFigure } from './figure';

export async function measureFaultFigures(runs: number): Promise<BenchFigure[]> {
  const totals = await runFaultHarness({ runs, seed: process.env.FAULT_SEED ? Number(process.env.FAULT_SEED) : undefined, log: (line) => console.log(`      ${line}`) });
  for (const skipped of totals.skipped) console.log(`SKIP  fault harness: ${skipped}`);
  const zero = (name: string, value: number): BenchFigure => ({ name: `fault harness: ${name}`, value, unit: 'count', target: 0, better: 'lower' });
  return [
    { name: 'fault harness: SIGKILL runs (agent killed at a point of a job\'s life, restarted)', value: totals.runs, unit: 'runs', target: runs, better: 'higher' },
    { name: 'fault harness: faults injected (kills, RPC down 60 s, disk full 10 s, engine restart)', value: totals.faults, unit: 'faults', target: runs + 3, better: 'higher' },
    zero('containers past their deadline (orphans)', totals.orphans),
    zero('ledger rows lost', totals.rowsLost),
    zero('ledger rows doubled', totals.rowsDoubled),
    zero('jobs stuck (not terminal on chain and in the record, or not matching)', totals.stuckJobs),
    zero('transactions sent twice (or reverted, or unrecorded)', totals.doubleSends),
    zero('paid jobs whose results never reached the requester', totals.resultsLost),
    { name: `fault harness: wall time (seed ${totals.seed})`, value: totals.seconds, unit: 's', target: 600, better: 'lower' },
  ];
}
