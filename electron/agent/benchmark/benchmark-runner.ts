/**
 * Runs one benchmark in a hardened, throw-away container and turns its output into a
 * BenchmarkResult: ensure image -> create -> start -> follow output (progress) while
 * sampling telemetry -> wait -> collect -> always remove the container.
 * Never throws for a failed run: the result carries status 'failed' and the error.
 */
import { availableParallelism, cpus } from 'node:os';
import { OWNER_PID_LABEL } from '../containers/owner-label';
import { type ApiError, AgentError } from '../../../shared/api/result';
import type {
  ActiveBenchmark,
  BenchmarkResult,
  IntegrityCheck,
  Metric,
  TelemetrySample,
} from '../../../shared/domain/benchmark';
import type { GpuInfo } from '../../../shared/domain/gpu';
import {
  benchmarkWarnings,
  compareToReference,
  lookupGpuSpec,
  suggestPrice,
} from '../../../shared/domain/gpu-reference';
import type { Clock, ContainerHandle, ContainerRuntime, EngineInfo, Logger } from '../ports';
import {
  type BenchmarkLimits,
  type OciRuntime,
  benchmarkCommand,
  buildBenchmarkContainerOptions,
  chooseRuntime,
  defaultBenchmarkLimits,
} from './container-options';
import { locateBenchmarkImage } from './image-archive';
import { downsampleTelemetry } from './telemetry-series';
import { type WorkloadTranscript, applyWorkloadLine, emptyTranscript, judgeWorkloadRun } from './workload-protocol';

export type TelemetrySource = (
  gpuUuid: string,
  onSample: (sample: Omit<TelemetrySample, 't'>) => void,
) => { stop(): void };

export interface BenchmarkRunnerDeps {
  docker: ContainerRuntime;
  imagesDir: string;
  clock: Clock;
  logger: Logger;
  /** GPU telemetry (nvidia-smi -lms stream); CPU runs use container stats instead. */
  telemetry?: TelemetrySource;
  /** CPUs the engine may hand out; defaults to this machine's count. */
  hostCpus?: number;
  /** SIGTERM-to-SIGKILL grace on cancel. Short: the owner wants the machine back now. */
  stopGraceSeconds?: number;
}

export type BenchmarkRunTarget = { kind: 'cpu' } | { kind: 'gpu'; gpu: GpuInfo };

export interface BenchmarkRunRequest {
  runId: string;
  target: BenchmarkRunTarget;
  engine: EngineInfo;
  preferGvisor: boolean;
  quick?: boolean;
  signal: AbortSignal;
  onProgress: (progress: ActiveBenchmark) => void;
}

export interface BenchmarkRunner {
  run(request: BenchmarkRunRequest): Promise<BenchmarkResult>;
}

// Overall progress: the workload's own fraction fills the middle band.
const BAND = { image: 0.02, create: 0.05, workloadStart: 0.06, workloadEnd: 0.97, collect: 0.98 } as const;
const STDERR_KEEP = 20;

/** Engine messages for a GPU request that cannot be served, mapped to the fix (sandbox.md section 1). */
function describeCreateFailure(error: AgentError, kind: 'cpu' | 'gpu'): ApiError {
  if (kind === 'gpu' && /could not select device driver|unresolvable CDI devices|nvidia-container/i.test(error.message)) {
    return {
      code: 'gpu_runtime_missing',
      message: `The Docker engine cannot hand the GPU to a container: ${error.message}`,
      hint: 'Install the NVIDIA Container Toolkit (Linux) or enable GPU support in Docker Desktop (Windows, WSL2 backend), then restart the engine.',
    };
  }
  return error.toApiError();
}

function toApiError(error: unknown): ApiError {
  if (error instanceof AgentError) return error.toApiError();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'benchmark_failed', message: `The benchmark failed unexpectedly: ${message}` };
}

/** Container names allow [a-zA-Z0-9][a-zA-Z0-9_.-]; run ids are ours, but never trust a shape. */
function containerName(runId: string): string {
  return `rigshift-bench-${runId.replace(/[^a-zA-Z0-9_.-]/g, '-').slice(0, 64)}`;
}

/** The engine rejects NanoCpus above its CPU count and says how many it has (Docker Desktop VMs). */
function cpusFromEngineError(message: string): number | null {
  const m = /only (\d+) CPUs? available/i.exec(message);
  return m ? Number(m[1]) : null;
}

