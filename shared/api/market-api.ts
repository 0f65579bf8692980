/**
 * The market part of the API contract (spread into shared/api/contract.ts). Kept in its own
 * file so each feature's calls and events sit beside each other.
 */
import { z } from 'zod';
import { ChainStatusSchema } from '../domain/chain';
import {
  MarketJobDetailSchema,
  MarketJobsUpdateSchema,
  MarketOverviewSchema,
  MarketStatusSchema,
  ProviderJobSchema,
} from '../domain/market';
import { defineCall, EmptyRequest } from './define-call';

const ChainJobIdSchema = z.string().regex(/^[1-9][0-9]{0,77}$/, 'A job id is a positive integer.');

export const marketCalls = {
  /** Status, open jobs seen (with verdicts; at most `limit`, default 200) and this provider's jobs. */
  getMarket: defineCall(
    z.object({ limit: z.number().int().min(1).max(2000).optional() }).strict(),
    MarketOverviewSchema,
  ),
  /** One job with its posted document and every transaction this provider sent for it. */
  getMarketJob: defineCall(z.object({ chainJobId: ChainJobIdSchema }).strict(), MarketJobDetailSchema),
  /** The owner's bidding switch (the same as updateSettings market.bidding). */
  setBidding: defineCall(z.object({ on: z.boolean() }).strict(), MarketStatusSchema),
  /**
   * The owner gives a claimed preemptible job back: the run stops, the job is released on
   * chain (paid for the time served) and reopens for others.
   */
  releaseMarketJob: defineCall(z.object({ chainJobId: ChainJobIdSchema }).strict(), ProviderJobSchema),
  /** Withdraws everything the contract credits to this provider now (otherwise batched). */
  withdrawEarnings: defineCall(EmptyRequest, z.object({ txHash: z.string().nullable(), amountMicros: z.string() })),
  // --- added by the CHAIN/DEVNET helper (electron/agent/chain/chain-feature.ts) ---
  /** Where the chain connection stands now (the same payload as the `chainStatus` event). */
  getChainStatus: defineCall(EmptyRequest, ChainStatusSchema),
} as const;

export const marketEvents = {
  /** Where the chain connection stands (the chain hub's status). */
  chainStatus: ChainStatusSchema,
  /** Bidding on/off and why, stake, credit, indexer progress, counts. */
  marketStatus: MarketStatusSchema,
  /** A job this provider touched changed (also what the ledger annotates its rows with). */
  marketJob: ProviderJobSchema,
  /** Batched changes of the market list. */
  marketJobs: MarketJobsUpdateSchema,
} as const;
