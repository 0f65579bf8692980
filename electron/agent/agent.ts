/**
 * The provider agent: a plain Node library (never imports 'electron'). The desktop main
 * process and the headless CLI both build one with createAgent(deps) and talk to it only
 * through `call` (the typed contract, validated at the boundary) and `onEvent`.
 */
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import type { AgentEvent, CallRequest } from '../../shared/api/contract';
import { AgentError, type Result } from '../../shared/api/result';
import type { ActiveBenchmark, BenchmarkResult, TelemetrySample } from '../../shared/domain/benchmark';
import type { ChecksReport } from '../../shared/domain/checks';
import type { GpuDetection, GpuInfo } from '../../shared/domain/gpu';
import { SNAPSHOT_VERSION, type Snapshot } from '../../shared/domain/snapshot';
import type { AvailabilityTransition } from '../../shared/domain/availability';
import { validateControlsPatch } from './settings/validate-controls';
import type { SettingsPatch } from '../../shared/domain/settings';
import {
  type AvailabilityController,
  createAvailabilityController,
  type PresenceFeed,
  type TemperatureFeed,
} from './availability/availability-controller';
import { createRentalPower, type PowerControl, type RentalPower } from './availability/rental-power';
import { createRentalSlots, type RentalSlots } from './availability/rental-slots';
import type { JsonlHistory } from './history/jsonl-history';
import type { JobRecord, JobSpec } from '../../shared/domain/job';
import type { JobRunner } from './jobs/job-runner';
import { createJobService, type JobService } from './rentals/job-service';
import { type CallHandlers, dispatchCall } from './api/dispatch';
import { createMoneyGate } from './api/money-gate';
import { isProcessAlive } from './containers/owner-label';
import { removeOrphanContainers } from './containers/orphan-sweep';
import { createEventBus } from './event-bus';
import { refuseBenchmarkBesideJobs } from './benchmark/busy-machine';
import type { BenchmarkHistory } from './history/benchmark-history';
import type { Clock, ContainerRuntime, EngineInfo, Logger } from './ports';
import { pauseHandlers } from './availability/pause-handlers';
import { settingsRecoveryHandlers } from './settings/settings-recovery-handlers';
import type { SettingsService } from './settings/settings-service';
import type { AgentFeature, AgentFeatureContext } from './agent-feature';

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
  /** Presence detectors (idle, games, full screen, other GPU use, battery); long-running agents only. */
  presence?: PresenceFeed & { start(): void; stop(): void };
  /** GPU telemetry (temperatures for the temperature gate); long-running agents only. */
  telemetry?: TemperatureFeed & { start(): void; stop(): void };
  /** Power limits for rentals; restorePending puts back limits a crash left applied. */
  power?: PowerControl & { restorePending(): Promise<unknown> };
  /** Running rental jobs and the yield path. */
  slots?: RentalSlots;
  availabilityHistory: JsonlHistory<AvailabilityTransition>;
  /** Rental jobs: the runner (shares `slots`), their history, and the data dir for kept logs. */
  jobs?: {
    runner: JobRunner;
    history: JsonlHistory<JobRecord>;
    dataDir: string;
    /** Removes workspaces of jobs an earlier run left behind (long-running start). */
    cleanupStaleWorkspaces?: (activeJobIds: Iterable<string>) => unknown;
    /** Shrinks the job-image cache to the owner's budget. */
    evictImages?: () => Promise<unknown>;
  };
  /** Wallet, ledger, marketplace...: each answers its own calls (see agent-feature.ts). */
  features?: AgentFeature[];
}

