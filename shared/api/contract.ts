import { z } from 'zod';
import {
  ActiveBenchmarkSchema,
  BenchmarkResultSchema,
  BenchmarkTargetSchema,
} from '../domain/benchmark';
import { AvailabilityReportSchema } from '../domain/availability';
import { ChecksReportSchema } from '../domain/checks';
import { ManualPauseSchema } from '../domain/controls';
import { JobLogLinesSchema, JobProgressSchema, JobRecordSchema } from '../domain/job';
import { GpuDetectionSchema } from '../domain/gpu';
import { SettingsPatchSchema, SettingsSchema } from '../domain/settings';
import { ExistingPasswordSchema } from '../domain/wallet';
import { SettingsRecoverySchema } from '../domain/settings-recovery';
import { SnapshotSchema } from '../domain/snapshot';
import { GpuTelemetrySchema } from '../domain/telemetry';
import { defineCall, EmptyRequest } from './define-call';
import { desktopCalls, desktopEvents } from './desktop-api';
import { marketPricesCalls, marketPricesEvents } from './market-prices-api';
import { earningsCalls, earningsEvents } from './earnings-api';
import { marketCalls, marketEvents } from './market-api';
import { networkCalls } from './network-api';
import type { Result } from './result';
import { walletCalls, walletEvents } from './wallet-api';

/**
 * The one API between the renderer and the agent, whatever carries it (preload IPC in
 * the desktop app, HTTP + WebSocket in headless mode). Named calls only: no generic
 * "invoke any channel" passthrough, so the renderer can reach exactly this surface.
 * Every request is parsed with its schema at the agent's boundary.
 */
const call = defineCall;
const Empty = EmptyRequest;

export const calls = {
  /** Full state for the first paint. */
  getSnapshot: call(Empty, SnapshotSchema),
  /** Detect GPUs again (after a driver install, say). */
  detectHardware: call(Empty, GpuDetectionSchema),
  /** Run the environment checks again. */
  runChecks: call(Empty, ChecksReportSchema),
  /** Start a benchmark; progress arrives as `benchmarkProgress` events. */
  startBenchmark: call(
    z.object({ target: BenchmarkTargetSchema }).strict(),
    z.object({ runId: z.string() }),
  ),
  cancelBenchmark: call(
    z.object({ runId: z.string().min(1) }).strict(),
    z.object({ cancelled: z.boolean() }),
  ),
  listBenchmarks: call(
    z.object({ limit: z.number().int().min(1).max(500).optional() }).strict(),
    z.array(BenchmarkResultSchema),
  ),
  /**
   * `password`: the wallet password, needed (and checked) when the patch changes where money
   * goes (shared/domain/money-settings.ts); refused without it.
   */
  updateSettings: call(z.object({ patch: SettingsPatchSchema, password: ExistingPasswordSchema.optional() }).strict(), SettingsSchema),
  /**
   * Stop renting: for one hour, until tomorrow (next local midnight in the schedule's time
   * zone), or until resumeRenting. A running job is yielded at once, unless
   * `finishRunningJob`: then a running non-preemptible job finishes (and is paid) first and
   * the device pauses when it ends; a preemptible one is released either way (paid for
   * the time served). Nothing new is claimed meanwhile.
   */
  pauseRenting: call(
    z.object({ duration: z.enum(['hour', 'tomorrow', 'indefinite']), finishRunningJob: z.boolean().optional() }).strict(),
    ManualPauseSchema,
  ),
  resumeRenting: call(Empty, ManualPauseSchema),
  /**
   * Set when the settings could not be used at start: RigShift started paused with bidding
   * off (settings fail closed); says what was lost and whether a last good copy exists.
   */
  getSettingsRecovery: call(Empty, SettingsRecoverySchema.nullable()),
  /** Puts the last good copy of the settings back in effect. */
  restoreLastGoodSettings: call(Empty, SettingsSchema),
  /** The owner read the notice and keeps the settings as they are now. */
  dismissSettingsRecovery: call(Empty, z.object({ dismissed: z.literal(true) })),
  /** Finished jobs, newest first. */
  listJobs: call(z.object({ limit: z.number().int().min(1).max(500).optional() }).strict(), z.array(JobRecordSchema)),
  /** The last log lines kept for a job (live or finished). */
  getJobLogs: call(
    z.object({ jobId: z.string().min(1), tail: z.number().int().min(1).max(5000).optional() }).strict(),
    JobLogLinesSchema,
  ),
  /** Stops a running job at the owner's request (recorded as cancelled). */
  cancelJob: call(z.object({ jobId: z.string().min(1) }).strict(), z.object({ cancelled: z.boolean() })),
  ...walletCalls,
  ...marketCalls,
  ...marketPricesCalls,
  ...earningsCalls,
  ...desktopCalls,
  // Settings → Network: import a market deployment file (helper chain-import).
  ...networkCalls,
} as const;

