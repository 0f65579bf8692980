/** `npx tsx test/faults/run-harness.ts`: the fault harness on its own (FAULT_RUNS, FAULT_SEED, FAULT_ENV=0 to skip the environment faults). */
import { runFaultHarness } from './fault-harness';

const totals = await runFaultHarness({
  runs: Number(process.env.FAULT_RUNS ?? 30),
  seed: process.env.FAULT_SEED ? Number(process.env.FAULT_SEED) : undefined,
  environmentFaults: process.env.FAULT_ENV !== '0',
  rpcDownSeconds: process.env.FAULT_RPC_DOWN_SECONDS ? Number(process.env.FAULT_RPC_DOWN_SECONDS) : undefined,
});
process.exit(totals.orphans + totals.rowsLost + totals.rowsDoubled + totals.stuckJobs + totals.doubleSends + totals.resultsLost === 0 ? 0 : 1);
