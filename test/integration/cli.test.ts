import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BenchmarkResultSchema } from '../../shared/domain/benchmark';
import { ChecksReportSchema } from '../../shared/domain/checks';
import { GpuDetectionSchema } from '../../shared/domain/gpu';
import { cliBundle, runCli } from '../helpers/cli';
import { dockerEngine, fileExists, need } from '../helpers/requirements';
import { tempDir } from '../helpers/temp-dir';

const built = need(fileExists(cliBundle, 'npm run build'));
const cpuImage = join('resources', 'images', 'rigshift-bench-cpu.tar');
const dir = tempDir();
afterAll(() => dir.cleanup());

describe.skipIf(!built)('rigshift CLI', () => {
  it('prints help for the program and for every command', async () => {
    const main = await runCli(['--help']);
    expect(main.code).toBe(0);
    for (const command of ['detect', 'bench', 'headless']) {
      expect(main.stdout).toContain(command);
      const help = await runCli([command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: rigshift ${command}`));
    }
  });

  it('fails on bad usage with one line that says why', async () => {
    for (const args of [['frobnicate'], ['detect', '--jsn'], ['headless', '--port', '99999'], ['bench', '--cpu', '--gpu', 'GPU-1']]) {
      const run = await runCli(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(/^rigshift: /);
    }
  });

  it('detect --json prints the detection and the checklist as machine-readable JSON', async () => {
    const run = await runCli(['detect', '--json'], { env: { XDG_CONFIG_HOME: dir.path } });
    expect(run.code).toBe(0);
    const output = JSON.parse(run.stdout) as { detection: unknown; checks: unknown };
    const detection = GpuDetectionSchema.parse(output.detection);
    const checks = ChecksReportSchema.parse(output.checks);
    expect(checks.checks.map((c) => c.id)).toEqual([
      'nvidia-driver',
      'nvidia-smi',
      'docker-engine',
      'nvidia-container-runtime',
      'gvisor-runsc',
    ]);
    if (detection.gpus.length === 0) {
      // No GPU is a normal state: plain info, never a failure of the command.
      expect(checks.gpuJobsAllowed).toBe(false);
      expect(checks.checks.find((c) => c.id === 'nvidia-driver')?.state).toBe('info');
    }
  });

  it('bench --gpu with an unknown UUID exits 1 with one line and a hint', async () => {
    const run = await runCli(['bench', '--gpu', 'GPU-00000000-dead-beef', '--data-dir', dir.path]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n').filter((l) => l.startsWith('rigshift:'))).toHaveLength(1);
    expect(run.stderr).toMatch(/No NVIDIA GPU with UUID GPU-00000000-dead-beef/);
  });
});

const withDocker = built && need(dockerEngine()) && need(fileExists(cpuImage, 'npm run build:images'));

describe.skipIf(!withDocker)('rigshift bench (real Docker engine)', () => {
  it('runs the CPU benchmark in a container, prints the result as JSON and stores it', async () => {
    const dataDir = join(dir.path, 'bench');
    const run = await runCli(['bench', '--json', '--cpu', '--quick', '--data-dir', dataDir], { timeoutMs: 180_000 });
    expect(run.code, run.stderr).toBe(0);
    const result = BenchmarkResultSchema.parse(JSON.parse(run.stdout));
    expect(result.status).toBe('completed');
    expect(result.kind).toBe('cpu');
    expect(result.metrics.find((m) => m.id === 'cpu_fp32_gflops')?.value).toBeGreaterThan(0);
    expect(result.metrics.find((m) => m.id === 'cpu_mem_bw_gbps')?.value).toBeGreaterThan(0);
    // The progress bar went to stderr, never into the JSON on stdout.
    expect(run.stderr).toMatch(/\[#*\.*\]\s+\d+%/);
    const history = readFileSync(join(dataDir, 'benchmarks.jsonl'), 'utf8').trim().split('\n');
    expect(JSON.parse(history.at(-1)!).id).toBe(result.id);
    expect(existsSync(join(dataDir, 'settings.json'))).toBe(true);
  }, 200_000);
});