/** Events the agent pushes; the renderer never polls. */
export const events = {
  detection: GpuDetectionSchema,
  detecting: z.object({ detecting: z.boolean() }),
  checks: z.object({ report: ChecksReportSchema.nullable(), running: z.boolean() }),
  benchmarkProgress: ActiveBenchmarkSchema,
  benchmarkFinished: BenchmarkResultSchema,
  settings: SettingsSchema,
  /** Per-GPU availability, the presence readings behind it, and recent transitions. */
  availability: AvailabilityReportSchema,
  /** Live GPU telemetry, at most once a second per GPU (power, temperature, clocks...). */
  telemetry: GpuTelemetrySchema,
  /**
   * A job was accepted (preparing) or its container started (running, with the sandbox
   * runtime): the whole record. Progress only updates jobs a page already lists; this is
   * how a page learns of a new one without a reload.
   */
  jobStarted: JobRecordSchema,
  /** A job's state changed (pulling, running...). */
  jobProgress: JobProgressSchema,
  /** New log lines of a running job, batched (at most a few times a second). */
  jobLog: JobLogLinesSchema,
  /** A job ended; the full record. */
  jobFinished: JobRecordSchema,
  ...walletEvents,
  ...marketEvents,
  ...earningsEvents,
  ...desktopEvents,
  ...marketPricesEvents,
} as const;

export type Calls = typeof calls;
export type CallName = keyof Calls;
export type CallRequest<K extends CallName> = z.input<Calls[K]['request']>;
export type CallResponse<K extends CallName> = z.infer<Calls[K]['response']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<K extends EventName> = z.infer<Events[K]>;
/** The envelope events travel in, on every transport. */
export type AgentEvent = { [K in EventName]: { name: K; payload: EventPayload<K> } }[EventName];

export const callNames = Object.keys(calls) as CallName[];
export const eventNames = Object.keys(events) as EventName[];

export const isCallName = (name: string): name is CallName =>
  Object.prototype.hasOwnProperty.call(calls, name);

/** The typed API both sides program against. */
export type RigshiftApi = {
  [K in CallName]: (request: CallRequest<K>) => Promise<Result<CallResponse<K>>>;
};

/**
 * What the preload exposes on `window.rigshift`: one function per call plus `onEvent`.
 * A test checks that the exposed object has exactly these keys.
 */
export type ExposedApi = RigshiftApi & {
  onEvent(listener: (event: AgentEvent) => void): () => void;
};
export const exposedApiKeys = [...callNames, 'onEvent'] as const;

/** IPC channel names, derived here so no other file spells them by hand. */
export const ipcChannels = {
  call: (name: CallName) => `rigshift:call:${name}`,
  event: 'rigshift:event',
} as const;

/** HTTP paths of the headless transport. */
export const httpPaths = {
  call: (name: CallName) => `/api/call/${name}`,
  events: '/api/events',
} as const;
