/**
 * The provider's record of every market job it touched: one small JSON file per job in
 * <dataDir>/market/jobs/<chain key>/<chain job id>.json, written atomically on every
 * change. A claimed job is never forgotten: after a crash or restart the records say what
 * was in flight, and the provider reconciles each with the chain.
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type ProviderJob, ProviderJobSchema } from '../../../shared/domain/market';
import { readJsonOrSetAside, writeJsonAtomically } from '../node-adapters/atomic-json-file';
import type { Clock, Logger } from '../ports';

/** What the provider keeps beside the public record (not sent to the UI). */
export interface ProviderJobPrivate {
  /** The spec document as posted (so a restart can run or upload without the index). */
  uploadUrl: string | null;
  /** The results were PUT to the upload URL (so a restart does not upload twice). */
  uploaded: boolean;
  /** Claimed block timestamp (unix s) from getJob. */
  claimedAtChain: number | null;
  /** Submitted block timestamp (unix s). */
  submittedAtChain: number | null;
  runBy: number;
}

export interface StoredProviderJob {
  record: ProviderJob;
  extra: ProviderJobPrivate;
}

export interface ProviderRecords {
  load(chainKey: string): StoredProviderJob[];
  save(chainKey: string, job: StoredProviderJob): Promise<void>;
}

export function createProviderRecords(deps: { dataDir: string; logger: Logger; clock: Clock }): ProviderRecords {
  const folder = (chainKey: string) => join(deps.dataDir, 'market', 'jobs', chainKey);
  // One write at a time per file, in order: the newest state always lands last.
  const chains = new Map<string, Promise<void>>();
  return {
    load(chainKey) {
      const dir = folder(chainKey);
      mkdirSync(dir, { recursive: true });
      const out: StoredProviderJob[] = [];
      for (const name of readdirSync(dir)) {
        if (!/^[0-9]+\.json$/.test(name)) continue;
        const read = readJsonOrSetAside<StoredProviderJob>(
          join(dir, name),
          (raw) => {
            const value = raw as StoredProviderJob;
            const record = ProviderJobSchema.safeParse(value?.record);
            if (!record.success || typeof value.extra !== 'object' || value.extra === null) return { ok: false, reason: 'not a provider job record' };
            return { ok: true, value: { record: record.data, extra: value.extra } };
          },
          deps.clock.now(),
        );
        if (read.kind === 'ok') out.push(read.value);
        else if (read.kind === 'corrupt') deps.logger.error('a market job record was unreadable; kept aside', { keptAs: read.keptAs, reason: read.reason });
      }
      return out;
    },
    save(chainKey, job) {
      const path = join(folder(chainKey), `${job.record.chainJobId}.json`);
      const previous = chains.get(path) ?? Promise.resolve();
      const snapshot = structuredClone(job);
      const next = previous
        .then(() => writeJsonAtomically(path, snapshot))
        .catch((error: unknown) => deps.logger.error('could not save a market job record', { path, error: String(error) }));
      chains.set(path, next);
      return next;
    },
  };
}
