/**
 * Runs one stranger's job from spec to record:
 *   refuse early -> workspace -> fetch and verify inputs -> ensure the image -> create
 *   (hardened, runsc when allowed) -> track in RentalSlots -> start -> capped logs ->
 *   wait with the deadline while watching out/ -> collect outputs -> untrack -> remove
 *   the container -> remove in/ and out/ -> record.
 * Never throws: every end, including a bug of ours, is a JobRecord with its reason.
 *
 * Where things end up (see job-workspace.ts): the hashed outputs are copied to
 * <dataDir>/jobs/<jobId>/results/ and the kept log to <dataDir>/jobs/<jobId>.log; both
 * stay for the marketplace to upload, which then calls removeJobResults. Outputs are
 * collected for completed jobs only (anything else has no result to deliver), and, when
 * the request asks to keep a checkpoint, for a run stopped early by the owner.
 */
import { writeFileSync } from 'node:fs';
import { type ApiError, AgentError } from '../../../shared/api/result';
import type { AddressPolicy } from '../../../shared/domain/address-policy';
import type { GpuInfo } from '../../../shared/domain/gpu';
import type { JobEndReason, JobLogLines, JobOutputFile, JobProgress, JobRecord, JobSpec } from '../../../shared/domain/job';
import { validateJobSpec } from '../../../shared/domain/job-spec-validation';
import type { RentalSlots } from '../availability/rental-slots';
import { chooseRuntime } from '../benchmark/container-options';
import type { JsonlHistory } from '../history/jsonl-history';
import { mib, pullFigures } from '../images/pull-progress';
import type { Clock, ContainerCreateOptions, ContainerExit, ContainerHandle, ContainerRuntime, EngineInfo, Logger } from '../ports';
import { type ContainerWatchdog, WATCHDOG_MARGIN_MS } from './container-watchdog';
import { type FetchInputsOptions, InputCheckError, fetchInputs } from './input-fetcher';
import { type JobImageCache, resolveJobImage } from './job-image';
import { buildJobContainerOptions, type JobContainerInput } from './job-container-options';
import { JOB_ID_PATTERN, type JobWorkspace, createWorkspace, removeWorkArea } from './job-workspace';
import { type LogCapture, createLogCapture, formatKeptLog } from './log-capture';
import { type SkippedOutput, collectCheckpoint, collectOutputs, outputLimitMessage } from './output-collector';
import { type OutputWatch, watchOutputs } from './output-watch';

export { cleanupStaleWorkspaces, removeJobResults } from './job-workspace';

/** An egress-only network for one job (the owner must allow egress). */
export interface EgressNetworks {
  create(jobId: string): Promise<{ networkName: string; remove(): Promise<void> }>;
}

export interface JobRunnerDeps {
  docker: ContainerRuntime;
  images: JobImageCache;
  slots: RentalSlots;
  dataDir: string;
  clock: Clock;
  logger: Logger;
  /** Scripted downloads (tests only): replaces the pinned fetch and its address checks. */
  fetch?: FetchInputsOptions['fetch'];
  /** `uid:gid` the job runs as; a unique, unprivileged id (sandbox.md section 3). */
  userForJobs?: string;
  /** Where finished records go (<dataDir>/jobs.jsonl in the app). */
  history?: Pick<JsonlHistory<JobRecord>, 'add'>;
  /** Needed only for `network: egress` jobs; without it they are refused. */
  egress?: EgressNetworks;
  /** Which addresses input downloads may reach (default: public only; tests allow loopback). */
  inputAddressPolicy?: AddressPolicy;
  /**
   * Which registry hosts a job's image may name (default: public only). Loopback only as
   * the owner's explicit setting (RIGSHIFT_ALLOW_LOOPBACK_REGISTRY) or a test's.
   */
  registryPolicy?: AddressPolicy;
  /** SIGTERM-to-SIGKILL grace at the deadline and on cancel. */
  stopGraceSeconds?: number;
  /**
   * Removes the container at deadline + grace even if this process dies (a detached
   * process, see container-watchdog.ts). Without it only the startup sweep remains.
   */
  watchdog?: ContainerWatchdog;
  /** How often out/ is measured while the job runs. */
  outputPollMs?: number;
  diskFreeBytes?: (dir: string) => Promise<number>; // of a folder's file system (default statfs), sampled while the job runs
  /** Largest image the cache may pull for a job. */
  imageMaxBytes?: number;
  logLimits?: { bytesPerSecond?: number; maxKeptBytes?: number };
}

