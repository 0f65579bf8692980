/**
 * Every 15 s of chain time (and on any settings or availability change) every open job's
 * verdict is computed again. Only the jobs whose verdict came out different are reported
 * stale: before, the whole list was reset each time, so every open Market page fetched
 * getMarket again every 15 s while one job was open (found by the live-data e2e test in CI).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../shared/domain/settings';
import type { AgentFeatureContext } from '../../../electron/agent/agent-feature';
import type { ChainHub } from '../../../electron/agent/chain/chain-hub';
import type { BookJob, MarketBook } from '../../../electron/agent/market/market-book';
import { createVerdicts } from '../../../electron/agent/market/market-verdicts';
import type { WalletAccess } from '../../../electron/agent/wallet/wallet-access';
import { jobDocument } from './chain-fixture';

const START = 1_900_000_000;

const bookJob = (id: number, claimBy: number): BookJob => ({
  id: String(id), requester: '0x000000000000000000000000000000000000bEEF', specHash: '0x', inlineSpec: jobDocument({ name: `job ${id}` }), facts: null, specError: null,
  maxPricePerHour: 1_000_000n, maxDurationSeconds: 600, claimBy, runBy: claimBy + 3_600, preemptible: true, escrow: 1n,
  postedBlock: id, postedTx: '0x', state: 'open', provider: null, ask: null, attempt: 0, billedSeconds: null, resultUri: null, events: [],
});

function setup(jobs: BookJob[]) {
  const byId = new Map(jobs.map((j) => [j.id, j]));
  const book = { all: () => byId.values(), get: (id: string) => byId.get(id), size: () => byId.size } as unknown as MarketBook;
  let chainTime = START;
  const stale: string[] = [];
  const resets: number[] = [];
  const context = {
    settings: () => DEFAULT_SETTINGS,
    availability: () => ({ gpus: [] }),
    detection: () => null,
    benchmarks: () => [],
  } as unknown as AgentFeatureContext;
  const verdicts = createVerdicts({
    context: () => context,
    chain: { connection: () => null } as unknown as ChainHub,
    clock: { now: () => new Date(chainTime * 1000) },
    wallet: { address: () => null } as unknown as WalletAccess,
    book,
    document: (job) => job.inlineSpec,
    busyDevices: () => new Set(),
    chainTime: () => chainTime,
    onStale: (id) => stale.push(id),
    // The old interface's whole-list reset: never called now.
    ...({ onReset: () => resets.push(chainTime) } as object),
  });
  return { verdicts, stale, resets, advance: (seconds: number) => (chainTime += seconds) };
}

describe('verdicts computed again as chain time passes', () => {
  it('report no job stale when no verdict changed', () => {
    const { verdicts, stale, resets, advance } = setup([bookJob(1, START + 7_200), bookJob(2, START + 7_200)]);
    expect(verdicts.evaluateAll()).toBe(2);
    stale.length = 0;
    for (let i = 0; i < 8; i++) {
      advance(16);
      expect(verdicts.evaluateAll()).toBe(2); // all evaluated again: the bucket rolled
    }
    expect({ stale, resets }).toEqual({ stale: [], resets: [] });
  });

  it('report only the job whose claim window closed', () => {
    const { verdicts, stale, resets, advance } = setup([bookJob(1, START + 20), bookJob(2, START + 7_200)]);
    verdicts.evaluateAll();
    const before = verdicts.verdicts.get('1')!.reasons;
    stale.length = 0;
    advance(30);
    verdicts.evaluateAll();
    expect(verdicts.verdicts.get('1')!.reasons).not.toEqual(before);
    expect({ stale, resets }).toEqual({ stale: ['1'], resets: [] });
  });
});