export function createBenchmarkRunner(deps: BenchmarkRunnerDeps): BenchmarkRunner {
  const grace = deps.stopGraceSeconds ?? 2;

  async function run(req: BenchmarkRunRequest): Promise<BenchmarkResult> {
    const { target, signal } = req;
    const kind = target.kind;
    const started = deps.clock.now();
    const startedAt = started.toISOString();
    const elapsed = () => Math.max(0, deps.clock.now().getTime() - started.getTime());
    let lastFraction = 0;
    const progress = (phase: string, label: string, fraction: number) => {
      lastFraction = Math.max(lastFraction, Math.min(1, Math.max(0, fraction)));
      req.onProgress({ runId: req.runId, kind, startedAt, phase, label, fraction: lastFraction, elapsedMs: elapsed() });
    };

    let image = '';
    let runtimeUsed = '';
    let handle: ContainerHandle | null = null;
    let telemetryStop: (() => void) | null = null;
    const samples: TelemetrySample[] = [];
    const transcript: WorkloadTranscript = emptyTranscript();
    const stderrTail: string[] = [];
    let error: ApiError | undefined;
    let stopping: Promise<void> | null = null;

    const onAbort = () => {
      if (handle && !stopping) {
        deps.logger.info('benchmark: cancel requested, stopping container', { runId: req.runId, id: handle.id });
        stopping = handle.stop(grace).catch((e) => deps.logger.warn('benchmark: stop failed', { error: String(e) }));
      }
    };
    signal.addEventListener('abort', onAbort);

    try {
      if (signal.aborted) throw new CancelledBeforeStart();
      // 1. Image: load the bundled tarball when the engine does not have this exact tag.
      progress('image', 'Checking benchmark image', 0);
      const located = locateBenchmarkImage(deps.imagesDir, kind);
      image = located.reference;
      if (!(await deps.docker.hasImage(image))) {
        progress('image', 'Loading benchmark image', BAND.image);
        deps.logger.info('benchmark: loading image', { image, tarball: located.tarballPath });
        await deps.docker.loadImage(located.tarballPath);
        if (!(await deps.docker.hasImage(image))) {
          throw new AgentError('image_load_failed', `Loading ${located.tarballPath} did not produce ${image}.`, 'run npm run build:images -- --force');
        }
      }
      if (signal.aborted) throw new CancelledBeforeStart();

      // 2. Create: hardened, pinned to the GPU's UUID, under gVisor when allowed.
      progress('create', 'Preparing the sandbox', BAND.create);
      const runtime: OciRuntime = chooseRuntime(req.engine.runtimes, req.preferGvisor);
      const input = kind === 'gpu' ? { kind, gpuUuid: target.gpu.uuid } : { kind };
      const create = (limits: BenchmarkLimits) =>
        deps.docker.createContainer(
          buildBenchmarkContainerOptions(input, image, runtime, { 'io.rigshift.run-id': req.runId, [OWNER_PID_LABEL]: String(process.pid) }, {
            limits,
            cmd: benchmarkCommand(req.quick ?? false),
            name: containerName(req.runId),
          }),
        );
      const limits = defaultBenchmarkLimits(kind, deps.hostCpus ?? availableParallelism());
      try {
        handle = await create(limits);
      } catch (e) {
        const engineCpus = e instanceof AgentError ? cpusFromEngineError(e.message) : null;
        if (engineCpus === null || engineCpus >= limits.cpus) throw e;
        deps.logger.info('benchmark: engine has fewer CPUs than this host, retrying', { engineCpus });
        handle = await create({ ...limits, cpus: engineCpus });
      }
      if (signal.aborted) throw new CancelledBeforeStart();

      // 3. Start, then follow the output and sample telemetry until the workload exits.
      await handle.start();
      const t0 = deps.clock.now().getTime();
      const stamp = () => Math.max(0, deps.clock.now().getTime() - t0);
      if (kind === 'gpu' && deps.telemetry) {
        telemetryStop = deps.telemetry(target.gpu.uuid, (s) => samples.push({ ...s, t: stamp() })).stop;
      } else if (kind === 'cpu') {
        telemetryStop = handle.stats((s) =>
          samples.push({ t: stamp(), cpuPercent: s.cpuPercent, memMiB: s.memoryBytes === null ? null : s.memoryBytes / 2 ** 20 }),
        ).stop;
      }
      progress('start', 'Starting the benchmark', BAND.workloadStart);
      if (signal.aborted) onAbort();

      const follow = handle.followOutput((stream, line) => {
        if (stream === 'stderr') {
          if (line.trim()) stderrTail.push(line.trim());
          if (stderrTail.length > STDERR_KEEP) stderrTail.shift();
          return;
        }
        const before = transcript.phase?.phase;
        const message = applyWorkloadLine(transcript, line);
        if (!message) return;
        if (message.type === 'phase' || message.type === 'progress' || transcript.phase?.phase !== before) {
          const band = BAND.workloadStart + transcript.fraction * (BAND.workloadEnd - BAND.workloadStart);
          progress(transcript.phase?.phase ?? 'start', transcript.phase?.label ?? 'Starting the benchmark', band);
        } else if (message.type === 'error') {
          deps.logger.warn('benchmark: workload error', { runId: req.runId, message: message.message });
        }
      });
      const [exit] = await Promise.all([handle.wait(), follow]);
      await stopping;

      progress('collect', 'Collecting results', BAND.collect);
      runtimeUsed = (await handle.inspectRuntime()) || req.engine.defaultRuntime;

      if (!signal.aborted) {
        error = judgeWorkloadRun(transcript, exit, stderrTail) ?? undefined;
        // The workload reports the UUID it really got: pinning must have worked.
        const seen = transcript.hello?.device['uuid'];
        if (!error && kind === 'gpu' && typeof seen === 'string' && seen !== target.gpu.uuid) {
          error = {
            code: 'benchmark_wrong_gpu',
            message: `The benchmark ran on ${seen}, not on the requested ${target.gpu.uuid}.`,
            hint: 'Check that the engine honours DeviceRequests (NVIDIA Container Toolkit) and is not configured with nvidia as default runtime.',
          };
        }
      }
    } catch (e) {
      if (!(e instanceof CancelledBeforeStart)) {
        error = e instanceof AgentError && e.code === 'container_create_failed' ? describeCreateFailure(e, kind) : toApiError(e);
        deps.logger.warn('benchmark: run failed', { runId: req.runId, code: error.code, message: error.message });
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      telemetryStop?.();
      if (handle) {
        const id = handle.id;
        if (!runtimeUsed) runtimeUsed = await handle.inspectRuntime().catch(() => '');
        await handle.remove().catch((e) => deps.logger.error('benchmark: could not remove container', { id, error: String(e) }));
      }
    }

    const cancelled = signal.aborted;
    if (cancelled) error = { code: 'benchmark_cancelled', message: 'The benchmark was cancelled.' };
    const status: BenchmarkResult['status'] = cancelled ? 'cancelled' : error ? 'failed' : 'completed';
    progress(status, status === 'completed' ? 'Finished' : status === 'cancelled' ? 'Cancelled' : 'Failed', status === 'completed' ? 1 : lastFraction);
    return assembleResult({
      req,
      startedAt,
      finishedAt: deps.clock.now().toISOString(),
      durationMs: elapsed(),
      status,
      image,
      runtime: runtimeUsed,
      metrics: transcript.metrics,
      integrity: transcript.integrity,
      telemetry: downsampleTelemetry(samples),
      hello: transcript.hello,
      error,
    });
  }

  return { run };
}

class CancelledBeforeStart extends Error {}

function assembleResult(a: {
  req: BenchmarkRunRequest;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  status: BenchmarkResult['status'];
  image: string;
  runtime: string;
  metrics: Metric[];
  integrity: IntegrityCheck[];
  telemetry: TelemetrySample[];
  hello: WorkloadTranscript['hello'];
  error: ApiError | undefined;
}): BenchmarkResult {
  const { target } = a.req;
  const completed = a.status === 'completed';
  const gpu = target.kind === 'gpu' ? target.gpu : null;
  // Judge only complete runs: a cancelled run's partial figures would read as "underperforming".
  const comparisons =
    completed && gpu
      ? compareToReference(gpu.name, a.metrics, { vramMiB: gpu.vramMiB, pcie: { genMax: gpu.pcie.genMax, widthMax: gpu.pcie.widthMax } })
      : [];
  const warnings = completed
    ? benchmarkWarnings({
        kind: target.kind,
        hasReference: gpu ? lookupGpuSpec(gpu.name, gpu.vramMiB) !== null : true,
        comparisons,
        integrity: a.integrity,
        telemetry: a.telemetry,
        ...(gpu
          ? {
              power: { default: gpu.power.default, enforced: gpu.power.enforced },
              // The detected link was read at idle, when the generation drops on purpose;
              // only the width is meaningful there.
              pcieUnderLoad: { ...gpu.pcie, genCurrent: null },
            }
          : {}),
      })
    : [];
  const suggestedPrice = !completed
    ? null
    : gpu
      ? suggestPrice({ kind: 'gpu', gpuName: gpu.name, comparisons, vramMiB: gpu.vramMiB })
      : suggestPrice({ kind: 'cpu', metrics: a.metrics });
  const result: BenchmarkResult = {
    id: a.req.runId,
    status: a.status,
    kind: target.kind,
    startedAt: a.startedAt,
    finishedAt: a.finishedAt,
    durationMs: a.durationMs,
    device: gpu
      ? { name: gpu.name, uuid: gpu.uuid, driverVersion: gpu.driverVersion }
      : { name: cpuModelName(a.hello?.device.name), uuid: null, driverVersion: null },
    image: a.image,
    runtime: a.runtime,
    metrics: a.metrics,
    integrity: a.integrity,
    telemetry: a.telemetry,
    comparisons,
    warnings,
    suggestedPrice,
  };
  if (a.error) result.error = a.error;
  return result;
}

/**
 * The CPU's name as the workload read it from /proc/cpuinfo; under gVisor that file has
 * no model name ("unknown"), so then the host's view is used.
 */
function cpuModelName(fromWorkload: string | undefined): string {
  if (fromWorkload && fromWorkload !== 'unknown') return fromWorkload;
  return cpus()[0]?.model?.trim() || 'CPU';
}
