/**
 * The market prices part of the API contract (issue 12, item 3; spread into contract.ts):
 * what jobs for this card paid on the v2 market. Answered by electron/agent/market-prices.
 */
import { z } from 'zod';
import { MarketPricesSchema } from '../domain/market-prices';
import { defineCall, EmptyRequest } from './define-call';

export const marketPricesCalls = {
  /**
   * Awards seen on chain for the hardware classes this machine's card runs: median and range
   * over 24 h and 7 d, hourly medians for a chart. status 'none' with a message when there is
   * no v2 market or no award yet (the suggestion then falls back to the reference table).
   */
  getMarketPrices: defineCall(EmptyRequest, MarketPricesSchema),
} as const;

export const marketPricesEvents = {
  /** Price points were added or removed: refetch getMarketPrices. */
  marketPricesUpdated: z.object({ points: z.number().int().min(0) }),
} as const;
