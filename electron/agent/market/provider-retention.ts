/**
 * Results retention: a closed job's result folders (every run's: a job that ran again after
 * an interruption has several) and logs are removed once its retention period has run out
 * (`resultsRemoveAt`, set when it closed; default 7 days), and the record says when.
 * A job still in flight keeps its results however old.
 */
import type { ProviderJob } from '../../../shared/domain/market';
import { isTerminal } from '../../../shared/domain/provider-job-machine';
import type { ProviderJobEntry } from './provider-job-entry';

export interface RetentionDeps {
  entries: () => Iterable<ProviderJobEntry>;
  annotate: (entry: ProviderJobEntry, patch: Partial<Omit<ProviderJob, 'state'>>) => Promise<void>;
  removeResults: (localJobId: string) => void;
  retentionMs: number;
}

/** Returns how many jobs had their results removed now. */
export async function sweepResults(deps: RetentionDeps, now: Date): Promise<number> {
  let removed = 0;
  for (const entry of [...deps.entries()]) {
    const { record } = entry;
    if (!isTerminal(record.state) || record.resultsRemovedAt) continue;
    const ids = [...new Set([...(entry.extra.localJobIds ?? []), ...(record.localJobId ? [record.localJobId] : [])])];
    if (ids.length === 0) continue;
    // Records closed before retention existed: counted from when they closed.
    const removeAt = record.resultsRemoveAt ?? new Date(Date.parse(record.closedAt ?? record.updatedAt) + deps.retentionMs).toISOString();
    if (Date.parse(removeAt) > now.getTime()) {
      if (!record.resultsRemoveAt) await deps.annotate(entry, { resultsRemoveAt: removeAt });
      continue;
    }
    for (const localJobId of ids) deps.removeResults(localJobId);
    await deps.annotate(entry, { resultsRemoveAt: removeAt, resultsRemovedAt: now.toISOString() });
    removed++;
  }
  return removed;
}
