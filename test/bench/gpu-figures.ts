import { spawnSync } from 'node:child_process';
import { BenchmarkResultSchema, type BenchmarkResult } from '../../shared/domain/benchmark';
import { runCli } from '../helpers/cli';
import { tempDir } from '../helpers/temp-dir';
import { type BenchFigure, round } from './figure';

/**
 * PyTorch's (cuBLAS) FP16 matmul on the same GPU, when the host has torch: the yardstick
 * for our hand-written tensor-core kernel. Returns TFLOP/s or a reason it could not run.
 */
export function torchFp16Tflops(): { tflops: number } | { reason: string } {
  const script = [
    'import torch, time',
    'n = 8192',
    "a = torch.randn(n, n, device='cuda', dtype=torch.float16); b = torch.randn(n, n, device='cuda', dtype=torch.float16)",
    'for _ in range(10): a @ b',
    'torch.cuda.synchronize(); t = time.perf_counter(); iters = 50',
    'for _ in range(iters): a @ b',
    'torch.cuda.synchronize(); dt = time.perf_counter() - t',
    'print(2 * n**3 * iters / dt / 1e12)',
  ].join('\n');
  const run = spawnSync('python3', ['-c', script], { encoding: 'utf8', timeout: 300_000 });
  if (run.error) return { reason: `python3 not runnable: ${run.error.message}` };
  if (run.status !== 0) return { reason: `PyTorch with CUDA not available: ${run.stderr.trim().split('\n').at(-1)}` };
  return { tflops: Number(run.stdout.trim()) };
}

/** Runs the full GPU benchmark through the CLI and reports it against cuBLAS and the spec. */
export async function measureGpuBenchmark(): Promise<{ figures: BenchFigure[]; result: BenchmarkResult }> {
  const dir = tempDir('rigshift-bench-');
  try {
    const run = await runCli(['bench', '--json', '--data-dir', dir.path], { timeoutMs: 600_000 });
    if (run.code !== 0) throw new Error(`rigshift bench (GPU) failed: ${run.stderr}`);
    const result = BenchmarkResultSchema.parse(JSON.parse(run.stdout));
    const figures: BenchFigure[] = [
      { name: `benchmark (GPU, ${result.device.name}): duration`, value: round(result.durationMs / 1000, 1), unit: 's', target: 120, better: 'lower' },
    ];
    const fp16 = result.metrics.find((m) => m.id === 'fp16_tflops');
    const torch = torchFp16Tflops();
    if (fp16 && 'tflops' in torch) {
      figures.push({ name: 'GPU FP16 matmul: ours / PyTorch (cuBLAS)', value: round(fp16.value / torch.tflops, 3), unit: 'ratio', target: 0.85, better: 'higher' });
    } else {
      console.log(`SKIP  GPU FP16 matmul vs PyTorch: ${'reason' in torch ? torch.reason : 'no fp16 figure'}`);
    }
    const bandwidth = result.comparisons.find((c) => c.metricId === 'mem_bw_gbps');
    if (bandwidth) {
      figures.push({ name: 'GPU memory bandwidth: measured / spec peak', value: round(bandwidth.measured / bandwidth.peak, 3), unit: 'ratio', target: 0.8, better: 'higher' });
    } else {
      console.log('SKIP  GPU memory bandwidth vs spec: no spec entry for this card');
    }
    return { figures, result };
  } finally {
    dir.cleanup();
  }
}