export interface Agent {
  /**
   * Begins hardware detection and checks in the background; resolves once the agent can
   * answer calls. Long-running agents (desktop, headless) also sweep containers left over
   * from an earlier crash, restore power limits, and run the presence detectors; one-shot
   * CLI commands must not (another agent may be running, and they need none of it).
   */
  start(options?: { longRunning?: boolean }): Promise<void>;
  /** Cancels a running benchmark and waits until its container is gone. */
  stop(): Promise<void>;
  snapshot(): Snapshot;
  onEvent(listener: (event: AgentEvent) => void): () => void;
  /** The boundary every transport uses: untrusted name and request in, Result out. */
  call(name: string, request: unknown): Promise<Result<unknown>>;
  /** Resolves when the detection and checks started by start() have finished. */
  settled(): Promise<void>;
  /**
   * Runs a rental job on a device ('cpu' or a GPU UUID). Not part of the renderer's
   * contract: the marketplace (and tests) start jobs; the owner can only cancel them.
   */
  startJob(spec: JobSpec, deviceId: string): Promise<{ jobId: string; done: Promise<JobRecord> }>;
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
  let stopTelemetryEvents: () => void = () => undefined;
  const slots = deps.slots ?? createRentalSlots({ logger });
  const rentalPower: RentalPower | null = deps.power
    ? createRentalPower({
        power: deps.power,
        controls: () => deps.settings.get().controls,
        gpus: () => detection?.gpus ?? [],
        clock,
        logger,
        onChange: () => availability.evaluate('power'),
      })
    : null;
  slots.onChange(() => void rentalPower?.sync(slots.active().map((slot) => slot.deviceId)));
  const jobs: JobService | null = deps.jobs
    ? createJobService({
        runner: deps.jobs.runner,
        history: deps.jobs.history,
        dataDir: deps.jobs.dataDir,
        engineInfo: () => deps.docker.info(),
        gpus: () => detection?.gpus ?? [],
        preferGvisor: () => deps.settings.get().sandbox.preferGvisor,
        allowEgress: () => deps.settings.get().jobs.allowEgress,
        gpuJobsBlocked: () => {
          if (checks?.gpuJobsAllowed) return null;
          const red = checks?.checks.find((c) => c.state === 'fail');
          return red ? { title: red.title, summary: red.summary } : { title: 'Machine checklist', summary: 'not passed yet' };
        },
        clock,
        logger,
        onProgress: (progress) => bus.emit('jobProgress', progress),
        onLog: (lines) => bus.emit('jobLog', lines),
        onFinished: (record) => bus.emit('jobFinished', record),
        onStarted: (record) => bus.emit('jobStarted', record),
      })
    : null;
  const availability: AvailabilityController = createAvailabilityController({
    powerLimits: () => rentalPower?.statuses() ?? [],
    clock,
    logger,
    controls: () => deps.settings.get().controls,
    devices: () => ({
      gpus: detection?.gpus ?? [],
      gpuJobsAllowed: checks?.gpuJobsAllowed ?? false,
      cpuName: cpus()[0]?.model?.trim() || 'CPU',
    }),
    presence: deps.presence ?? null,
    temperatures: deps.telemetry ?? null,
    slots,
    history: deps.availabilityHistory,
    onReport: (report) => bus.emit('availability', report),
  });

  const detect = (): Promise<GpuDetection> => {
    detecting ??= (async () => {
      bus.emit('detecting', { detecting: true });
      try {
        detection = await deps.gpuProbe.detect();
        bus.emit('detection', detection);
        availability.evaluate('hardware');
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
        availability.evaluate('checks');
        return checks;
      } finally {
        checking = null;
        bus.emit('checks', { report: checks, running: false });
      }
    })();
    return checking;
  };

  const removeOrphans = () => removeOrphanContainers(deps.docker, deps.processAlive ?? isProcessAlive, logger);

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
    refuseBenchmarkBesideJobs(jobs?.active().length ?? 0);
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

  const features = deps.features ?? [];
  /** A typed handler as the dispatcher stores it (it parsed the request with the call's schema). */
  type LooseHandler = (request: never) => Promise<unknown>;
  const guardMoney = createMoneyGate(features, logger);
  const coreHandlers: CallHandlers = {
    getSnapshot: async () => snapshot(),
    detectHardware: async () => {
      const result = await detect();
      void runChecks();
      return result;
    },
    runChecks: async () => runChecks(),
    startBenchmark: startBenchmark as LooseHandler,
    cancelBenchmark: (async ({ runId }: CallRequest<'cancelBenchmark'>) => {
      if (!benchmark || benchmark.progress.runId !== runId) return { cancelled: false };
      benchmark.abort.abort();
      await benchmark.done.catch(() => undefined);
      return { cancelled: true };
    }) as LooseHandler,
    listBenchmarks: (async ({ limit }: CallRequest<'listBenchmarks'>) =>
      deps.history.list(limit)) as LooseHandler,
    updateSettings: (async ({ patch, password }: CallRequest<'updateSettings'>) => {
      await guardMoney(deps.settings.get(), patch, password);
      return applySettings(patch);
    }) as LooseHandler,
    ...pauseHandlers({ settings: () => deps.settings.get(), apply: (patch) => applySettings(patch), slots, clock, logger }),
    ...settingsRecoveryHandlers(deps.settings, (restored) => (bus.emit('settings', restored), availability.evaluate('settings'))),
    listJobs: (async ({ limit }: CallRequest<'listJobs'>) => jobs?.history(limit) ?? []) as LooseHandler,
    getJobLogs: (async ({ jobId, tail }: CallRequest<'getJobLogs'>) => jobs?.logs(jobId, tail) ?? { jobId, lines: [] }) as LooseHandler,
    cancelJob: (async ({ jobId }: CallRequest<'cancelJob'>) => ({ cancelled: (await jobs?.cancel(jobId)) ?? false })) as LooseHandler,
  };

