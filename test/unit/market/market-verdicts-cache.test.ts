/**
 * The verdicts' parsed-document cache is bounded (a flood of open jobs must not keep every
 * parsed document: ~5 KB of heap each for 4 KB documents), keeps what was used last, and a
 * document pushed out parses again to the same result.
 */
import { describe, expect, it } from 'vitest';
import type { ChainHub } from '../../../electron/agent/chain/chain-hub';
import type { BookJob, MarketBook } from '../../../electron/agent/market/market-book';
import { createVerdicts } from '../../../electron/agent/market/market-verdicts';
import type { WalletAccess } from '../../../electron/agent/wallet/wallet-access';
import { jobDocument } from './chain-fixture';

const bookJob = (id: number): BookJob => ({
  id: String(id), requester: '0x000000000000000000000000000000000000bEEF', specHash: '0x', inlineSpec: jobDocument({ name: `job ${id}` }), facts: null, specError: null,
  maxPricePerHour: 1_000_000n, maxDurationSeconds: 600, claimBy: 2_000_000_000, runBy: 2_000_000_600, preemptible: false, escrow: 1n,
  postedBlock: id, postedTx: '0x', state: 'open', provider: null, ask: null, attempt: 0, billedSeconds: null, resultUri: null, events: [],
});

function verdictsOver(jobs: BookJob[], parsedCapacity: number) {
  const byId = new Map(jobs.map((j) => [j.id, j]));
  // Only what createVerdicts reads of these: the book's jobs, the chain's connection, the wallet's address.
  const book = { all: () => byId.values(), get: (id: string) => byId.get(id), size: () => byId.size } as unknown as MarketBook;
  return createVerdicts({
    context: () => null,
    chain: { connection: () => null } as unknown as ChainHub,
    clock: { now: () => new Date(0) },
    wallet: { address: () => null } as unknown as WalletAccess,
    book,
    document: (job) => job.inlineSpec,
    busyDevices: () => new Set(),
    chainTime: () => 0,
    parsedCapacity,
    onStale: () => undefined,
  });
}

describe('parsed documents of the verdicts', () => {
  it('stay bounded through a flood of open jobs, each still parsed right', () => {
    const jobs = Array.from({ length: 3_000 }, (_, i) => bookJob(i + 1));
    const verdicts = verdictsOver(jobs, 200);
    for (const job of jobs) {
      const doc = verdicts.parsedFor(job);
      expect(doc.ok && doc.summary.name).toBe(`job ${job.id}`);
      expect(verdicts.parsedCount()).toBeLessThanOrEqual(200);
    }
    expect(verdicts.parsedCount()).toBe(200);
  });

  it('keeps the most recently used, and parses a dropped one again to the same result', () => {
    const jobs = Array.from({ length: 4 }, (_, i) => bookJob(i + 1));
    const verdicts = verdictsOver(jobs, 3);
    const first = verdicts.parsedFor(jobs[0]!);
    verdicts.parsedFor(jobs[1]!);
    verdicts.parsedFor(jobs[2]!);
    expect(verdicts.parsedFor(jobs[0]!)).toBe(first); // a hit: now the most recent
    const second = verdicts.parsedFor(jobs[1]!);
    verdicts.parsedFor(jobs[3]!); // pushes out job 3, the least recently used
    expect(verdicts.parsedFor(jobs[0]!)).toBe(first);
    expect(verdicts.parsedFor(jobs[1]!)).toBe(second);
    const again = verdicts.parsedFor(jobs[2]!);
    expect(again).toEqual(verdictsOver([jobs[2]!], 1).parsedFor(jobs[2]!));
    expect(verdicts.parsedCount()).toBe(3);
  });
});
