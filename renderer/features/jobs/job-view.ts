import type { CheckState, ChecksReport } from '../../../shared/domain/checks';
import type { GpuDetection } from '../../../shared/domain/gpu';
import type { JobEndReason, JobRecord } from '../../../shared/domain/job';

/** The agent's device id for CPU jobs. */
export const CPU_JOB_DEVICE = 'cpu';

/** "CPU", the GPU's name from detection (with its index when there are several), or a short UUID. */
export function jobDeviceLabel(deviceId: string, detection: GpuDetection | null): string {
  if (deviceId === CPU_JOB_DEVICE) return 'CPU';
  const gpus = detection?.gpus ?? [];
  const gpu = gpus.find((g) => g.uuid === deviceId);
  if (!gpu) return deviceId.length > 16 ? `${deviceId.slice(0, 12)}…` : deviceId;
  return gpus.length > 1 ? `GPU ${gpu.index} · ${gpu.name}` : gpu.name;
}

/** `name@sha256:0123456789ab…`: the digest cut to 12 hex digits (the full value goes in a title). */
export function shortImage(image: string): string {
  const match = /^(.*@sha256:)([a-f0-9]{12})[a-f0-9]{13,}$/.exec(image);
  return match ? `${match[1]}${match[2]}…` : image;
}

export type RuntimeKind = 'gvisor' | 'runc' | 'other' | 'none';

export interface RuntimeView {
  kind: RuntimeKind;
  label: string;
  /** For a table cell: "gVisor (runsc)", "runc". */
  short: string;
  /** Why it matters, for the badge's tooltip. */
  why: string;
}

export const GVISOR_WHY =
  'gVisor gives the job its own kernel: code written by a stranger never talks to your PC’s kernel directly, so a bug in that kernel is far out of its reach.';
export const RUNC_WHY =
  'The job runs in a locked-down container (not root, no privileges, read-only system files, memory and process limits) but shares your PC’s kernel. gVisor adds a second wall; the machine checklist shows how to install it.';

export function runtimeView(runtime: string | null, finished = false): RuntimeView {
  if (runtime === null) {
    return finished
      ? { kind: 'none', label: 'Never started', short: '—', why: 'The job ended before its container started.' }
      : { kind: 'none', label: 'Not started yet', short: '—', why: 'The container runtime is known once the job starts.' };
  }
  if (runtime === 'runsc' || runtime.startsWith('runsc')) {
    return { kind: 'gvisor', label: 'gVisor (runsc): sandboxed', short: 'gVisor (runsc)', why: GVISOR_WHY };
  }
  if (runtime === 'runc') return { kind: 'runc', label: 'runc: standard isolation', short: 'runc', why: RUNC_WHY };
  return { kind: 'other', label: `${runtime}: standard isolation`, short: runtime, why: RUNC_WHY };
}

export const NETWORK_LABELS: Record<JobRecord['network'], string> = {
  none: 'No network',
  egress: 'Internet only, your LAN blocked',
};

export const NETWORK_WHY: Record<JobRecord['network'], string> = {
  none: 'The job cannot reach your home network or the internet.',
  egress: 'The job can reach the internet but not the devices on your home network (router, NAS, printers…).',
};

export const STATE_LABELS: Record<JobRecord['state'], string> = {
  preparing: 'Preparing',
  pulling: 'Pulling the image',
  running: 'Running',
  collecting: 'Collecting outputs',
  finished: 'Finished',
};

export type ReasonTone = 'ok' | 'neutral' | 'bad';

export const REASONS: Record<JobEndReason, { label: string; tone: ReasonTone }> = {
  completed: { label: 'Completed', tone: 'ok' },
  preempted: { label: 'Preempted', tone: 'neutral' },
  cancelled: { label: 'Cancelled', tone: 'neutral' },
  'timed-out': { label: 'Timed out', tone: 'bad' },
  oom: { label: 'Out of memory', tone: 'bad' },
  failed: { label: 'Failed', tone: 'bad' },
  refused: { label: 'Refused', tone: 'bad' },
};

export function reasonView(reason: JobEndReason | null): { label: string; tone: ReasonTone } {
  return reason === null ? { label: 'Unknown', tone: 'neutral' } : REASONS[reason];
}

/** A running time: "0:42", "12:05", "1:02:09". */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** A past duration in words: "850 ms", "42 s", "3 min 05 s", "1 h 12 min". */
export function formatSpan(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const total = Math.round(ms / 1000);
  if (total < 60) return `${total} s`;
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  if (hours > 0) return `${hours} h ${String(minutes).padStart(2, '0')} min`;
  return `${minutes} min ${String(total % 60).padStart(2, '0')} s`;
}

const parse = (iso: string | null): number | null => {
  if (iso === null) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
};

/** When a running job's clock starts: its container start, else when it was created. */
export function jobStartMs(job: JobRecord): number | null {
  return parse(job.timings.startedAt) ?? parse(job.timings.createdAt);
}

/** How long a finished job ran: the engine's figure, else start to finish; null if it never ran. */
export function jobDurationMs(job: JobRecord): number | null {
  if (job.timings.runMs !== null) return job.timings.runMs;
  const start = parse(job.timings.startedAt);
  const end = parse(job.timings.finishedAt);
  return start !== null && end !== null ? Math.max(0, end - start) : null;
}

/** "3 KiB" for the truncation note (at least 1 KiB when anything was dropped). */
export function formatKiB(bytes: number): string {
  const kib = bytes <= 0 ? 0 : Math.max(1, Math.round(bytes / 1024));
  return `${kib.toLocaleString('en-US')} KiB`;
}

/** Ends a check's summary with a full stop unless it has one. */
const sentence = (text: string): string => (/[.!?…]$/.test(text) ? text : `${text}.`);

export interface SandboxView {
  runtime: RuntimeKind | 'unknown';
  /** One line: which runtime new jobs get. */
  headline: string;
  /** Why, and what the owner can do about it. */
  detail: string;
  state: CheckState;
}

/** Which runtime new jobs get, from the gvisor-runsc check and the owner's preference. */
export function describeSandbox(checks: ChecksReport | null, preferGvisor: boolean): SandboxView {
  const check = checks?.checks.find((c) => c.id === 'gvisor-runsc');
  if (!check) {
    return {
      runtime: 'unknown',
      headline: 'Not known yet',
      detail: checks ? 'The machine checklist did not report on gVisor.' : 'The machine checklist is still running.',
      state: 'info',
    };
  }
  const runc = runtimeView('runc').label;
  if (check.state === 'ok' && preferGvisor) {
    return { runtime: 'gvisor', headline: runtimeView('runsc').label, detail: GVISOR_WHY, state: 'ok' };
  }
  if (check.state === 'ok') {
    return {
      runtime: 'runc',
      headline: runc,
      detail: `${check.summary}, but “Prefer gVisor sandbox” is off in Settings (Overview page): turn it on for a stronger wall between jobs and your PC.`,
      state: 'warn',
    };
  }
  if (check.state === 'info') return { runtime: 'runc', headline: runc, detail: sentence(check.summary), state: 'info' };
  return {
    runtime: 'runc',
    headline: runc,
    detail: `${sentence(check.summary)} The machine checklist (Overview page) shows how to install gVisor.`,
    state: 'warn',
  };
}
