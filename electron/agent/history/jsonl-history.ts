import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { z } from 'zod';
import type { Logger } from '../ports';

export interface JsonlHistory<T> {
  /** Newest first. */
  list(limit?: number): T[];
  add(entry: T): void;
}

/**
 * A bounded history kept as JSON lines in the data dir. Appends are one write each, so a
 * crash loses at most the line being written; a damaged line is skipped, never fatal.
 * Past twice `keep` entries the file is compacted through a temp file and a rename.
 */
export function createJsonlHistory<S extends z.ZodType>(options: {
  file: string;
  schema: S;
  keep: number;
  logger: Logger;
}): JsonlHistory<z.infer<S>> {
  const { file, schema, keep, logger } = options;
  let cache: Array<z.infer<S>> | null = null;

  const load = (): Array<z.infer<S>> => {
    if (cache) return cache;
    const entries: Array<z.infer<S>> = [];
    if (existsSync(file)) {
      let skipped = 0;
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        try {
          entries.push(schema.parse(JSON.parse(line)));
        } catch {
          skipped += 1;
        }
      }
      if (skipped) logger.warn('history: skipped damaged lines', { file, skipped });
    }
    cache = entries.reverse();
    return cache;
  };

  return {
    list: (limit = 50) => load().slice(0, limit),
    add(entry) {
      const entries = load();
      entries.unshift(entry);
      appendFileSync(file, `${JSON.stringify(entry)}\n`);
      if (entries.length > keep * 2) {
        entries.length = keep;
        const temp = `${file}.tmp`;
        writeFileSync(temp, `${entries.map((e) => JSON.stringify(e)).reverse().join('\n')}\n`);
        renameSync(temp, file);
      }
    },
  };
}
