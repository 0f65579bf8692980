import { BenchmarkResultSchema } from '../../shared/domain/benchmark';
import { runCli } from '../helpers/cli';
import { tempDir } from '../helpers/temp-dir';
import { type BenchFigure, round } from './figure';

/** Full-length CPU benchmark through the CLI, the path a rig without a GPU uses. */
export async function measureCpuBenchmark(): Promise<BenchFigure[]> {
  const dir = tempDir('rigshift-bench-');
  try {
    const run = await runCli(['bench', '--json', '--cpu', '--data-dir', dir.path], { timeoutMs: 300_000 });
    if (run.code !== 0) throw new Error(`rigshift bench failed: ${run.stderr}`);
    const result = BenchmarkResultSchema.parse(JSON.parse(run.stdout));
    const figures: BenchFigure[] = [
      { name: 'benchmark (CPU workload): duration', value: round(result.durationMs / 1000, 1), unit: 's', target: 120, better: 'lower' },
    ];
    for (const metric of result.metrics) {
      console.log(`      measured ${metric.label}: ${metric.value} ${metric.unit}`);
    }
    return figures;
  } finally {
    dir.cleanup();
  }
}

/** The GPU figures need a real NVIDIA GPU and container toolkit. */
export async function detectNvidiaGpu(): Promise<boolean> {
  const run = await runCli(['detect', '--json']);
  if (run.code !== 0) return false;
  const output = JSON.parse(run.stdout) as { checks: { gpuJobsAllowed: boolean } };
  return output.checks.gpuJobsAllowed;
}
