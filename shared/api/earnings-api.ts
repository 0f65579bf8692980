/**
 * The earnings part of the API contract (spread into shared/api/contract.ts). Kept in its own
 * file so each feature's calls and events sit beside each other.
 */
import { z } from 'zod';
import {
  EarningsBucketSizeSchema,
  EarningsRangeSchema,
  EarningsReportSchema,
  LedgerJobSchema,
  LedgerUpdatedSchema,
  TelemetrySeriesSchema,
} from '../domain/earnings';
import { defineCall, EmptyRequest } from './define-call';

export const earningsCalls = {
  /**
   * Earnings per bucket over a range ending now (buckets in the schedule's time zone), with
   * totals, hours rented vs available and the "at this rate" projection.
   */
  getEarnings: defineCall(
    z.object({ range: EarningsRangeSchema, bucket: EarningsBucketSizeSchema.optional() }).strict(),
    EarningsReportSchema,
  ),
  /** The ledger's jobs on the current chain for the current wallet, newest first. */
  listLedgerJobs: defineCall(
    z.object({ limit: z.number().int().min(1).max(500).default(50), offset: z.number().int().min(0).optional() }).strict(),
    z.object({ total: z.number().int(), jobs: z.array(LedgerJobSchema) }),
  ),
  /** Power and temperature of one device, downsampled by the agent to a few thousand points at most. */
  getTelemetrySeries: defineCall(
    z.object({ deviceId: z.string().min(1).max(200).optional(), range: EarningsRangeSchema }).strict(),
    TelemetrySeriesSchema,
  ),
  /** The whole ledger of the current chain as CSV text (the UI saves it as a file). */
  exportLedgerCsv: defineCall(EmptyRequest, z.object({ filename: z.string(), csv: z.string() })),
  /**
   * The price of the gas coin in micros (e.g. "3000000000" for 3,000 USD per ETH), or null.
   * Only with a price does net subtract gas; RigShift never guesses one.
   */
  setGasCoinPrice: defineCall(
    z.object({ microsPerCoin: z.string().regex(/^[0-9]{1,24}$/, 'Enter whole micros, e.g. 3000000000 for 3,000 USD.').nullable() }).strict(),
    z.object({ microsPerCoin: z.string().nullable() }),
  ),
} as const;

export const earningsEvents = {
  /** The ledger changed (reconciled with the chain, a job annotated): refetch what you show. */
  ledgerUpdated: LedgerUpdatedSchema,
} as const;
