/**
 * The benchmark workloads (resources/benchmark/cpu-bench.c and gpu-bench.cu) speak one
 * protocol: JSON objects, one per stdout line (resources/benchmark/PROTOCOL.md). This module
 * parses it and folds a run's lines into a transcript. Pure: no I/O, no clock.
 */
import { z } from 'zod';
import type { ApiError } from '../../../shared/api/result';
import { type IntegrityCheck, type Metric, IntegrityCheckSchema, MetricIdSchema } from '../../../shared/domain/benchmark';

export const WORKLOAD_PROTOCOL_VERSION = 1;

const HelloSchema = z.object({
  type: z.literal('hello'),
  protocol: z.number().int(),
  workload: z.string(),
  version: z.string(),
  kind: z.enum(['cpu', 'gpu']),
  device: z.looseObject({ name: z.string() }),
  quick: z.boolean().optional(),
  secondsPerPhase: z.number().optional(),
});

const PhaseSchema = z.object({
  type: z.literal('phase'),
  phase: z.string().min(1),
  label: z.string(),
  index: z.number().int().min(1),
  total: z.number().int().min(1),
});

const ProgressSchema = z.object({ type: z.literal('progress'), fraction: z.number().min(0).max(1) });

const MetricMessageSchema = z.object({
  type: z.literal('metric'),
  id: MetricIdSchema,
  label: z.string(),
  unit: z.string(),
  value: z.number().nonnegative(),
  burst: z.number().nonnegative().optional(),
  sustained: z.number().nonnegative().optional(),
  windows: z.number().int().nonnegative().optional(),
});

const IntegrityMessageSchema = z.object({
  type: z.literal('integrity'),
  name: IntegrityCheckSchema.shape.name,
  bytesChecked: z.number().nonnegative(),
  errors: z.number().int().nonnegative(),
});

const LogSchema = z.object({ type: z.literal('log'), message: z.string() });
const ErrorSchema = z.object({ type: z.literal('error'), code: z.string().optional(), message: z.string() });
const DoneSchema = z.object({ type: z.literal('done'), elapsedMs: z.number().nonnegative().optional() });

export const WorkloadMessageSchema = z.discriminatedUnion('type', [
  HelloSchema,
  PhaseSchema,
  ProgressSchema,
  MetricMessageSchema,
  IntegrityMessageSchema,
  LogSchema,
  ErrorSchema,
  DoneSchema,
]);
export type WorkloadMessage = z.infer<typeof WorkloadMessageSchema>;
export type WorkloadHello = z.infer<typeof HelloSchema>;

/** One stdout line: a protocol message, or null for anything else (blank, not JSON, unknown shape). */
export function parseWorkloadLine(line: string): WorkloadMessage | null {
  const text = line.trim();
  if (!text.startsWith('{')) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = WorkloadMessageSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

export interface WorkloadTranscript {
  hello: WorkloadHello | null;
  phase: { phase: string; label: string; index: number; total: number } | null;
  /** Overall progress, 0..1; never goes backwards. */
  fraction: number;
  metrics: Metric[];
  integrity: IntegrityCheck[];
  errors: Array<{ code?: string; message: string }>;
  logs: string[];
  done: boolean;
  /** Non-empty stdout lines that were not protocol messages (counted, otherwise ignored). */
  garbageLines: number;
}

export function emptyTranscript(): WorkloadTranscript {
  return {
    hello: null,
    phase: null,
    fraction: 0,
    metrics: [],
    integrity: [],
    errors: [],
    logs: [],
    done: false,
    garbageLines: 0,
  };
}

/** Folds one stdout line into the transcript (mutates it) and returns the parsed message. */
export function applyWorkloadLine(t: WorkloadTranscript, line: string): WorkloadMessage | null {
  if (!line.trim()) return null;
  const m = parseWorkloadLine(line);
  if (!m) {
    t.garbageLines += 1;
    return null;
  }
  switch (m.type) {
    case 'hello':
      t.hello = m;
      break;
    case 'phase':
      t.phase = { phase: m.phase, label: m.label, index: m.index, total: m.total };
      break;
    case 'progress':
      t.fraction = Math.max(t.fraction, m.fraction);
      break;
    case 'metric': {
      const metric: Metric = { id: m.id, label: m.label, unit: m.unit, value: m.value };
      if (m.burst !== undefined) metric.burst = m.burst;
      if (m.sustained !== undefined) metric.sustained = m.sustained;
      // A repeated id replaces the earlier figure rather than listing the metric twice.
      t.metrics = [...t.metrics.filter((x) => x.id !== m.id), metric];
      break;
    }
    case 'integrity':
      t.integrity = [
        ...t.integrity.filter((x) => x.name !== m.name),
        { name: m.name, bytesChecked: m.bytesChecked, errors: m.errors, ok: m.errors === 0 },
      ];
      break;
    case 'log':
      t.logs.push(m.message);
      break;
    case 'error':
      t.errors.push(m.code === undefined ? { message: m.message } : { code: m.code, message: m.message });
      break;
    case 'done':
      t.done = true;
      break;
  }
  return m;
}

export function parseWorkloadOutput(stdout: string): WorkloadTranscript {
  const t = emptyTranscript();
  for (const line of stdout.split(/\r?\n/)) applyWorkloadLine(t, line);
  return t;
}

export interface WorkloadExit {
  exitCode: number;
  oomKilled: boolean;
}

/**
 * Judges a finished run: the workload must have said hello in our protocol version, reported
 * no error, produced at least one metric and ended with "done" and exit code 0. Returns the
 * error to show when it did not.
 */
export function judgeWorkloadRun(t: WorkloadTranscript, exit: WorkloadExit, stderrTail: string[] = []): ApiError | null {
  const tail = stderrTail.length ? ` Last output: ${stderrTail.slice(-3).join(' | ')}` : '';
  if (exit.oomKilled) {
    return {
      code: 'benchmark_out_of_memory',
      message: 'The benchmark container ran out of memory and was stopped.',
      hint: 'Close memory-hungry applications and run the benchmark again.',
    };
  }
  const first = t.errors[0];
  if (first) {
    return {
      code: first.code === 'no_cuda_device' ? 'benchmark_no_gpu' : 'benchmark_workload_error',
      message: `The benchmark reported an error${first.code ? ` (${first.code})` : ''}: ${first.message}`,
      ...(first.code === 'no_cuda_device'
        ? { hint: 'Check that the NVIDIA driver and the NVIDIA Container Toolkit are installed (see the checks page).' }
        : {}),
    };
  }
  if (t.hello && t.hello.protocol !== WORKLOAD_PROTOCOL_VERSION) {
    return {
      code: 'benchmark_protocol_mismatch',
      message: `The benchmark image speaks protocol ${t.hello.protocol}; this app understands ${WORKLOAD_PROTOCOL_VERSION}.`,
      hint: 'Rebuild the benchmark images (npm run build:images) or update the app.',
    };
  }
  if (!t.done) {
    return {
      code: 'benchmark_incomplete',
      message: `The benchmark stopped before it finished (exit code ${exit.exitCode}, ${t.metrics.length} results, ${t.garbageLines} unreadable lines).${tail}`,
    };
  }
  if (exit.exitCode !== 0) {
    return { code: 'benchmark_incomplete', message: `The benchmark ended with exit code ${exit.exitCode}.${tail}` };
  }
  if (t.metrics.length === 0) {
    return { code: 'benchmark_no_results', message: 'The benchmark finished without reporting any result.' };
  }
  return null;
}
