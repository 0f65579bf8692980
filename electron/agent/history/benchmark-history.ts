import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BenchmarkResult, BenchmarkResultSchema } from '../../../shared/domain/benchmark';
import type { Logger } from '../ports';

export interface BenchmarkHistory {
  /** Newest first. */
  list(limit?: number): BenchmarkResult[];
  add(result: BenchmarkResult): void;
}

const KEEP = 500;

/**
 * Benchmark results as JSON lines in the data dir. Appends are one write each, so a
 * crash loses at most the line being written; a damaged line is skipped, not fatal.
 */
export function createBenchmarkHistory(dataDir: string, logger: Logger): BenchmarkHistory {
  const file = join(dataDir, 'benchmarks.jsonl');
  let cache: BenchmarkResult[] | null = null;

  const load = (): BenchmarkResult[] => {
    if (cache) return cache;
    const results: BenchmarkResult[] = [];
    if (existsSync(file)) {
      let skipped = 0;
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        try {
          results.push(BenchmarkResultSchema.parse(JSON.parse(line)));
        } catch {
          skipped += 1;
        }
      }
      if (skipped) logger.warn('benchmark history: skipped damaged lines', { file, skipped });
    }
    cache = results.reverse();
    return cache;
  };

  return {
    list: (limit = 50) => load().slice(0, limit),
    add(result) {
      const results = load();
      results.unshift(result);
      appendFileSync(file, `${JSON.stringify(result)}\n`);
      if (results.length > KEEP * 2) {
        // Compact: rewrite the newest KEEP through a temp file and an atomic rename.
        results.length = KEEP;
        const temp = `${file}.tmp`;
        writeFileSync(temp, results.map((r) => JSON.stringify(r)).reverse().join('\n') + '\n');
        renameSync(temp, file);
      }
    },
  };
}
