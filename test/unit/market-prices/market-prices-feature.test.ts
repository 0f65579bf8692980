/**
 * Market prices as an agent feature (market-prices/market-prices-feature.ts): "no market data
 * yet" until a v2 market connects, the figures and the `marketPricesUpdated` event once it
 * does, back to none on disconnect; a store that cannot open answers in words; an update whose
 * store fails does not reject (the v2 feature's book change must not fail with it).
 */
import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../../shared/api/contract';
import type { AgentFeatureContext } from '../../../electron/agent/agent-feature';
import { chainPricesLink, createMarketPricesFeature } from '../../../electron/agent/market-prices/market-prices-feature';
import { marketKeyOf } from '../../../electron/agent/chain/chain-hub';
import { fakeConnection } from '../../fakes/fake-chain';
import type { GpuDetection } from '../../../shared/domain/gpu';
import type { MarketPrices } from '../../../shared/domain/market-prices';
import { fakePriceStore } from '../../fakes/fake-price-store';
import { recordingLogger } from '../../helpers/silent-logger';
import { v2Log, v2PostedLog } from '../../fakes/market-v2-logs';
import { A, bookOf, documentFor, MARKET, REQUESTER } from './price-fixtures';

const T0 = 1_700_000_000;

async function started(openStore = () => fakePriceStore()) {
  const { logger, entries } = recordingLogger();
  const emitted: AgentEvent[] = [];
  const opened: string[] = [];
  const feature = createMarketPricesFeature({
    dataDir: '/data',
    logger,
    clock: { now: () => new Date(T0 * 1000) },
    openStore: (file) => {
      opened.push(file);
      return openStore();
    },
  });
  const ctx = {
    emit: (name: string, payload: unknown) => emitted.push({ name, payload } as AgentEvent),
    detection: () => ({ gpus: [{ vramMiB: 8_188 }] }) as unknown as GpuDetection,
  } as unknown as AgentFeatureContext;
  await feature.start?.(ctx, { longRunning: true });
  const ask = () => feature.handlers.getMarketPrices!(undefined as never) as Promise<MarketPrices>;
  return { feature, emitted, opened, entries, ask };
}

const awarded = async () =>
  bookOf([
    [v2PostedLog(MARKET, 1, REQUESTER, documentFor(1, 8_000)), v2Log(MARKET, 'BidPlaced', [1, A, 90_000n, 1])],
    [v2Log(MARKET, 'AuctionClosed', [1, 1, 90_000n, 1]), v2Log(MARKET, 'SlotAssigned', [1, 0, A, 90_000n, 0])],
  ]);

describe('the market prices feature', () => {
  it('answers "no market data yet" without a v2 market, and opens no store for it', async () => {
    const { ask, opened } = await started();
    expect(await ask()).toMatchObject({ status: 'none', classes: ['gpu-8'], asOf: T0, message: expect.stringMatching(/^No market data yet: .*no v2 market/) });
    expect(opened).toEqual([]);
  });

  it('answers the connected market\'s figures, tells the renderer when they change, and none again once disconnected', async () => {
    const { ask, emitted, feature, opened } = await started();
    const { book, chain } = await awarded();
    const link = feature.connect({ source: { jobs: () => book.all(), job: (id) => book.get(id), chainTime: () => T0 + 10, chainId: () => 31337 }, blockTime: async (n) => (await chain.block(n))?.timestamp ?? null });
    await link.update(['1']);
    expect(opened).toEqual(['/data/market-prices.sqlite']);
    expect(await ask()).toMatchObject({ status: 'ok', week: { count: 1, medianMicros: '90000' } });
    expect(emitted).toEqual([{ name: 'marketPricesUpdated', payload: { points: 1 } }]);
    link.disconnect();
    expect((await ask()).status).toBe('none');
    expect(emitted.at(-1)).toEqual({ name: 'marketPricesUpdated', payload: { points: 0 } });
    // A stale connection's calls do nothing.
    await link.update(['1']);
    expect((await ask()).status).toBe('none');
  });

  it('says in words when the store cannot be opened', async () => {
    const { ask, feature, entries } = await started(() => {
      throw new Error('EACCES: permission denied');
    });
    const { book, chain } = await awarded();
    const link = feature.connect({ source: { jobs: () => book.all(), chainTime: () => T0, chainId: () => 31337 }, blockTime: async (n) => (await chain.block(n))?.timestamp ?? null });
    await link.update();
    expect(await ask()).toMatchObject({ status: 'none', message: 'Market prices are off: the price store could not be opened (EACCES: permission denied).' });
    expect(entries.filter((e) => e.level === 'error').map((e) => e.message)).toEqual(['market prices: the price store could not be opened; market prices are off']);
  });

  it('does not reject a book change when the store fails, and catches up on the next one', async () => {
    const store = fakePriceStore();
    let broken = true;
    const { ask, feature, entries } = await started(() => ({
      ...store,
      pruneBefore: (t: number) => {
        if (broken) throw new Error('SQLITE_FULL: database or disk is full');
        return store.pruneBefore(t);
      },
    }));
    const { book, chain } = await awarded();
    const link = feature.connect({ source: { jobs: () => book.all(), chainTime: () => T0 + 10, chainId: () => 31337 }, blockTime: async (n) => (await chain.block(n))?.timestamp ?? null });
    await expect(link.update(['1'])).resolves.toBeUndefined();
    expect(entries.some((e) => e.level === 'error' && /the update failed/.test(e.message))).toBe(true);
    broken = false;
    await link.update([]);
    expect((await ask()).week.count).toBe(1);
  });

  it('links a v2 market through the chain hub: block times from the live port, the hub\'s market key', async () => {
    const { ask, feature } = await started();
    const { book, chain } = await awarded();
    let online = true;
    const connection = fakeConnection(chain, MARKET);
    const link = chainPricesLink({ connection: () => (online ? connection : null) }, { jobs: () => book.all(), job: (id) => book.get(id), chainTime: () => T0 + 10, chainId: () => 31337 });
    expect(await link.blockTime(2)).toBe((await chain.block(2))!.timestamp);
    expect(link.marketKey!()).toBe(marketKeyOf(connection.network));
    const conn = feature.connect(link);
    await conn.update(['1']);
    expect((await ask()).week.count).toBe(1);
    online = false;
    expect(await link.blockTime(2)).toBeNull();
    expect(link.marketKey!()).toBe('v2:31337');
  });
});
