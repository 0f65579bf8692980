import { z } from 'zod';
import { ApiErrorSchema } from '../api/result';
import { isWindowsReservedName, WINDOWS_RESERVED_NAME_REASON } from './file-names';

/**
 * A rental job as a stranger describes it, and the record of how it ran. The spec is an
 * allow-list: every field a renter may influence is here, strictly typed and bounded;
 * anything else (privileges, host paths, devices, host network, runtimes...) is refused
 * by shared/domain/job-spec-validation.ts before anything runs.
 */

export const JOB_SPEC_VERSION = 1;

/** `registry/name@sha256:<64 hex>`: images are pinned by digest, never by a movable tag. */
export const ImageByDigestSchema = z
  .string()
  .max(512)
  .regex(
    /^(?:[a-z0-9.-]+(?::[0-9]{1,5})?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*@sha256:[a-f0-9]{64}$/,
    'The image must be pinned by digest: name@sha256:<64 hex digits>.',
  );

/** A plain file name: no folders, no "..", no hidden or control characters. */
export const SafeFileNameSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'File names may use letters, digits, ".", "_" and "-", and no folders.')
  // Inputs are written to, and outputs copied into, the owner's data folder: on Windows a
  // device name there opens the device (file-names.ts).
  .refine((name) => !isWindowsReservedName(name), WINDOWS_RESERVED_NAME_REASON);

export const JobInputSchema = z
  .object({
    /** Where the job finds it: /workspace/in/<name>, read-only. */
    name: SafeFileNameSchema,
    url: z.string().url().max(2048),
    sha256: z.string().regex(/^[a-f0-9]{64}$/, 'sha256 must be 64 lowercase hex digits.'),
    sizeBytes: z.number().int().min(0).max(64 * 1024 ** 3),
  })
  .strict();
export type JobInput = z.infer<typeof JobInputSchema>;

export const JobResourcesSchema = z
  .object({
    /** 0 for a CPU job, 1 for a GPU job (one GPU per job on a gaming PC). */
    gpus: z.number().int().min(0).max(1),
    minVramMiB: z.number().int().min(0).max(1024 * 1024),
    cpus: z.number().min(0.1).max(256),
    memoryMiB: z.number().int().min(64).max(1024 * 1024),
    /** Size of the writable scratch space (/scratch, a tmpfs counted in memory). */
    scratchMiB: z.number().int().min(0).max(256 * 1024),
  })
  .strict();
export type JobResources = z.infer<typeof JobResourcesSchema>;

export const JobOutputLimitsSchema = z
  .object({
    /** Everything the job leaves in /workspace/out, together. */
    maxTotalBytes: z.number().int().min(0).max(64 * 1024 ** 3),
    maxFiles: z.number().int().min(0).max(10_000),
  })
  .strict();

export const JobSpecSchema = z
  .object({
    version: z.literal(JOB_SPEC_VERSION),
    name: z.string().min(1).max(128),
    image: ImageByDigestSchema,
    /** Replaces the image's entrypoint when given. */
    entrypoint: z.array(z.string().max(4096)).max(64).optional(),
    /** Arguments (the image's CMD when omitted). */
    command: z.array(z.string().max(8192)).max(1024).optional(),
    env: z.record(z.string(), z.string()).optional(),
    inputs: z.array(JobInputSchema).max(64),
    outputs: JobOutputLimitsSchema,
    resources: JobResourcesSchema,
    maxDurationSeconds: z.number().int().min(1).max(7 * 24 * 3600),
    preemptible: z.boolean(),
    /** `none` (the default) or `egress` (internet only; the owner must allow it). */
    network: z.enum(['none', 'egress']).default('none'),
  })
  .strict();
export type JobSpec = z.infer<typeof JobSpecSchema>;

export const JobEndReasonSchema = z.enum([
  'completed', // exit code 0
  'failed', // non-zero exit, output limit broken, input check failed, image failed to start
  'timed-out', // ran past maxDurationSeconds
  'oom', // killed by the memory limit
  'preempted', // yielded to the owner
  'refused', // never started: spec, image, policy or machine refused it
  'cancelled', // stopped by the owner or the requester
]);
export type JobEndReason = z.infer<typeof JobEndReasonSchema>;

export const JobOutputFileSchema = z.object({
  name: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  sha256: z.string(),
});
export type JobOutputFile = z.infer<typeof JobOutputFileSchema>;

export const JobRecordSchema = z.object({
  id: z.string(),
  name: z.string(),
  image: z.string(),
  /** 'cpu' or the GPU's UUID. */
  deviceId: z.string(),
  /** The OCI runtime that really ran it (from the engine), null if it never started. */
  runtime: z.string().nullable(),
  network: z.enum(['none', 'egress']),
  preemptible: z.boolean(),
  state: z.enum(['preparing', 'pulling', 'running', 'collecting', 'finished']),
  reason: JobEndReasonSchema.nullable(),
  exitCode: z.number().int().nullable(),
  /** One sentence for the owner: "Completed in 42 s", "Ran out of memory (2048 MiB)". */
  message: z.string(),
  timings: z.object({
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    /** Image pull and input download, ms. */
    prepareMs: z.number().nullable(),
    /** Container start to exit, ms. */
    runMs: z.number().nullable(),
  }),
  outputs: z.array(JobOutputFileSchema),
  logs: z.object({ bytesKept: z.number(), bytesDropped: z.number() }),
  error: ApiErrorSchema.optional(),
});
export type JobRecord = z.infer<typeof JobRecordSchema>;

/** Pushed while a job runs. */
export const JobProgressSchema = z.object({
  jobId: z.string(),
  state: JobRecordSchema.shape.state,
  /** e.g. "Pulling image: 312 of 840 MB", "Running 1:12". */
  label: z.string(),
  /** 0..1 where it is known (image pull), else null. */
  fraction: z.number().min(0).max(1).nullable(),
});
export type JobProgress = z.infer<typeof JobProgressSchema>;

export const JobLogLinesSchema = z.object({
  jobId: z.string(),
  lines: z.array(z.object({ stream: z.enum(['stdout', 'stderr']), text: z.string() })),
});
export type JobLogLines = z.infer<typeof JobLogLinesSchema>;
