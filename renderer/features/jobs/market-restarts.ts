import type { JobRestarts } from '../../../shared/domain/job-restarts';
import type { MarketJob } from '../../../shared/domain/market';

/** The market provider names each run `market-<chain>-<job>-<random>` (market-provider.ts). */
export function isMarketRun(localJobId: string): boolean {
  return localJobId.startsWith('market-');
}

/**
 * The restarts of the market job whose current run is `localJobId`, or null: the Jobs page
 * shows the same note as the Market page on that run.
 */
export function restartsOfRun(jobs: Iterable<MarketJob>, localJobId: string): JobRestarts | null {
  for (const job of jobs) {
    if (job.mine?.localJobId === localJobId) return job.mine.restarts ?? null;
  }
  return null;
}
