/**
 * An in-memory PricePointStore with the real store's semantics (key (market, job, round),
 * replace per job, rewind by block, prune by time), plus a count of writes so a test can see
 * that an unchanged book writes nothing.
 */
import type { PricePoint, PricePointStore } from '../../electron/agent/market-prices/price-store';

export interface FakePriceStore extends PricePointStore {
  all(): PricePoint[];
  writes: number;
  closed: boolean;
}

export function fakePriceStore(initial: readonly PricePoint[] = []): FakePriceStore {
  const rows = new Map<string, PricePoint>();
  const key = (p: { market: string; jobId: string; roundNo: number }) => `${p.market}\u0000${p.jobId}\u0000${p.roundNo}`;
  for (const p of initial) rows.set(key(p), p);
  const byTime = (a: PricePoint, b: PricePoint) => a.time - b.time || a.block - b.block || a.jobId.localeCompare(b.jobId) || a.roundNo - b.roundNo;
  const drop = (test: (p: PricePoint) => boolean) => {
    let n = 0;
    for (const [k, p] of rows) if (test(p) && rows.delete(k)) n++;
    return n;
  };
  const store: FakePriceStore = {
    writes: 0,
    closed: false,
    replaceJob(market, jobId, points) {
      store.writes++;
      drop((p) => p.market === market && p.jobId === jobId);
      for (const p of points) {
        if (p.market !== market || p.jobId !== jobId) throw new Error(`price point of ${p.market}/${p.jobId} given for ${market}/${jobId}`);
        rows.set(key(p), { ...p });
      }
    },
    removeAbove: (market, block) => drop((p) => p.market === market && p.block > block),
    pruneBefore: (time) => drop((p) => p.time < time),
    list: (market, since) => [...rows.values()].filter((p) => p.market === market && p.time >= since).sort(byTime),
    all: () => [...rows.values()].sort(byTime),
    close() {
      store.closed = true;
    },
  };
  return store;
}
