import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cliShim, repoRoot } from '../helpers/cli';
import { tempDir } from '../helpers/temp-dir';
import { type BenchFigure, median, round } from './figure';

/** Starts `rigshift headless` and resolves when it prints its URL, with the wall time. */
export function startHeadless(dataDir: string): Promise<{ child: ChildProcess; url: string; readyMs: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [cliShim, 'headless', '--port', '0', '--data-dir', dataDir, ...(process.env.BENCH_HEADLESS_ARGS?.split(' ').filter(Boolean) ?? [])], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const match = /Open the dashboard: (\S+)/.exec(out);
      if (match) resolve({ child, url: match[1]!, readyMs: performance.now() - started });
    });
    child.on('exit', (code) => reject(new Error(`headless exited early (${code}): ${out}`)));
  });
}

const CLOCK_TICKS = 100; // USER_HZ on Linux
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS; // utime + stime
}
function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(line?.split(/\s+/)[1] ?? 0) / 1024;
}

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });

export async function measureHeadless(options: { idleSeconds: number; starts: number }): Promise<BenchFigure[]> {
  const dir = tempDir('rigshift-bench-');
  try {
    const readyTimes: number[] = [];
    for (let i = 0; i < options.starts; i += 1) {
      const { child, readyMs } = await startHeadless(dir.path);
      readyTimes.push(readyMs);
      await stop(child);
    }
    const { child } = await startHeadless(dir.path);
    const pid = child.pid!;
    // Let start-up work (detection, checks) finish before measuring idle.
    await new Promise((r) => setTimeout(r, 5000));
    const cpuBefore = cpuSeconds(pid);
    let peakRss = rssMiB(pid);
    const startedAt = performance.now();
    while (performance.now() - startedAt < options.idleSeconds * 1000) {
      await new Promise((r) => setTimeout(r, 1000));
      peakRss = Math.max(peakRss, rssMiB(pid));
    }
    const elapsed = (performance.now() - startedAt) / 1000;
    const idleCpu = ((cpuSeconds(pid) - cpuBefore) / elapsed) * 100;
    await stop(child);
    return [
      { name: 'headless agent: start to ready (median of 5, process spawn to URL printed)', value: round(median(readyTimes), 0), unit: 'ms', target: 1500, better: 'lower' },
      { name: `headless agent: idle CPU over ${options.idleSeconds} s`, value: round(idleCpu, 3), unit: '% of one core', target: 1, better: 'lower' },
      { name: `headless agent: peak RSS over ${options.idleSeconds} s idle`, value: round(peakRss, 1), unit: 'MB', target: 150, better: 'lower' },
    ];
  } finally {
    dir.cleanup();
  }
}
