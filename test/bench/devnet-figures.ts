/**
 * The local devnet's cost to a newcomer's machine: time from spawning the Hardhat node to
 * the contracts deployed and the accounts funded (what `npm run devnet` and the agent's
 * first start wait for), and the node's CPU while idle (interval mining every second).
 */
import { readFileSync } from 'node:fs';
import { ensureDevnet } from '../../electron/agent/devnet/devnet-supervisor';
import { recordingLogger } from '../helpers/silent-logger';
import { tempDir } from '../helpers/temp-dir';
import { type BenchFigure, median, round } from './figure';

/** utime + stime of a process in seconds (Linux /proc). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks (USER_HZ = 100)
}

export async function measureDevnet(options: { starts: number; idleSeconds: number }): Promise<BenchFigure[]> {
  const times: number[] = [];
  let idleCpu = Number.NaN;
  for (let i = 0; i < options.starts; i++) {
    const dir = tempDir('rigshift-bench-devnet-');
    const started = performance.now();
    const devnet = await ensureDevnet({ devnetDir: dir.path, port: 0, reuse: false, logger: recordingLogger().logger });
    times.push(performance.now() - started);
    if (i === 0 && process.platform === 'linux') {
      const before = cpuSeconds(devnet.deployment.pid);
      await new Promise((r) => setTimeout(r, options.idleSeconds * 1000));
      idleCpu = ((cpuSeconds(devnet.deployment.pid) - before) / options.idleSeconds) * 100;
    }
    await devnet.stop();
    dir.cleanup();
  }
  const figures: BenchFigure[] = [
    { name: `devnet: spawn to deployed and funded (median of ${options.starts})`, value: round(median(times), 0), unit: 'ms', target: 5000, better: 'lower' },
  ];
  if (!Number.isNaN(idleCpu)) {
    figures.push({ name: `devnet: Hardhat node idle CPU over ${options.idleSeconds} s (1 s interval mining)`, value: round(idleCpu, 2), unit: '% of one core', target: 5, better: 'lower' });
  }
  return figures;
}
