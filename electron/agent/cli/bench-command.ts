import type { BenchmarkTarget, BenchmarkResult } from '../../../shared/domain/benchmark';
import { AgentError } from '../../../shared/api/result';
import { createNodeAgent } from './node-agent';
import { createProgressPrinter } from './progress-bar';

export function formatBenchmarkResult(result: BenchmarkResult): string {
  const lines = [`Benchmark ${result.status}: ${result.device.name} (${result.kind}, runtime ${result.runtime}, ${(result.durationMs / 1000).toFixed(1)} s)`];
  for (const metric of result.metrics) {
    const comparison = result.comparisons.find((c) => c.metricId === metric.id);
    const vsPeak = comparison ? `  (${Math.round(comparison.fraction * 100)}% of reference ${comparison.reference} ${comparison.unit})` : '';
    lines.push(`  ${metric.label}: ${metric.value.toFixed(2)} ${metric.unit}${vsPeak}`);
  }
  for (const check of result.integrity) {
    lines.push(`  ${check.name}: ${check.ok ? 'passed' : `FAILED (${check.errors} errors)`}`);
  }
  for (const warning of result.warnings) lines.push(`  warning: ${warning.message}`);
  if (result.suggestedPrice) lines.push(`  suggested price: $${result.suggestedPrice.usdPerHour.toFixed(3)}/hour (${result.suggestedPrice.basis})`);
  if (result.error) lines.push(`  error: ${result.error.message}${result.error.hint ? ` ${result.error.hint}` : ''}`);
  return lines.join('\n');
}

export async function runBench(options: {
  json: boolean;
  target: BenchmarkTarget;
  quick: boolean;
  dataDir?: string;
}): Promise<number> {
  const { agent } = createNodeAgent({ dataDir: options.dataDir, quickBenchmarks: options.quick });
  await agent.start();
  await agent.settled();
  const printer = createProgressPrinter();
  let runId = '';
  const finished = new Promise<BenchmarkResult>((resolve) => {
    agent.onEvent((event) => {
      if (event.name === 'benchmarkProgress' && event.payload.runId === runId) printer.update(event.payload);
      if (event.name === 'benchmarkFinished' && event.payload.id === runId) resolve(event.payload);
    });
  });
  const started = await agent.call('startBenchmark', { target: options.target });
  if (!started.ok) {
    await agent.stop();
    throw new AgentError(started.error.code, started.error.message, started.error.hint);
  }
  runId = (started.value as { runId: string }).runId;
  // Ctrl-C cancels the run; the runner removes its container before we exit.
  const cancel = () => void agent.call('cancelBenchmark', { runId });
  process.once('SIGINT', cancel);
  process.once('SIGTERM', cancel);
  const result = await finished;
  printer.finish();
  process.off('SIGINT', cancel);
  process.off('SIGTERM', cancel);
  process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatBenchmarkResult(result)}\n`);
  await agent.stop();
  if (result.status !== 'completed') {
    process.stderr.write(`rigshift: benchmark ${result.status}${result.error ? `: ${result.error.message}` : ''}\n`);
    return 1;
  }
  return 0;
}
