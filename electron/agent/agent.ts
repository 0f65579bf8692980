/**
 * The provider agent: a plain Node library (never imports 'electron'). The desktop main
 * process and the headless CLI both build one with createAgent(deps) and talk to it only
 * through `call` (the typed contract, validated at the boundary) and `onEvent`.
 */
import { randomUUID } from 'node:crypto';
import type { AgentEvent, CallRequest } from '../../shared/api/contract';
import { AgentError, type Result } from '../../shared/api/result';
import type { ActiveBenchmark, BenchmarkResult, TelemetrySample } from '../../shared/domain/benchmark';
import type { ChecksReport } from '../../shared/domain/checks';
import type { GpuDetection, GpuInfo } from '../../shared/domain/gpu';
import { SNAPSHOT_VERSION, type Snapshot } from '../../shared/domain/snapshot';
import { type CallHandlers, dispatchCall } from './api/dispatch';
import { isOrphan, isProcessAlive, MANAGED_LABEL } from './containers/owner-label';
import { createEventBus } from './event-bus';
import type { BenchmarkHistory } from './history/benchmark-history';
import type { Clock, ContainerRuntime, EngineInfo, Logger } from './ports';
import type { SettingsService } from './settings/settings-service';

export interface GpuProbe {
  detect(): Promise<GpuDetection>;
  streamTelemetry(
    uuid: string,
    intervalMs: number,
    onSample: (sample: Omit<TelemetrySample, 't'>) => void,
  ): { stop(): void };
}

export interface BenchmarkRunRequest {
  runId: string;
  target: { kind: 'cpu' } | { kind: 'gpu'; gpu: GpuInfo };
  engine: EngineInfo;
  preferGvisor: boolean;
  quick?: boolean;
  signal: AbortSignal;
  onProgress: (progress: ActiveBenchmark) => void;
}

export interface BenchmarkRunner {
  run(request: BenchmarkRunRequest): Promise<BenchmarkResult>;
}

export interface AgentDeps {
  mode: 'electron' | 'headless';
  version: string;
  platform: NodeJS.Platform;
  docker: ContainerRuntime;
  gpuProbe: GpuProbe;
  runChecks: (detection: GpuDetection) => Promise<ChecksReport>;
  benchmarkRunner: BenchmarkRunner;
  settings: SettingsService;
  history: BenchmarkHistory;
  clock: Clock;
  logger: Logger;
  /** Short benchmark phases (tests, CI). */
  quickBenchmarks?: boolean;
  /** Whether a pid belongs to a running process (injectable for tests). */
  processAlive?: (pid: number) => boolean;
}

export interface Agent {
  /**
   * Begins hardware detection and checks in the background; resolves once the agent can
   * answer calls. Long-running agents (desktop, headless) also sweep containers left over
   * from an earlier crash; one-shot CLI commands must not, as another agent may be running.
   */
  start(options?: { sweepOrphans?: boolean }): Promise<void>;
  /** Cancels a running benchmark and waits until its container is gone. */
  stop(): Promise<void>;
  snapshot(): Snapshot;
  onEvent(listener: (event: AgentEvent) => void): () => void;
  /** The boundary every transport uses: untrusted name and request in, Result out. */
  call(name: string, request: unknown): Promise<Result<unknown>>;
  /** Resolves when the detection and checks started by start() have finished. */
  settled(): Promise<void>;
}

interface RunningBenchmark {
  progress: ActiveBenchmark;
  abort: AbortController;
  done: Promise<BenchmarkResult>;
}

