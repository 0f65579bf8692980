import { z } from 'zod';
import { AvailabilityReportSchema } from './availability';
import { ActiveBenchmarkSchema, BenchmarkResultSchema } from './benchmark';
import { ChecksReportSchema } from './checks';
import { GpuDetectionSchema } from './gpu';
import { JobRecordSchema } from './job';
import { SettingsSchema } from './settings';

export const SNAPSHOT_VERSION = 1;

/** Everything the UI needs for its first paint; afterwards it applies pushed events. */
export const SnapshotSchema = z.object({
  version: z.literal(SNAPSHOT_VERSION),
  agent: z.object({
    version: z.string(),
    mode: z.enum(['electron', 'headless']),
    platform: z.string(),
    startedAt: z.string(),
  }),
  /** null until the first detection finishes. */
  detection: GpuDetectionSchema.nullable(),
  detecting: z.boolean(),
  /** null until the first run of the environment checks finishes. */
  checks: ChecksReportSchema.nullable(),
  checksRunning: z.boolean(),
  benchmark: z.object({
    active: ActiveBenchmarkSchema.nullable(),
    /** Newest first. */
    history: z.array(BenchmarkResultSchema),
  }),
  settings: SettingsSchema,
  availability: AvailabilityReportSchema,
  jobs: z.object({
    /** Jobs running now (one per device at most). */
    active: z.array(JobRecordSchema),
    /** Finished jobs, newest first. */
    history: z.array(JobRecordSchema),
  }),
});
export type Snapshot = z.infer<typeof SnapshotSchema>;
