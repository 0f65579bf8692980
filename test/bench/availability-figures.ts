import { decideAvailability } from '../../electron/agent/availability/availability-engine';
import { createRentalSlots } from '../../electron/agent/availability/rental-slots';
import { createDockerodeRuntime } from '../../electron/agent/docker/dockerode-runtime';
import { defaultControls } from '../../shared/domain/settings';
import { startSleeper } from '../helpers/sleeper-container';
import { recordingLogger } from '../helpers/silent-logger';
import { quietDetectors } from '../unit/availability/fixtures';
import { type BenchFigure, median, round } from './figure';

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

/**
 * Yield latency: from the decision to yield until the container is stopped and removed,
 * over real containers (runc), one that exits on SIGTERM and, separately, one that traps it.
 */
export async function measureYield(runs = 30): Promise<BenchFigure[]> {
  const docker = createDockerodeRuntime();
  const figures: BenchFigure[] = [];
  for (const trap of [false, true]) {
    const times: number[] = [];
    for (let i = 0; i < runs; i += 1) {
      const handle = await startSleeper(docker, { trapSigterm: trap, name: `bench-yield-${i}` });
      const slots = createRentalSlots({ logger: recordingLogger().logger });
      slots.track({ deviceId: 'cpu', jobId: `bench-${i}`, preemptible: true, container: handle });
      const outcome = await slots.yieldDevice('cpu');
      times.push(outcome!.elapsedMs);
    }
    const kind = trap ? 'job that ignores SIGTERM' : 'job that exits on SIGTERM';
    figures.push(
      { name: `yield, ${kind}: signal to container gone, median of ${runs}`, value: round(median(times), 1), unit: 'ms', target: 1000, better: 'lower' },
      { name: `yield, ${kind}: signal to container gone, p99 of ${runs}`, value: round(percentile(times, 99), 1), unit: 'ms', target: 1000, better: 'lower' },
    );
  }
  return figures;
}

/** CPU time of one availability decision (pure engine, one GPU, every detector on). */
export function measureEngineCost(iterations = 20_000): BenchFigure[] {
  const controls = defaultControls('Europe/Berlin');
  const presence = {
    idle: { available: true as const, idleSeconds: 3600, source: 'bench' },
    runningWatched: [],
    fullscreen: { available: true as const, active: false },
    gpuForeignProcesses: [],
    battery: { available: true as const, onBattery: false, percent: 100 },
    temperaturesC: {},
    detectors: quietDetectors(),
    readAt: new Date().toISOString(),
  };
  const devices = [{ uuid: 'GPU-bench', name: 'bench', renting: false }];
  const start = process.cpuUsage();
  for (let i = 0; i < iterations; i += 1) {
    decideAvailability({ now: new Date(1_790_000_000_000 + i * 60_000), devices, gpuJobsAllowed: true, controls, presence, previous: new Map() });
  }
  const used = process.cpuUsage(start);
  const perEvaluationUs = (used.user + used.system) / iterations;
  return [{ name: 'availability engine: CPU per evaluation', value: round(perEvaluationUs, 1), unit: 'µs', target: 1000, better: 'lower' }];
}
