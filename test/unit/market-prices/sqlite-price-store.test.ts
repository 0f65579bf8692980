/**
 * The real price store (market-prices/sqlite-price-store.ts) in a temporary folder: points
 * survive a reopen, replace per job is idempotent per (market, job, round), rewinds and
 * pruning drop what they should and only that, markets never mix, bigint prices come back
 * exact, and a damaged file is moved aside for a fresh store.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlitePriceStore } from '../../../electron/agent/market-prices/sqlite-price-store';
import type { PricePoint } from '../../../electron/agent/market-prices/price-store';
import { recordingLogger } from '../../helpers/silent-logger';
import { tempDir } from '../../helpers/temp-dir';

const point = (over: Partial<PricePoint>): PricePoint => ({
  market: 'v2:31337',
  jobId: '1',
  requester: '0x70997970c51812dc3a010c7d01b50e0d17dc79c8',
  roundNo: 1,
  block: 10,
  time: 1_000,
  hardwareClass: 'gpu-24',
  microsPerHour: 120_000n,
  kind: 'auction',
  ...over,
});

describe('the SQLite price store', () => {
  const dirs: Array<{ cleanup(): void }> = [];
  afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));
  const open = () => {
    const dir = tempDir('rigshift-prices-');
    dirs.push(dir);
    const file = join(dir.path, 'market-prices.sqlite');
    const { logger, entries } = recordingLogger();
    return { dir: dir.path, file, entries, store: () => openSqlitePriceStore(file, { logger, now: () => new Date(0) }) };
  };

  it('keeps the points across a reopen, exact to the micro', () => {
    const { store } = open();
    const first = store();
    const huge = 123_456_789_012_345_678_901n;
    first.replaceJob('v2:31337', '1', [point({}), point({ roundNo: 2, block: 12, time: 1_100, microsPerHour: huge, kind: 'fixed' })]);
    first.close();
    const second = store();
    expect(second.list('v2:31337', 0)).toEqual([point({}), point({ roundNo: 2, block: 12, time: 1_100, microsPerHour: huge, kind: 'fixed' })]);
    second.close();
  });

  it('replaces a job\'s points as a whole: the same award twice is one row, a round a reorg removed goes', () => {
    const { store } = open();
    const s = store();
    s.replaceJob('v2:31337', '1', [point({}), point({ roundNo: 2, block: 12 })]);
    s.replaceJob('v2:31337', '1', [point({}), point({ roundNo: 2, block: 12 })]);
    expect(s.list('v2:31337', 0)).toHaveLength(2);
    s.replaceJob('v2:31337', '1', [point({})]);
    expect(s.list('v2:31337', 0).map((p) => p.roundNo)).toEqual([1]);
    expect(() => s.replaceJob('v2:31337', '1', [point({ jobId: '2' })])).toThrow(/given for/);
    // The failed replace was one transaction: nothing of it happened.
    expect(s.list('v2:31337', 0).map((p) => p.roundNo)).toEqual([1]);
    s.close();
  });

  it('drops only the market\'s points above a rewind, and only points older than the prune time', () => {
    const { store } = open();
    const s = store();
    s.replaceJob('v2:31337', '1', [point({ block: 10, time: 1_000 })]);
    s.replaceJob('v2:31337', '2', [point({ jobId: '2', block: 11, time: 2_000 })]);
    s.replaceJob('v2:1', '2', [point({ market: 'v2:1', jobId: '2', block: 50, time: 3_000 })]);
    expect(s.removeAbove('v2:31337', 10)).toBe(1);
    expect(s.list('v2:31337', 0).map((p) => p.jobId)).toEqual(['1']);
    expect(s.list('v2:1', 0).map((p) => p.jobId)).toEqual(['2']);
    expect(s.pruneBefore(1_001)).toBe(1);
    expect(s.list('v2:31337', 0)).toEqual([]);
    expect(s.list('v2:1', 2_999)).toHaveLength(1);
    expect(s.list('v2:1', 3_001)).toHaveLength(0);
    s.close();
  });

  it('moves a file that is not a database aside and starts afresh', () => {
    const { dir, file, entries, store } = open();
    writeFileSync(file, 'this is not sqlite, it is a text file that is long enough to have a header'.repeat(20));
    const s = store();
    s.replaceJob('v2:31337', '1', [point({})]);
    expect(s.list('v2:31337', 0)).toHaveLength(1);
    s.close();
    expect(existsSync(file)).toBe(true);
    expect(readdirSync(dir).some((f) => f.startsWith('market-prices.sqlite.corrupt-'))).toBe(true);
    expect(entries.map((e) => e.message)).toEqual(['market prices: the database file is damaged; moved aside, refilling from the chain']);
  });
});
