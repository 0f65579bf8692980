import { join } from 'node:path';
import { type BenchmarkResult, BenchmarkResultSchema } from '../../../shared/domain/benchmark';
import type { Logger } from '../ports';
import { createJsonlHistory, type JsonlHistory } from './jsonl-history';

export type BenchmarkHistory = JsonlHistory<BenchmarkResult>;

/** Benchmark results in <dataDir>/benchmarks.jsonl, the newest 500 kept. */
export function createBenchmarkHistory(dataDir: string, logger: Logger): BenchmarkHistory {
  return createJsonlHistory({ file: join(dataDir, 'benchmarks.jsonl'), schema: BenchmarkResultSchema, keep: 500, logger });
}
