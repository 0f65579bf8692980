import { join } from 'node:path';
import { type JobRecord, JobRecordSchema } from '../../../shared/domain/job';
import type { Logger } from '../ports';
import { createJsonlHistory, type JsonlHistory } from './jsonl-history';

export type JobHistory = JsonlHistory<JobRecord>;

/** Job records in <dataDir>/jobs.jsonl, the newest 1000 kept. */
export function createJobHistory(dataDir: string, logger: Logger): JobHistory {
  return createJsonlHistory({ file: join(dataDir, 'jobs.jsonl'), schema: JobRecordSchema, keep: 1000, logger });
}