  const handlers: CallHandlers = Object.assign({}, coreHandlers, ...features.map((f) => f.handlers));

  const startJobOn = async (spec: JobSpec, deviceId: string, jobId?: string, options?: { keepCheckpoint?: boolean }) => {
    if (!jobs) throw new AgentError('jobs_unavailable', 'This agent was built without a job runner.');
    return jobs.start({ spec, deviceId, jobId, ...(options?.keepCheckpoint ? { keepCheckpoint: true } : {}) });
  };

  const featureContext: AgentFeatureContext = {
    emit: (name, payload) => bus.emit(name, payload),
    onEvent: (listener) => bus.subscribe(listener),
    settings: () => deps.settings.get(),
    updateSettings: (patch) => applySettings(patch),
    detection: () => detection,
    checks: () => checks,
    availability: () => availability.report(),
    benchmarks: (limit) => deps.history.list(limit),
    startJob: startJobOn,
    activeJobs: () => jobs?.active() ?? [],
    cancelJob: async (jobId) => (await jobs?.cancel(jobId)) ?? false,
    clock,
    logger,
  };

  function applySettings(patch: SettingsPatch) {
    validateControlsPatch(patch, detection?.gpus ?? []);
    const before = deps.settings.get();
    const next = deps.settings.update(patch);
    bus.emit('settings', next);
    availability.evaluate('settings');
    if (next.jobs.imageBudgetGiB < before.jobs.imageBudgetGiB && deps.jobs?.evictImages) {
      deps.jobs.evictImages().catch((error: unknown) => logger.warn('image eviction failed', { error: String(error) }));
    }
    return next;
  }

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
      availability: availability.report(),
      jobs: { active: jobs?.active() ?? [], history: jobs?.history(20) ?? [] },
    };
  }

  return {
    async start(options = {}) {
      // Nothing here waits for Docker or nvidia-smi: the UI gets a snapshot at once and
      // the results arrive as events.
      const longRunning = options.longRunning ?? false;
      availability.start();
      if (longRunning) {
        deps.presence?.start();
        deps.telemetry?.start();
        if (deps.telemetry) stopTelemetryEvents = deps.telemetry.onSample((sample) => bus.emit('telemetry', sample));
      }
      const restore = longRunning && deps.power ? deps.power.restorePending() : Promise.resolve();
      const sweep = longRunning ? removeOrphans() : Promise.resolve();
      if (longRunning) deps.jobs?.cleanupStaleWorkspaces?.([]);
      background = Promise.allSettled([restore, sweep, detect().then(() => runChecks())]);
      for (const feature of features) {
        try {
          await feature.start?.(featureContext, { longRunning });
        } catch (error) {
          logger.error('a feature failed to start', { feature: feature.name, error: String(error) });
        }
      }
    },
    async stop() {
      for (const feature of [...features].reverse()) {
        await feature.stop?.().catch((error: unknown) =>
          logger.error('a feature failed to stop', { feature: feature.name, error: String(error) }),
        );
      }
      stopTelemetryEvents();
      await jobs?.stop();
      availability.stop();
      deps.presence?.stop();
      deps.telemetry?.stop();
      await Promise.allSettled(slots.active().map((slot) => slots.yieldDevice(slot.deviceId)));
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
    startJob: (spec, deviceId) => startJobOn(spec, deviceId),
  };
}
