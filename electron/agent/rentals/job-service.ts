/**
 * The agent's view of rental jobs: starts them through the job runner on a device,
 * keeps the running ones (with a bounded tail of their logs), pushes progress, log and
 * finish events, and answers the Jobs page (active, history, logs). The marketplace
 * calls `start`; the owner can `cancel`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { AgentError } from '../../../shared/api/result';
import type { JobLogLines, JobProgress, JobRecord, JobSpec } from '../../../shared/domain/job';
import type { GpuInfo } from '../../../shared/domain/gpu';
import type { JsonlHistory } from '../history/jsonl-history';
import type { JobRunner } from '../jobs/job-runner';
import { JOB_ID_PATTERN, workspacePaths } from '../jobs/job-workspace';
import { parseKeptLog } from '../jobs/log-capture';
import type { Clock, EngineInfo, Logger } from '../ports';

type LogLine = JobLogLines['lines'][number];

export interface JobServiceDeps {
  runner: JobRunner;
  history: Pick<JsonlHistory<JobRecord>, 'list'>;
  dataDir: string;
  engineInfo: () => Promise<EngineInfo>;
  gpus: () => GpuInfo[];
  preferGvisor: () => boolean;
  /** The owner allows internet (never LAN) for jobs that ask for it. */
  allowEgress: () => boolean;
  /** The machine checklist's verdict on GPU jobs (a vulnerable toolkit blocks them). */
  gpuJobsBlocked: () => { title: string; summary: string } | null;
  clock: Clock;
  logger: Logger;
  onProgress: (progress: JobProgress) => void;
  onLog: (lines: JobLogLines) => void;
  onFinished: (record: JobRecord) => void;
  /**
   * A job was accepted (state "preparing") or its container started (state "running",
   * with the runtime and start time): the whole record, so every page can list a job it
   * has never seen without a reload. Optional for callers that do not push events.
   */
  onStarted?: (record: JobRecord) => void;
}

export interface JobService {
  /** Starts a job on a device ('cpu' or a GPU UUID); resolves once it is accepted. */
  /** `keepCheckpoint`: a run stopped early keeps what out/ holds (JobRunRequest.keepCheckpoint). */
  start(input: { spec: JobSpec; deviceId: string; jobId?: string; keepCheckpoint?: boolean }): Promise<{ jobId: string; done: Promise<JobRecord> }>;
  cancel(jobId: string): Promise<boolean>;
  active(): JobRecord[];
  history(limit?: number): JobRecord[];
  logs(jobId: string, tail?: number): JobLogLines;
  /** Cancels every running job and waits for their records. */
  stop(): Promise<void>;
}

const LIVE_TAIL_LINES = 5000;

interface Running {
  record: JobRecord;
  abort: AbortController;
  done: Promise<JobRecord>;
  tail: LogLine[];
}

/** Reads the kept log the runner wrote for a finished job. */
function readKeptLog(file: string, tail: number): LogLine[] {
  return existsSync(file) ? parseKeptLog(readFileSync(file, 'utf8'), tail) : [];
}

export function createJobService(deps: JobServiceDeps): JobService {
  const running = new Map<string, Running>();

  const placeholder = (jobId: string, spec: JobSpec, deviceId: string): JobRecord => ({
    id: jobId,
    name: spec.name,
    image: spec.image,
    deviceId,
    runtime: null,
    network: spec.network,
    preemptible: spec.preemptible,
    state: 'preparing',
    reason: null,
    exitCode: null,
    message: 'Preparing',
    timings: { createdAt: deps.clock.now().toISOString(), startedAt: null, finishedAt: null, prepareMs: null, runMs: null },
    outputs: [],
    logs: { bytesKept: 0, bytesDropped: 0 },
  });

  return {
    async start({ spec, deviceId, jobId = randomUUID(), keepCheckpoint }) {
      if (running.has(jobId)) throw new AgentError('job_exists', `A job with id ${jobId} is already running.`);
      const gpu = deviceId === 'cpu' ? null : deps.gpus().find((g) => g.uuid === deviceId);
      if (deviceId !== 'cpu' && !gpu) {
        throw new AgentError('gpu_not_found', `No NVIDIA GPU with UUID ${deviceId} is present.`, 'Detect the hardware again.');
      }
      const blocked = gpu ? deps.gpuJobsBlocked() : null;
      if (blocked) {
        // e.g. an NVIDIA Container Toolkit with a known container escape: never hand it a stranger's job.
        throw new AgentError(
          'gpu_jobs_blocked',
          `GPU jobs are refused on this machine: ${blocked.title} — ${blocked.summary}.`,
          'Fix the red item in the machine checklist (it names the version to install).',
        );
      }
      const engine = await deps.engineInfo();
      const abort = new AbortController();
      const entry: Running = { record: placeholder(jobId, spec, deviceId), abort, done: Promise.resolve(null as never), tail: [] };
      running.set(jobId, entry);
      deps.onStarted?.(entry.record);
      entry.done = deps.runner
        .run({
          jobId,
          spec,
          device: gpu ? { kind: 'gpu', gpu } : { kind: 'cpu' },
          engine,
          preferGvisor: deps.preferGvisor(),
          allowEgress: deps.allowEgress(),
          signal: abort.signal,
          ...(keepCheckpoint ? { keepCheckpoint } : {}),
          onProgress: (progress) => {
            const startedAt = progress.state === 'running' && !entry.record.timings.startedAt ? deps.clock.now().toISOString() : entry.record.timings.startedAt;
            entry.record = { ...entry.record, state: progress.state, message: progress.label, timings: { ...entry.record.timings, startedAt } };
            deps.onProgress(progress);
          },
          onContainerStarted: ({ runtime, startedAt }) => {
            entry.record = {
              ...entry.record,
              state: 'running',
              runtime,
              message: `Running 0:00 (${runtime})`,
              timings: { ...entry.record.timings, startedAt: startedAt.toISOString() },
            };
            deps.onStarted?.(entry.record);
          },
          onLog: (batch) => {
            entry.tail.push(...batch.lines);
            if (entry.tail.length > LIVE_TAIL_LINES) entry.tail.splice(0, entry.tail.length - LIVE_TAIL_LINES);
            deps.onLog(batch);
          },
        })
        .then((record) => {
          running.delete(jobId);
          deps.onFinished(record);
          deps.logger.info(`job ${record.name} ended: ${record.reason}`, { jobId, message: record.message });
          return record;
        });
      return { jobId, done: entry.done };
    },
    async cancel(jobId) {
      const entry = running.get(jobId);
      if (!entry) return false;
      entry.abort.abort();
      await entry.done.catch(() => undefined);
      return true;
    },
    active: () => [...running.values()].map((entry) => entry.record),
    history: (limit = 50) => deps.history.list(limit),
    logs(jobId, tail = 500) {
      const entry = running.get(jobId);
      if (entry) return { jobId, lines: entry.tail.slice(-tail) };
      // The id comes from the renderer: only a valid job id may name a file.
      if (!JOB_ID_PATTERN.test(jobId)) return { jobId, lines: [] };
      return { jobId, lines: readKeptLog(workspacePaths(deps.dataDir, jobId).logFile, tail) };
    },
    async stop() {
      const all = [...running.values()];
      for (const entry of all) entry.abort.abort();
      await Promise.allSettled(all.map((entry) => entry.done));
    },
  };
}
