/**
 * The Controls page's market prices (renderer/features/controls/market-prices): the figures
 * of a window, the chart's rows, the words for "no data" (v1 market, an agent without the
 * v2 feature, no award yet), the panel's markup, and the event that refetches the figures.
 */
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../../shared/api/contract';
import { marketPricesOf, type MarketPrices } from '../../../shared/domain/market-prices';
import { MarketPricesPanel } from '../../../renderer/features/controls/market-prices/MarketPricesPanel';
import { classesText, noDataText, priceChart, unclassifiedText, windowFigures } from '../../../renderer/features/controls/market-prices/market-prices-view';
import { queryKeys } from '../../../renderer/lib/query/keys';
import { applyCacheOps, cacheOpsFor } from '../../../renderer/lib/query/live-events';
import { createQueryClient } from '../../../renderer/lib/query/query-client';

const NOW = Date.UTC(2026, 11, 7, 15, 30) / 1000;
const at = (hoursAgo: number, micros: bigint) => ({ time: NOW - hoursAgo * 3600, microsPerHour: micros, requester: `0x${hoursAgo}`, hardwareClass: 'gpu-24' as const });
const prices = (points = [at(0.2, 120_000n), at(0.4, 150_000n), at(30, 90_000n), at(50, 300_000n)], unclassified = 0): MarketPrices =>
  marketPricesOf(points, { classes: ['gpu-8', 'gpu-12', 'gpu-16', 'gpu-24'], now: NOW, unclassified });

describe('market prices on the Controls page', () => {
  it('says the median and the range of a window in USD per hour', () => {
    const p = prices();
    expect(windowFigures(p.day)).toEqual({ median: '$0.12/h', range: '$0.12 – $0.15/h', awards: '2 awards from 2 requesters' });
    expect(windowFigures(p.week)).toEqual({ median: '$0.12/h', range: '$0.09 – $0.30/h', awards: '4 awards from 4 requesters' });
    expect(windowFigures(prices([at(1, 50_000n)]).week)).toEqual({ median: '$0.05/h', range: 'all at $0.05/h', awards: '1 award from 1 requester' });
    expect(windowFigures(prices([]).week)).toBeNull();
  });

  it('charts every hour of the window on a time axis, each with its range as a band, and a gap where nobody paid', () => {
    const p = prices();
    const hour = (hoursAgo: number) => Math.floor((NOW - hoursAgo * 3600) / 3600) * 3600 * 1000;
    const day = priceChart(p, 'day', 'UTC');
    // 24 hours: the hour 24 h ago was cut, the current one (15:00-15:30) is in.
    expect(day.rows).toHaveLength(24);
    expect(day.domain).toEqual([hour(23), NOW * 1000]);
    expect(day.hoursWithAwards).toBe(1);
    expect(day.rows.at(-1)).toEqual({ at: hour(0.2), median: 0.12, range: [0.12, 0.15], count: 2 });
    expect(day.rows.at(-2)).toEqual({ at: hour(1), median: null, range: null, count: 0 });
    expect(day.tick(hour(0.2))).toMatch(/^(15:00|03:00\sPM)$/);
    const week = priceChart(p, 'week', 'UTC');
    expect(week.rows).toHaveLength(7 * 24);
    expect(week.rows.filter((r) => r.count > 0).map((r) => [r.at, r.median, r.range])).toEqual([
      [hour(50), 0.3, [0.3, 0.3]],
      [hour(30), 0.09, [0.09, 0.09]],
      [hour(0.2), 0.12, [0.12, 0.15]],
    ]);
    expect(week.tick(Date.UTC(2026, 11, 3, 14))).toMatch(/Dec 3/);
  });

  it('says why there is nothing: no v2 feature in this agent, the agent\'s own words, an error, loading', () => {
    expect(noDataText(null, { code: 'unavailable', message: 'x' })).toMatch(/^No market data yet: .*not following a v2 market/);
    expect(noDataText(prices([]), null)).toMatch(/^No market data yet: no job for this card was awarded/);
    expect(noDataText(null, { code: 'chain_down', message: 'The chain is not reachable.' })).toBe('Market prices could not be read: The chain is not reachable.');
    expect(noDataText(null, null)).toBe('Loading market prices…');
    expect(noDataText(prices(), null)).toBeNull();
  });

  it('names the classes counted for this card and the unreadable jobs left out', () => {
    expect(classesText(['gpu-8', 'gpu-12'])).toBe('GPU, up to 8 GB; GPU, 12 GB');
    expect(unclassifiedText(prices(undefined, 0))).toBeNull();
    expect(unclassifiedText(prices(undefined, 1))).toBe('1 awarded job with an unreadable job document is left out (no hardware class).');
    expect(unclassifiedText(prices(undefined, 3))).toBe('3 awarded jobs with an unreadable job document are left out (no hardware class).');
  });

  it('renders the figures and the chart, or the reason there are none', () => {
    const html = renderToStaticMarkup(<MarketPricesPanel prices={prices()} error={null} />);
    expect(html).toContain('Median <strong>$0.12/h</strong>, range $0.09 – $0.30/h (4 awards from 4 requesters in the last 7 days).');
    expect(html).toContain('data-testid="market-price-chart" data-points="3"');
    expect(html).toContain('aria-pressed="true" data-testid="market-prices-week"');
    const day = renderToStaticMarkup(<MarketPricesPanel prices={prices([at(30, 90_000n)])} error={null} initialWindow="day" />);
    expect(day).toContain('No award in the last 24 hours.');
    expect(day).not.toContain('market-price-chart');
    const none = renderToStaticMarkup(<MarketPricesPanel prices={null} error={{ code: 'unavailable', message: 'x' }} />);
    expect(none).toContain('data-testid="market-prices-none">No market data yet:');
    // Loading is not "no data": a page waiting for the reason must not read the loading line.
    const loading = renderToStaticMarkup(<MarketPricesPanel prices={null} error={null} />);
    expect(loading).toContain('aria-busy="true"');
    expect(loading).toContain('data-testid="market-prices-loading">Loading market prices…');
    expect(loading).not.toContain('market-prices-none');
  });

  it('refetches the figures when the agent says the points changed', () => {
    const client = createQueryClient();
    client.setQueryData(queryKeys.marketPrices, prices());
    client.setQueryData(queryKeys.ledger, { n: 1 });
    applyCacheOps(client, cacheOpsFor({ name: 'marketPricesUpdated', payload: { points: 2 } } as AgentEvent));
    expect(client.getQueryState(queryKeys.marketPrices)?.isInvalidated).toBe(true);
    expect(client.getQueryState(queryKeys.ledger)?.isInvalidated).toBe(false);
  });
});
