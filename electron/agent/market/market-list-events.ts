/**
 * Batches changes of the market list into `marketJobs` events (at most four a second): a
 * burst of thousands of new jobs becomes one `reset` telling the page to reload.
 */
import type { MarketJob, MarketJobsUpdate } from '../../../shared/domain/market';

export function createListBatcher(deps: {
  emit: (update: MarketJobsUpdate) => void;
  view: (id: string) => MarketJob | null;
  enabled: () => boolean;
  delayMs?: number;
  maxUpserts?: number;
}) {
  const ids = new Set<string>();
  const removed = new Set<string>();
  let reset = false;
  let timer: NodeJS.Timeout | null = null;

  const flush = () => {
    timer = null;
    if (!deps.enabled()) return;
    const whole = reset || ids.size > (deps.maxUpserts ?? 300);
    const upserts: MarketJob[] = [];
    if (!whole) {
      for (const id of ids) {
        const job = deps.view(id);
        if (job) upserts.push(job);
      }
    }
    deps.emit({ upserts, removed: whole ? [] : [...removed], reset: whole });
    ids.clear();
    removed.clear();
    reset = false;
  };
  const arm = () => {
    if (timer || !deps.enabled()) return;
    timer = setTimeout(flush, deps.delayMs ?? 250);
    timer.unref?.();
  };
  return {
    changed(id: string) {
      ids.add(id);
      arm();
    },
    removed(id: string) {
      removed.add(id);
      arm();
    },
    reset() {
      reset = true;
      arm();
    },
    stop() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