export type JobDevice = { kind: 'cpu' } | { kind: 'gpu'; gpu: GpuInfo };

export interface JobRunRequest {
  jobId: string;
  spec: JobSpec;
  device: JobDevice;
  engine: EngineInfo;
  preferGvisor: boolean;
  allowEgress: boolean;
  signal: AbortSignal;
  onProgress: (progress: JobProgress) => void;
  onLog: (lines: JobLogLines) => void;
  /** The container started, under this OCI runtime (before the first "running" progress). */
  onContainerStarted?: (started: { runtime: string; startedAt: Date }) => void;
  /**
   * A run stopped early (the owner took the device back, or cancelled it) after its
   * container started keeps what out/ holds as a checkpoint: collected, checked and hashed
   * exactly like a finished run's outputs (the market v2 release pays time served against
   * its digest). Without it only completed runs have outputs.
   */
  keepCheckpoint?: boolean;
}

export interface JobRunner {
  run(request: JobRunRequest): Promise<JobRecord>;
}

export const DEFAULT_JOB_USER = '10001:10001';
const DEFAULT_IMAGE_MAX_BYTES = 32 * 1024 ** 3;
/** After the container exits the log stream ends by itself; never wait on it longer. */
const LOG_DRAIN_MS = 2_000;
/**
 * runsc's sandbox (the Sentry, a Go program) exits 2 when it dies of a Go runtime fatal
 * error, e.g. when the pids cgroup refuses it a thread (see RUNSC_HOST_PIDS_LIMIT): the
 * job then ends within a second or two and has printed nothing. A silent exit 2 that
 * early under runsc is reported as the sandbox's failure, not as the job's own.
 */
const SANDBOX_FAILURE_WINDOW_MS = 5_000;

