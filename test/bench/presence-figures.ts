/**
 * CPU cost of the presence detectors: the whole monitor with the real Node sources, all
 * detectors on, at the default intervals, for `seconds`; plus the cost of one spawn of each
 * helper a detector may run every tick (measured even when the helper fails, e.g. without
 * an X server, since starting the process is most of the cost). Child CPU comes from
 * /proc/self/stat cutime+cstime (reaped children), so Linux only.
 * Run alone: `npx tsx test/bench/presence-figures.ts [seconds]`.
 */
import { readFileSync } from 'node:fs';
import { createNodeCommandRunner } from '../../electron/agent/node-adapters/command-runner';
import { createNodePresenceSources } from '../../electron/agent/presence/node-presence-sources';
import { createPresenceMonitor, PRESENCE_INTERVALS_MS } from '../../electron/agent/presence/presence-monitor';
import { createLinuxProcessScanner } from '../../electron/agent/presence/process-watch';
import type { BenchFigure } from './figure';
import { median, round } from './figure';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU ms used by this process and by its reaped children, so far. */
function cpuMs(): { self: number; children: number } {
  const usage = process.cpuUsage();
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields after "(comm) ": state is index 0, so cutime/cstime (fields 16/17) are 13/14.
  const children = (Number(fields[13]) + Number(fields[14])) * (1000 / TICKS_PER_SECOND);
  return { self: (usage.user + usage.system) / 1000, children };
}

async function spawnCost(command: string, args: string[], runs = 40): Promise<{ ms: number; outcome: string }> {
  const runner = createNodeCommandRunner();
  const outcome = await runner.run(command, args);
  const before = cpuMs();
  for (let i = 0; i < runs; i++) await runner.run(command, args);
  const after = cpuMs();
  return { ms: (after.self - before.self + after.children - before.children) / runs, outcome: outcome.kind === 'exited' ? `exit ${outcome.code}` : outcome.kind };
}

export async function measurePresenceCost(seconds = 60): Promise<BenchFigure[]> {
  const scanner = createLinuxProcessScanner();
  scanner.scan();
  const scans: number[] = [];
  for (let i = 0; i < 200; i++) {
    const start = process.cpuUsage();
    scanner.scan();
    const used = process.cpuUsage(start);
    scans.push((used.user + used.system) / 1000);
  }

  const logger = { debug() {}, info() {}, warn() {}, error() {} };
  const sources = createNodePresenceSources({
    runner: createNodeCommandRunner(),
    docker: { listContainers: async () => [] },
    logger,
    clock: { now: () => new Date() },
  });
  const monitor = createPresenceMonitor({
    ...sources,
    settings: () => ({
      idle: { enabled: true, minutes: 5 },
      processes: { enabled: true, builtIn: true, watchList: ['blender'] },
      fullscreen: { enabled: true },
      gpuInUse: { enabled: true, thresholdPercent: 5 },
      battery: { enabled: true },
    }),
    clock: { now: () => new Date() },
    logger,
  });
  const keepAlive = setInterval(() => undefined, 1_000);
  monitor.start();
  await monitor.readNow();
  const before = cpuMs();
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1_000));
  const after = cpuMs();
  const wall = performance.now() - started;
  monitor.stop();
  clearInterval(keepAlive);
  const percent = ((after.self - before.self + after.children - before.children) / wall) * 100;

  const spawns: Array<[string, string, string[]]> = [
    ['loginctl show-session (idle, logind, per 1 s)', 'loginctl', ['show-session', '1', '-p', 'IdleHint', '-p', 'IdleSinceHint', '-p', 'IdleSinceHintMonotonic']],
    ['xprop (full-screen, 2 per 2 s)', 'xprop', ['-root', '_NET_ACTIVE_WINDOW']],
    ['xprintidle (idle, X11, per 1 s)', 'xprintidle', []],
    ['nvidia-smi compute-apps (per 2 s)', 'nvidia-smi', ['--query-compute-apps=pid,process_name,used_gpu_memory,gpu_uuid', '--format=csv,noheader,nounits']],
  ];
  const figures: BenchFigure[] = [
    { name: 'presence: /proc scan CPU per 1 s tick (median)', value: round(median(scans), 3), unit: 'ms', target: 10, better: 'lower' },
    { name: `presence monitor CPU, all detectors on, ${seconds} s`, value: round(percent, 3), unit: '% of one core', target: 1, better: 'lower' },
  ];
  for (const [label, command, args] of spawns) {
    const cost = await spawnCost(command, args);
    console.log(`      ${label}: ${round(cost.ms, 2)} ms CPU per spawn (${command} → ${cost.outcome})`);
  }
  console.log(`      intervals: ${JSON.stringify(PRESENCE_INTERVALS_MS)}; processes seen: ${scanner.scan().length}`);
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const figure of await measurePresenceCost(Number(process.argv[2] ?? 60))) {
    console.log(`${figure.name}: ${figure.value} ${figure.unit} (target ≤ ${figure.target})`);
  }
}
