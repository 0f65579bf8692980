import { z } from 'zod';

/**
 * Traffic light for one environment check.
 * ok = green, warn = amber (works with a caveat), fail = red (blocks renting),
 * info = grey (not applicable here, e.g. no NVIDIA GPU: a normal state, not an error).
 */
export const CheckStateSchema = z.enum(['ok', 'warn', 'fail', 'info']);
export type CheckState = z.infer<typeof CheckStateSchema>;

export const CheckIdSchema = z.enum([
  'nvidia-driver',
  'nvidia-smi',
  'docker-engine',
  'nvidia-container-runtime',
  'gvisor-runsc',
]);
export type CheckId = z.infer<typeof CheckIdSchema>;

export const EnvironmentCheckSchema = z.object({
  id: CheckIdSchema,
  title: z.string(),
  state: CheckStateSchema,
  /** One line: what we found ("Driver 560.35.03", "Docker 27.3.1 reachable"). */
  summary: z.string(),
  /** Optional longer explanation (why it matters, what was seen). */
  detail: z.string().optional(),
  /** The exact fix per OS; present whenever state is warn or fail. */
  fix: z
    .object({
      linux: z.string(),
      windows: z.string(),
    })
    .optional(),
});
export type EnvironmentCheck = z.infer<typeof EnvironmentCheckSchema>;

export const ChecksReportSchema = z.object({
  checks: z.array(EnvironmentCheckSchema),
  /** Whether GPU jobs may be accepted on this machine (no red check on the GPU path). */
  gpuJobsAllowed: z.boolean(),
  checkedAt: z.string(),
});
export type ChecksReport = z.infer<typeof ChecksReportSchema>;