/** An end decided before or around the container, with its message and error code. */
class JobEnd extends Error {
  constructor(
    readonly reason: Exclude<JobEndReason, 'completed'>,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function seconds(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

function clockLabel(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** Why this job may not run on this device, or null. */
function refusal(req: JobRunRequest, slots: RentalSlots, hasEgress: boolean, registryPolicy?: AddressPolicy): string | null {
  if (!JOB_ID_PATTERN.test(req.jobId)) return `The job id "${req.jobId.slice(0, 80)}" is not valid.`;
  const checked = validateJobSpec(req.spec, { registryPolicy });
  if (!checked.ok) return `The job spec was refused: ${checked.reasons.join('; ')}`;
  const { spec, device } = req;
  if (spec.resources.gpus > 0 && device.kind === 'cpu') return 'The job needs a GPU, but it was offered the CPU.';
  if (spec.resources.gpus === 0 && device.kind === 'gpu') return 'The job needs no GPU; run it on the CPU, not on a graphics card.';
  if (device.kind === 'gpu' && spec.resources.minVramMiB > 0) {
    const vram = device.gpu.vramMiB;
    if (vram === null) return `The job needs ${spec.resources.minVramMiB} MiB of VRAM, and this card's VRAM is unknown.`;
    if (vram < spec.resources.minVramMiB) return `The job needs ${spec.resources.minVramMiB} MiB of VRAM; ${device.gpu.name} has ${vram} MiB.`;
  }
  if (spec.network === 'egress' && !req.allowEgress) return 'The job asks for internet access, which the owner has not allowed.';
  if (spec.network === 'egress' && !hasEgress) return 'The job asks for internet access, which this agent cannot provide.';
  const deviceId = device.kind === 'gpu' ? device.gpu.uuid : 'cpu';
  if (slots.isRenting(deviceId)) return 'Another job is already running on this device.';
  return null;
}

export function createJobRunner(deps: JobRunnerDeps): JobRunner {
  const { docker, slots, clock, logger } = deps;
  const grace = deps.stopGraceSeconds ?? 2;
  const pollMs = deps.outputPollMs ?? 250;
  const jobUser = deps.userForJobs ?? DEFAULT_JOB_USER;

  async function run(req: JobRunRequest): Promise<JobRecord> {
    const { jobId, spec, signal } = req;
    const deviceId = req.device.kind === 'gpu' ? req.device.gpu.uuid : 'cpu';
    const createdAt = clock.now();
    const sinceCreated = () => clock.now().getTime() - createdAt.getTime();
    let state: JobProgress['state'] = 'preparing';
    const progress = (next: JobProgress['state'], label: string, fraction: number | null = null) => {
      state = next;
      try {
        req.onProgress({ jobId, state: next, label, fraction: fraction === null ? null : Math.min(1, Math.max(0, fraction)) });
      } catch (error) {
        logger.warn('job: progress listener failed', { jobId, error: errorMessage(error) });
      }
    };

    let workspace: JobWorkspace | null = null;
    let handle: ContainerHandle | null = null;
    let releaseWatchdog: (() => void) | null = null;
    let untrack: (() => void) | null = null;
    let releaseImage: (() => void) | null = null;
    let network: { networkName: string; remove(): Promise<void> } | null = null;
    let logs: LogCapture | null = null;
    let outputWatch: OutputWatch | null = null;
    let runtime: string | null = null;
    let startedAt: Date | null = null;
    let prepareMs: number | null = null;
    let runMs: number | null = null;
    let exitCode: number | null = null;
    let outputs: JobOutputFile[] = [];
    let skipped: SkippedOutput[] = [];
    let end: JobEnd | null = null;
    /** Set when RentalSlots takes the device back (its kill/remove goes through our view). */
    let yielded = false;
    let lastStderr = '';
    let printedAnything = false;

    try {
      const refused = refusal(req, slots, Boolean(deps.egress), deps.registryPolicy);
      if (refused) throw new JobEnd('refused', 'job_refused', refused);
      if (signal.aborted) throw new JobEnd('cancelled', 'job_cancelled', 'Cancelled before it started.');

      // 1. Workspace and inputs.
      progress('preparing', 'Preparing the workspace');
      workspace = createWorkspace(deps.dataDir, jobId, jobUser);
      if (spec.inputs.length) {
        await fetchInputs(spec.inputs, workspace.inputsDir, {
          fetch: deps.fetch,
          signal,
          addressPolicy: deps.inputAddressPolicy,
          onProgress: (received, total) =>
            progress('preparing', `Downloading inputs: ${mib(received)} of ${mib(total)} MB`, total ? received / total : 1),
        });
      }

      // 2. Image: by digest; a pull has a byte cap and reports progress.
      progress('pulling', 'Checking the image');
      const image = await resolveJobImage({ docker, images: deps.images }, spec.image, {
        maxBytes: deps.imageMaxBytes ?? DEFAULT_IMAGE_MAX_BYTES,
        signal,
        registryPolicy: deps.registryPolicy,
        onProgress: (p) => {
          const pull = pullFigures(p);
          progress('pulling', pull.label, pull.fraction);
        },
      }).catch((error: unknown) => {
        if (signal.aborted) throw error;
        throw new JobEnd('refused', 'job_image_failed', `The job's image could not be used: ${errorMessage(error)}`);
      });
      releaseImage = image.release;
      if (spec.network === 'egress' && deps.egress) {
        const egress = deps.egress;
        network = await egress.create(jobId).catch((error: unknown) => {
          throw new JobEnd('refused', 'job_egress_failed', `Internet access for the job could not be set up: ${errorMessage(error)}`);
        });
      }
      prepareMs = sinceCreated();
      if (signal.aborted) throw new JobEnd('cancelled', 'job_cancelled', 'Cancelled before it started.');

      // 3. Create: the one hardened builder; our labels let the orphan sweep find it.
      const choice: JobContainerInput = {
        jobId,
        spec,
        device: req.device.kind === 'gpu' ? { kind: 'gpu', gpuUuid: req.device.gpu.uuid } : { kind: 'cpu' },
        runtime: chooseRuntime(req.engine.runtimes, req.preferGvisor),
        workspace: { inputsDir: workspace.inputsDir, outputsDir: workspace.outputsDir },
        user: jobUser,
        network: network ? { mode: 'egress', networkName: network.networkName } : { mode: 'none' },
      };
      let built: ContainerCreateOptions;
      try {
        built = buildJobContainerOptions(choice);
      } catch (error) {
        throw new JobEnd('refused', 'job_refused', `The job cannot be sandboxed here: ${errorMessage(error)}`);
      }
      const created = await docker
        // The verified image id, not the name: what runs is what was checked. The builder's
        // labels (managed, owner pid, job id) let the orphan sweep find it after a crash.
        .createContainer({ ...built, Image: image.imageId, name: `rigshift-job-${jobId}` })
        .catch((error: unknown) => {
          throw new JobEnd('refused', 'job_create_failed', `The engine refused to create the job's container: ${errorMessage(error)}`);
        });
      handle = created;

      // 4. Track before start, so the owner can take the device back even mid-start.
      untrack = slots.track({
        deviceId,
        jobId,
        preemptible: spec.preemptible,
        container: {
          id: created.id,
          kill: (s) => {
            yielded = true;
            return created.kill(s);
          },
          wait: () => created.wait(),
          remove: () => {
            yielded = true;
            return created.remove();
          },
        },
      });
      if (signal.aborted) throw new JobEnd('cancelled', 'job_cancelled', 'Cancelled before it started.');

      // 5. Whichever of output watch, deadline and cancel stops the job first decides the reason.
      let stopCause: JobEnd | null = null;
      const stopWith = (cause: JobEnd, how: () => Promise<void>) => {
        if (stopCause || yielded) return;
        stopCause = cause;
        logger.info('job: stopping', { jobId, reason: cause.reason });
        how().catch((error: unknown) => logger.warn('job: stop failed', { jobId, error: errorMessage(error) }));
      };
      // out/ is a host bind mount: measured on every change event (and polled, see
      // output-watch.ts), and the job is killed as soon as a measurement sees it past the
      // cap. Watched from before start: a job writes from its first millisecond, and the
      // engine calls around start take long enough for a write loop to put tens of MB into
      // out/ unseen. This is a soft bound: what the job writes between the write that
      // crosses the cap and the engine's SIGKILL landing still reaches the owner's disk
      // (write rate x latency: 19-64 MiB past a 1 MiB cap under runc, 8-41 MiB under runsc,
      // in the adversarial suite on a busy 2-core host; the poll alone let 160-320 MiB by).
      // RLIMIT_FSIZE caps each file, not the total.
      //
      // Hard bound, left for later: out/ on a size-capped Docker volume (driver local,
      // type tmpfs, o=size=<maxTotalBytes>,uid=<job uid>), so the kernel stops the job with
      // ENOSPC at the cap. A tmpfs volume's contents vanish when its last container exits,
      // so a tiny holder container (same hardening, no network, a sleeping init) mounts it
      // for the whole run; after the job exits the runner reads the outputs back as a tar
      // stream with GET /containers/{holder}/archive?path=/out (the archive never follows
      // the job's links; the same name, type and size checks as collectOutputs apply to
      // the tar entries), then removes the holder and the volume. The tmpfs pages count
      // against the holder's memory limit, so that limit is the output cap plus a margin.
      outputWatch = watchOutputs({
        dir: workspace.outputsDir,
        limits: spec.outputs,
        pollMs,
        logger,
        diskFree: deps.diskFreeBytes,
        onExceeded: () =>
          stopWith(new JobEnd('failed', 'job_output_limit', outputLimitMessage(spec.outputs)), () => created.kill('SIGKILL')),
      });
      // Armed before start, so no moment exists where the job runs unwatched; the agent's own
      // deadline (below) counts from after start, so it always acts first while alive.
      const limitMs = spec.maxDurationSeconds * 1000;
      if (deps.watchdog) releaseWatchdog = await deps.watchdog.guard(created.id, limitMs + grace * 1000 + WATCHDOG_MARGIN_MS);
      try {
        await created.start();
      } catch (error) {
        if (yielded) throw new JobEnd('preempted', 'job_preempted', 'The owner took the device back before the job started.');
        throw new JobEnd('failed', 'job_start_failed', `The job's image could not start: ${errorMessage(error)}`);
      }
      startedAt = clock.now();
      runtime = (await created.inspectRuntime().catch(() => '')) || req.engine.defaultRuntime;
      try {
        req.onContainerStarted?.({ runtime, startedAt });
      } catch (error) {
        logger.warn('job: start listener failed', { jobId, error: errorMessage(error) });
      }
      progress('running', `Running 0:00 (${runtime})`);

      // Logs, deadline, cancel.
      const capture = createLogCapture({
        ...deps.logLimits,
        onBatch: (lines) => {
          try {
            req.onLog({ jobId, lines });
          } catch (error) {
            logger.warn('job: log listener failed', { jobId, error: errorMessage(error) });
          }
        },
      });
      logs = capture;
      const following = created
        .followOutput((stream, line) => {
          printedAnything = true;
          if (stream === 'stderr' && line.trim()) lastStderr = line.trim();
          capture.push(stream, line);
        })
        .catch((error: unknown) => logger.debug('job: log stream ended', { jobId, error: errorMessage(error) }));
      const deadline = setTimeout(() => stopWith(new JobEnd('timed-out', 'job_timed_out', `Ran past its ${seconds(limitMs)} limit and was stopped.`), () => created.stop(grace)), limitMs);
      const ticker = setInterval(() => progress('running', `Running ${clockLabel(clock.now().getTime() - startedAt!.getTime())} (${runtime})`), 1000);
      const onAbort = () =>
        stopWith(new JobEnd('cancelled', 'job_cancelled', 'Cancelled while running.'), () => created.stop(grace));
      signal.addEventListener('abort', onAbort);
      if (signal.aborted) onAbort();

      let exit: ContainerExit | null = null;
      let waitError: unknown = null;
      try {
        exit = await created.wait();
      } catch (error) {
        waitError = error;
      } finally {
        clearTimeout(deadline);
        clearInterval(ticker);
        outputWatch.stop();
        signal.removeEventListener('abort', onAbort);
      }
      runMs = clock.now().getTime() - startedAt.getTime();
      // The device is free once the container has exited: stop claiming it now.
      untrack();
      untrack = null;
      let drainTimer: NodeJS.Timeout | undefined;
      await Promise.race([following, new Promise((resolve) => (drainTimer = setTimeout(resolve, LOG_DRAIN_MS)))]);
      clearTimeout(drainTimer);
      capture.close();
      exitCode = exit?.exitCode ?? null;

      // Stopped early by the owner: what the job wrote so far, checked and hashed like a result.
      if (req.keepCheckpoint && (yielded || (stopCause as JobEnd | null)?.reason === 'cancelled')) outputs = await collectCheckpoint(workspace.outputsDir, workspace.resultsDir, spec.outputs);
      if (yielded) throw new JobEnd('preempted', 'job_preempted', `Stopped after ${seconds(runMs)}: the owner took the device back.`);
      if (stopCause) throw stopCause;
      if (!exit) throw new JobEnd('failed', 'job_wait_failed', `Lost track of the job: ${errorMessage(waitError)}`);
      if (await outputWatch.diskWasFull()) throw new JobEnd('failed', 'job_disk_full', `Our disk filled up while the job ran (disk full: free space in ${workspace.outputsDir}); its results cannot be trusted.`);
      if (exit.oomKilled) {
        throw new JobEnd('oom', 'job_oom', `Ran out of memory (${spec.resources.memoryMiB} MiB) after ${seconds(runMs)}.`);
      }
      if (runtime === 'runsc' && exit.exitCode === 2 && !printedAnything && runMs < SANDBOX_FAILURE_WINDOW_MS) {
        throw new JobEnd(
          'failed',
          'job_sandbox_failed',
          `The gVisor sandbox failed to start the job (exit 2, no output after ${seconds(runMs)}); the job itself may never have run.`,
        );
      }
      // With Init, a missing or non-executable entrypoint is reported by tini, not the engine.
      const initFailure = /^\[FATAL tini \(\d+\)\] (exec .*)$/.exec(lastStderr);
      if ((exit.exitCode === 126 || exit.exitCode === 127) && initFailure) {
        throw new JobEnd('failed', 'job_start_failed', `The job's image could not start: ${initFailure[1]!.slice(0, 300)}`);
      }
      if (exit.exitCode !== 0) {
        const tail = lastStderr ? `: ${lastStderr.slice(0, 200)}` : '.';
        throw new JobEnd('failed', 'job_exit_nonzero', `Exited with code ${exit.exitCode} after ${seconds(runMs)}${tail}`);
      }

      // 6. Outputs: copied and hashed into results/.
      progress('collecting', 'Collecting outputs');
      const collected = await collectOutputs(workspace.outputsDir, workspace.resultsDir, spec.outputs);
      skipped = collected.skipped;
      if (!collected.ok) throw new JobEnd('failed', collected.diskFull ? 'job_disk_full' : 'job_output_limit', collected.message);
      outputs = collected.files;
    } catch (error) {
      if (error instanceof JobEnd) end = error;
      else if (signal.aborted) end = new JobEnd('cancelled', 'job_cancelled', 'Cancelled.');
      else if (error instanceof InputCheckError) end = new JobEnd('failed', 'job_input_failed', error.message);
      else {
        const message = error instanceof AgentError ? error.message : `Unexpected error: ${errorMessage(error)}`;
        end = new JobEnd('failed', error instanceof AgentError ? error.code : 'job_failed', message);
        logger.error('job: run failed', { jobId, error: errorMessage(error) });
      }
    } finally {
      // 7. Cleanup, every step on its own: one failure must not leave the rest behind.
      outputWatch?.stop();
      logs?.close();
      untrack?.();
      if (handle) {
        const id = handle.id;
        await handle.remove().catch((error: unknown) => logger.error('job: could not remove container', { jobId, id, error: errorMessage(error) }));
      }
      // After the removal: until then the watchdog still has work if this process dies.
      releaseWatchdog?.();
      releaseImage?.();
      await network?.remove().catch((error: unknown) => logger.error('job: could not remove network', { jobId, error: errorMessage(error) }));
      if (workspace) {
        const ws = workspace;
        if (logs) {
          try {
            writeFileSync(ws.logFile, formatKeptLog(logs.kept()), { mode: 0o600 });
          } catch (error) {
            logger.warn('job: could not keep the log', { jobId, error: errorMessage(error) });
          }
        }
        try {
          removeWorkArea(ws);
        } catch (error) {
          logger.error('job: could not remove the workspace', { jobId, error: errorMessage(error) });
        }
      }
    }

    const reason: JobEndReason = end ? end.reason : 'completed';
    const skippedNote = skipped.length ? ` Skipped ${skipped.map((s) => `${s.name} (${s.why})`).join(', ')}.` : '';
    const message = end
      ? `${end.message}${skippedNote}`
      : `Completed in ${seconds(runMs ?? 0)} with ${outputs.length} output file${outputs.length === 1 ? '' : 's'}.${skippedNote}`;
    const error: ApiError | undefined = end ? { code: end.code, message: end.message } : undefined;
    const record: JobRecord = {
      id: jobId,
      name: spec.name,
      image: spec.image,
      deviceId,
      runtime,
      network: spec.network,
      preemptible: spec.preemptible,
      state: 'finished',
      reason,
      exitCode,
      message,
      timings: {
        createdAt: createdAt.toISOString(),
        startedAt: startedAt?.toISOString() ?? null,
        finishedAt: clock.now().toISOString(),
        prepareMs,
        runMs,
      },
      outputs,
      logs: { bytesKept: logs?.bytesKept() ?? 0, bytesDropped: logs?.bytesDropped() ?? 0 },
      ...(error ? { error } : {}),
    };
    if (end) logger.info('job: finished', { jobId, reason, message, lastState: state });
    progress('finished', message, 1);
    try {
      deps.history?.add(record);
    } catch (historyError) {
      logger.error('job: could not store the record', { jobId, error: errorMessage(historyError) });
    }
    return record;
  }

  return { run };
}
