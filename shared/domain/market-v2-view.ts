import { z } from 'zod';

/**
 * What the Market page, the job detail and the dashboard show of a market v2 job
 * (docs/MARKET-V2.md): the reverse auction, the replicas and their verification, and the
 * records (reputation) every account has on chain. Built by the agent from the v2 book
 * (electron/agent/market-v2/v2-market-view.ts); optional on the v1 shapes, so a v1 market
 * sends exactly what it sent before.
 *
 * Amounts are micro-dollars as decimal strings (as in market.ts); times are ISO strings of
 * chain (block) time.
 */

const Micros = z.string().regex(/^[0-9]{1,78}$/, 'An amount is a non-negative integer in decimal.');
const Count = z.number().int().nonnegative();

/**
 * This provider in the auction: 'bidding' while its ask stands and the job is not awarded,
 * 'won' once it holds a slot, 'lost' once awarded to others (or its bid was displaced by
 * lower asks), 'not-bidding' when it never bid.
 */
export const V2AuctionOutcomeSchema = z.enum(['bidding', 'won', 'lost', 'not-bidding']);
export type V2AuctionOutcome = z.infer<typeof V2AuctionOutcomeSchema>;

export const V2RoundKindSchema = z.enum(['main', 'tiebreak', 'verify']);
export type V2RoundKind = z.infer<typeof V2RoundKindSchema>;

export const V2AuctionViewSchema = z.object({
  /** 1 for the job's first round; a tiebreak or a dispute's verifier round is auctioned again. */
  roundNo: z.number().int().positive(),
  round: V2RoundKindSchema,
  /** When bidding closes (ISO). */
  bidEndsAt: z.string(),
  /** Bids standing (at the close, or now while open). */
  bids: Count,
  /** The lowest asks standing, lowest first (at most 3). */
  lowestAsksMicros: z.array(Micros).max(3),
  /** Our ask in this round; null when we did not bid. */
  ourAskMicros: Micros.nullable(),
  /** The uniform price every winner is paid (the lowest losing ask, or the max price); null until awarded. */
  pricePaidMicros: Micros.nullable(),
  outcome: V2AuctionOutcomeSchema,
});
export type V2AuctionView = z.infer<typeof V2AuctionViewSchema>;

export const V2ReplicasViewSchema = z.object({
  /** Providers the job asks for (1–3). */
  wanted: z.number().int().min(1).max(3),
  /** Slots of the main rounds (main and tiebreak) that committed a result, revealed or not. */
  committed: Count,
  revealed: Count,
  /** How many revealed the most common digest (the majority when ≥ 2). */
  agreed: Count,
  slashed: Count,
});
export type V2ReplicasView = z.infer<typeof V2ReplicasViewSchema>;

export const V2DisputeStateSchema = z.enum(['none', 'open', 'upheld', 'rejected', 'lapsed']);
export type V2DisputeState = z.infer<typeof V2DisputeStateSchema>;

export const V2VerificationViewSchema = z.object({
  /** The job declared the same inputs give the same outputs digest (replicas > 1 and disputes need it). */
  deterministic: z.boolean(),
  /** 'upheld': the verifier agreed with the provider; 'rejected': it did not; 'lapsed': no verifier came. */
  dispute: V2DisputeStateSchema,
  /** The bond the requester posted to dispute; null without a dispute. */
  disputeBondMicros: Micros.nullable(),
  /** When the single replica's result can no longer be disputed (ISO); null when unknown or not waiting. */
  challengeEndsAt: z.string().nullable(),
  /** Upload URLs the requester asked results to be delivered to again (count only: the URLs are the requester's). */
  redeliveries: Count,
});
export type V2VerificationView = z.infer<typeof V2VerificationViewSchema>;

/** A requester's record (the contract's requesterRecord, folded from its events). */
export const V2RequesterRecordViewSchema = z.object({
  posted: Count,
  accepted: Count,
  disputesWon: Count,
  disputesLost: Count,
  refunds: Count,
});
export type V2RequesterRecordView = z.infer<typeof V2RequesterRecordViewSchema>;

/** A provider's record (the contract's providerRecord, folded from its events). */
export const V2ProviderRecordViewSchema = z.object({
  settled: Count,
  agreed: Count,
  disputesWon: Count,
  disputesLost: Count,
  slashes: Count,
  releases: Count,
  billedSeconds: Count,
  /** The auction's tie-break: settled − 2 × (slashes + disputes lost). */
  score: z.number().int(),
});
export type V2ProviderRecordView = z.infer<typeof V2ProviderRecordViewSchema>;

/** One thing that happened to the job on chain, in words (amounts and counts only: no requester text). */
export const V2StepSchema = z.object({
  block: z.number().int().nonnegative(),
  txHash: z.string(),
  what: z.string(),
  /** This provider did it, or it happened to this provider. */
  ours: z.boolean(),
});
export type V2Step = z.infer<typeof V2StepSchema>;

/** The v2 parts of a market job. */
export const MarketJobV2Schema = z.object({
  /** No bid window: whoever claims first is paid the max price. */
  fixedPrice: z.boolean(),
  /** The auction this provider bid in, else the latest one; null for a fixed-price listing. */
  auction: V2AuctionViewSchema.nullable(),
  /** Auctioned rounds so far (a tiebreak or a verifier round adds one). */
  rounds: z.number().int().nonnegative(),
  replicas: V2ReplicasViewSchema,
  verification: V2VerificationViewSchema,
  /** Settled runs a provider needs to bid (the contract enforces it). */
  minProviderSettled: Count,
  requesterRecord: V2RequesterRecordViewSchema,
  /** What happened on chain, oldest first (the latest 40). */
  history: z.array(V2StepSchema).max(40),
  /** Our slot's state on chain, null when we hold none. */
  ourSlot: z.enum(['running', 'committed', 'revealed', 'released', 'paid', 'slashed', 'freed']).nullable(),
});
export type MarketJobV2 = z.infer<typeof MarketJobV2Schema>;