export function createAgent(deps: AgentDeps): Agent {
  const { logger, clock } = deps;
  const bus = createEventBus((error) => logger.error('event listener failed', { error: String(error) }));
  const startedAt = clock.now().toISOString();
  let detection: GpuDetection | null = null;
  let detecting: Promise<GpuDetection> | null = null;
  let checks: ChecksReport | null = null;
  let checking: Promise<ChecksReport> | null = null;
  let benchmark: RunningBenchmark | null = null;
  let background: Promise<unknown> = Promise.resolve();

  const detect = (): Promise<GpuDetection> => {
    detecting ??= (async () => {
      bus.emit('detecting', { detecting: true });
      try {
        detection = await deps.gpuProbe.detect();
        bus.emit('detection', detection);
        logger.info('hardware detected', { gpus: detection.gpus.length, nvidiaSmi: detection.nvidiaSmi.state });
        return detection;
      } finally {
        detecting = null;
        bus.emit('detecting', { detecting: false });
      }
    })();
    return detecting;
  };

  const runChecks = (): Promise<ChecksReport> => {
    checking ??= (async () => {
      bus.emit('checks', { report: checks, running: true });
      try {
        const current = detection ?? (await detect());
        checks = await deps.runChecks(current);
        return checks;
      } finally {
        checking = null;
        bus.emit('checks', { report: checks, running: false });
      }
    })();
    return checking;
  };

  /** Containers we labelled in an earlier run that did not end cleanly are never left behind. */
  const removeOrphans = async () => {
    try {
      const managed = await deps.docker.listContainers({ [MANAGED_LABEL]: 'true' });
      const alive = deps.processAlive ?? isProcessAlive;
      for (const orphan of managed.filter((c) => isOrphan(c.labels, alive, process.pid))) {
        await deps.docker.removeContainer(orphan.id);
        logger.warn('removed a container left over from an earlier run', { id: orphan.id, state: orphan.state });
      }
    } catch (error) {
      logger.debug('orphan sweep skipped', { error: String(error) });
    }
  };

  const resolveTarget = async (
    target: CallRequest<'startBenchmark'>['target'],
  ): Promise<BenchmarkRunRequest['target']> => {
    if (target.kind === 'cpu') return { kind: 'cpu' };
    const current = detection ?? (await detect());
    if (target.kind === 'auto') {
      const report = checks ?? (await runChecks());
      const gpu = current.gpus[0];
      return gpu && report.gpuJobsAllowed ? { kind: 'gpu', gpu } : { kind: 'cpu' };
    }
    const gpu = current.gpus.find((g) => g.uuid === target.gpuUuid);
    if (!gpu) {
      throw new AgentError(
        'gpu_not_found',
        `No NVIDIA GPU with UUID ${target.gpuUuid} is present.`,
        'Detect the hardware again, or pick another target.',
      );
    }
    const report = checks ?? (await runChecks());
    if (!report.gpuJobsAllowed) {
      const blocking = report.checks.find((c) => c.state === 'fail');
      throw new AgentError(
        'gpu_not_ready',
        `This machine cannot run GPU containers yet${blocking ? `: ${blocking.title} — ${blocking.summary}` : ''}.`,
        'Fix the red items in the machine checklist, or benchmark the CPU instead.',
      );
    }
    return { kind: 'gpu', gpu };
  };

  const startBenchmark = async (request: CallRequest<'startBenchmark'>) => {
    if (benchmark) {
      throw new AgentError(
        'benchmark_running',
        'A benchmark is already running.',
        'Wait for it to finish or cancel it first.',
      );
    }
    const target = await resolveTarget(request.target);
    const engine = await deps.docker.info();
    const runId = randomUUID();
    const abort = new AbortController();
    const kind = target.kind;
    const progress: ActiveBenchmark = {
      runId,
      kind,
      startedAt: clock.now().toISOString(),
      phase: 'queued',
      label: 'Starting',
      fraction: 0,
      elapsedMs: 0,
    };
    // Registered before the runner starts: it may report progress synchronously.
    const running: RunningBenchmark = { progress, abort, done: Promise.resolve(null as never) };
    benchmark = running;
    bus.emit('benchmarkProgress', progress);
    running.done = deps.benchmarkRunner
      .run({
        runId,
        target,
        engine,
        preferGvisor: deps.settings.get().sandbox.preferGvisor,
        quick: deps.quickBenchmarks,
        signal: abort.signal,
        onProgress: (next) => {
          if (benchmark !== running) return;
          running.progress = next;
          bus.emit('benchmarkProgress', next);
        },
      })
      .then((result) => {
        deps.history.add(result);
        return result;
      })
      .finally(() => {
        if (benchmark === running) benchmark = null;
      });
    void running.done.then(
      (result) => bus.emit('benchmarkFinished', result),
      (error) => logger.error('benchmark runner threw', { error: String(error) }),
    );
    return { runId };
  };

  const handlers: CallHandlers = {
    getSnapshot: async () => snapshot(),
    detectHardware: async () => {
      const result = await detect();
      void runChecks();
      return result;
    },
    runChecks: async () => runChecks(),
    startBenchmark: startBenchmark as (request: never) => Promise<unknown>,
    cancelBenchmark: (async ({ runId }: CallRequest<'cancelBenchmark'>) => {
      if (!benchmark || benchmark.progress.runId !== runId) return { cancelled: false };
      benchmark.abort.abort();
      await benchmark.done.catch(() => undefined);
      return { cancelled: true };
    }) as (request: never) => Promise<unknown>,
    listBenchmarks: (async ({ limit }: CallRequest<'listBenchmarks'>) =>
      deps.history.list(limit)) as (request: never) => Promise<unknown>,
    updateSettings: (async ({ patch }: CallRequest<'updateSettings'>) => {
      const next = deps.settings.update(patch);
      bus.emit('settings', next);
      return next;
    }) as (request: never) => Promise<unknown>,
  };

  function snapshot(): Snapshot {
    return {
      version: SNAPSHOT_VERSION,
      agent: { version: deps.version, mode: deps.mode, platform: deps.platform, startedAt },
      detection,
      detecting: detecting !== null,
      checks,
      checksRunning: checking !== null,
      benchmark: { active: benchmark?.progress ?? null, history: deps.history.list(20) },
      settings: deps.settings.get(),
    };
  }

  return {
    async start(options = {}) {
      // Nothing here waits for Docker or nvidia-smi: the UI gets a snapshot at once and
      // the results arrive as events.
      const sweep = options.sweepOrphans ? removeOrphans() : Promise.resolve();
      background = Promise.allSettled([sweep, detect().then(() => runChecks())]);
    },
    async stop() {
      if (benchmark) {
        benchmark.abort.abort();
        await benchmark.done.catch(() => undefined);
      }
      await background;
    },
    snapshot,
    onEvent: (listener) => bus.subscribe(listener),
    call: (name, request) => dispatchCall(handlers, name, request),
    settled: async () => {
      await background;
    },
  };
}
