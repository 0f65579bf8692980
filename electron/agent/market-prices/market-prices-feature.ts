/**
 * Market prices as an agent feature: owns the price store (`<dataDir>/market-prices.sqlite`),
 * answers getMarketPrices and pushes `marketPricesUpdated`. It reads no chain of its own: the
 * v2 market feature, while it follows a v2 market, `connect`s its book and the chain's block
 * times, and calls the returned `update(changedIds)` on each event log update (the ids the
 * change or rewind touched; none after a reset) and `disconnect()` when it stops following. Unconnected (a v1 market, no chain, a one-shot CLI command) the call
 * answers "No market data yet" and the Controls page suggests from the reference table.
 */
import { join } from 'node:path';
import { noMarketPrices, type MarketPrices } from '../../../shared/domain/market-prices';
import type { AgentFeature, AgentFeatureContext } from '../agent-feature';
import { type ChainHub, marketKeyOf } from '../chain/chain-hub';
import type { Clock, Logger } from '../ports';
import { createMarketPriceHistory, machineClasses, type PriceSource } from './market-price-history';
import type { PricePointStore } from './price-store';
import { openSqlitePriceStore } from './sqlite-price-store';

export const MARKET_PRICES_FILE = 'market-prices.sqlite';

export interface MarketPricesLink {
  source: PriceSource;
  /** A block's timestamp (unix seconds); null when the chain does not have it (yet). */
  blockTime(block: number): Promise<number | null>;
  /** Which market (pass marketKeyOf(network)); default `v2:<chain id>`. */
  marketKey?: () => string;
}

export interface MarketPricesConnection {
  update(changedIds?: Iterable<string>): Promise<void>;
  rewindTo(block: number): void;
  /** The market is no longer followed (network changed, feature stopped). */
  disconnect(): void;
}

export interface MarketPricesFeature extends AgentFeature {
  connect(link: MarketPricesLink): MarketPricesConnection;
}

/**
 * The link a v2 market feature connects with: its source, block times read through the hub's
 * live chain port, and the hub's market key (chain id, genesis and market address), so two
 * devnets or two markets on one chain never share points.
 */
export function chainPricesLink(chain: Pick<ChainHub, 'connection'>, source: PriceSource): MarketPricesLink {
  return {
    source,
    blockTime: async (block) => {
      const connection = chain.connection();
      return connection ? ((await connection.port.block(block))?.timestamp ?? null) : null;
    },
    marketKey: () => {
      const connection = chain.connection();
      return connection ? marketKeyOf(connection.network) : `v2:${source.chainId()}`;
    },
  };
}

export interface MarketPricesFeatureDeps {
  dataDir: string;
  logger: Logger;
  clock: Clock;
  /** Tests pass a fake store. */
  openStore?: (file: string) => PricePointStore;
}

export function createMarketPricesFeature(deps: MarketPricesFeatureDeps): MarketPricesFeature {
  let ctx: AgentFeatureContext | null = null;
  let store: PricePointStore | null = null;
  let storeProblem: string | null = null;
  let link: MarketPricesLink | null = null;
  const now = () => Math.floor(deps.clock.now().getTime() / 1000);

  const openStore = (): PricePointStore | null => {
    if (store || storeProblem) return store;
    const file = join(deps.dataDir, MARKET_PRICES_FILE);
    try {
      store = deps.openStore ? deps.openStore(file) : openSqlitePriceStore(file, { logger: deps.logger, now: () => deps.clock.now() });
    } catch (error) {
      storeProblem = error instanceof Error ? error.message : String(error);
      deps.logger.error('market prices: the price store could not be opened; market prices are off', { file, reason: storeProblem });
    }
    return store;
  };

  const history = createMarketPriceHistory({
    // A store that cannot open leaves the history without a source: it answers "none".
    store: {
      replaceJob: (...args) => openStore()?.replaceJob(...args),
      removeAbove: (...args) => openStore()?.removeAbove(...args) ?? 0,
      pruneBefore: (...args) => openStore()?.pruneBefore(...args) ?? 0,
      list: (...args) => openStore()?.list(...args) ?? [],
      close: () => store?.close(),
    },
    source: () => (link && openStore() ? link.source : null),
    clock: deps.clock,
    blockTime: (block) => link?.blockTime(block) ?? Promise.resolve(null),
    detection: () => ctx?.detection() ?? null,
    marketKey: () => (link?.source ? (link.marketKey?.() ?? `v2:${link.source.chainId()}`) : 'none'),
    onChange: (points) => ctx?.emit('marketPricesUpdated', { points }),
    logger: deps.logger,
  });

  const answer = async (): Promise<MarketPrices> => {
    if (storeProblem) return noMarketPrices(machineClasses(ctx?.detection() ?? null), now(), `Market prices are off: the price store could not be opened (${storeProblem}).`);
    return history.prices();
  };

  return {
    name: 'market-prices',
    handlers: { getMarketPrices: answer },
    start(context) {
      ctx = context;
    },
    connect(next) {
      link = next;
      const mine = next;
      void history.update();
      return {
        update: (ids) => (link === mine ? history.update(ids) : Promise.resolve()),
        rewindTo: (block) => {
          if (link === mine) history.rewindTo(block);
        },
        disconnect: () => {
          if (link !== mine) return;
          link = null;
          ctx?.emit('marketPricesUpdated', { points: 0 });
        },
      };
    },
    async stop() {
      link = null;
      store?.close();
      store = null;
    },
  };
}
