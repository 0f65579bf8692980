import { z } from 'zod';
import { ACTIVE_PROVIDER_STATE_SET } from './provider-job-machine';
import { MarketJobV2Schema, V2ProviderRecordViewSchema } from './market-v2-view';

/**
 * The marketplace as this provider sees it: jobs posted on chain (read from the market's
 * events), the verdict of the one evaluation function on each (market-evaluation.ts), and
 * this provider's own record of every job it touched, with every transaction it sent.
 *
 * Token amounts are the stablecoin's base unit (6 decimals = micro-dollars), carried as
 * decimal strings over the API (bigint does not survive JSON); parse them with BigInt().
 * Chain times (claimBy, runBy...) are ISO strings of the block timestamps.
 */

/** A non-negative integer amount of token base units, as a decimal string. */
export const MicrosStringSchema = z.string().regex(/^[0-9]{1,78}$/, 'An amount is a non-negative integer in decimal.');

export const MarketTxKindSchema = z.enum([
  'transfer',
  'sweep',
  'approve',
  'stake',
  'claim',
  'submit',
  'release',
  'finalize',
  'withdraw',
  'other',
]);
export type MarketTxKind = z.infer<typeof MarketTxKindSchema>;

/** One transaction the provider sent for a job (or for its stake and withdrawals). */
export const MarketTxSchema = z.object({
  kind: MarketTxKindSchema,
  hash: z.string(),
  status: z.enum(['pending', 'confirmed', 'failed']),
  /** When it was sent (ISO). */
  at: z.string(),
  blockNumber: z.number().int().nullable(),
  /** The account nonce it was sent with: after a restart, a nonce below ours on chain means it was mined (or replaced). */
  nonce: z.number().int().optional(),
});
export type MarketTx = z.infer<typeof MarketTxSchema>;

/** The job's state in the contract. */
export const ChainJobStateSchema = z.enum(['open', 'claimed', 'submitted', 'settled', 'refunded']);
export type ChainJobState = z.infer<typeof ChainJobStateSchema>;

/**
 * This provider's state for a job:
 * seen → claiming → claimed → running → uploading → submitted → settled,
 * or released (preemptible job given back, paid for time served), refunded (the requester got
 * the escrow back: we never ran it before runBy), failed-to-claim (our claim reverted or could
 * not be sent), lost-to-other (another provider claimed it first).
 */
export const ProviderJobStateSchema = z.enum([
  'seen',
  'claiming',
  'claimed',
  'running',
  'uploading',
  'submitted',
  'settled',
  'released',
  'refunded',
  'failed-to-claim',
  'lost-to-other',
]);
export type ProviderJobState = z.infer<typeof ProviderJobStateSchema>;

/**
 * States in which the job still needs this provider (a chain tx, a run or an upload),
 * derived from the state machine's table (provider-job-machine.ts), which also answers
 * isTerminal / isBusy / holdsDevice.
 */
export const ACTIVE_PROVIDER_STATES: readonly ProviderJobState[] = [...ACTIVE_PROVIDER_STATE_SET];

/** What the posted document says, in a few fields for the Market page. */
export const MarketJobSummarySchema = z.object({
  name: z.string(),
  image: z.string(),
  resources: z.object({
    gpus: z.number().int(),
    minVramMiB: z.number().int(),
    cpus: z.number(),
    memoryMiB: z.number().int(),
    scratchMiB: z.number().int(),
  }),
  network: z.enum(['none', 'egress']),
  description: z.string().nullable(),
  /** Host of the upload URL (the full URL is in the detail). */
  uploadHost: z.string(),
});
export type MarketJobSummary = z.infer<typeof MarketJobSummarySchema>;

/** The evaluation's answer: fits or not, every reason in words, and the ask it would claim at. */
export const MarketVerdictSchema = z.object({
  fits: z.boolean(),
  /** Every reason it does not fit, most important first; empty when it fits. */
  reasons: z.array(z.string()),
  /** The price this provider would claim at (its own floor), when known. */
  askMicrosPerHour: MicrosStringSchema.nullable(),
  /** The device it would run on ('cpu' or a GPU UUID), when one fits. */
  deviceId: z.string().nullable(),
});
export type MarketVerdict = z.infer<typeof MarketVerdictSchema>;

/**
 * The provider's own record of a job it claimed or tried to claim; also the `marketJob`
 * event payload (the ledger annotates its rows with device and run window from it, but
 * takes money figures only from chain events).
 */
export const ProviderJobSchema = z.object({
  chainJobId: z.string(),
  chainId: z.number().int(),
  marketAddress: z.string(),
  state: ProviderJobStateSchema,
  requester: z.string(),
  /** Our ask in micros per hour (what we claimed at). */
  askMicrosPerHour: MicrosStringSchema,
  maxDurationSeconds: z.number().int(),
  preemptible: z.boolean(),
  /** Claim attempt number on chain (a reopened job's second claim is attempt 2). */
  attempt: z.number().int().nullable(),
  /** Billed seconds we submitted, or the seconds served on a release. */
  billedSeconds: z.number().int().nullable(),
  deviceId: z.string().nullable(),
  /** The sandbox runner's job id (the Jobs page record). */
  localJobId: z.string().nullable(),
  claimedAt: z.string().nullable(),
  runStartedAt: z.string().nullable(),
  runEndedAt: z.string().nullable(),
  submittedAt: z.string().nullable(),
  /** Settled, released or refunded. */
  closedAt: z.string().nullable(),
  /** Payment to us (after the fee) once settled or released, from the chain event. */
  grossMicros: MicrosStringSchema.nullable(),
  feeMicros: MicrosStringSchema.nullable(),
  /** Where the results were uploaded. */
  resultUri: z.string().nullable(),
  outputsDigest: z.string().nullable(),
  /** One line for the owner: "Running on RTX 4090", "Waiting for the requester (finalize after 12:04)". */
  message: z.string(),
  /** Something that needs the owner's attention (a failed upload, a job we cannot run any more). */
  problem: z.string().nullable(),
  txs: z.array(MarketTxSchema),
  /**
   * Whether the results reached the requester: 'uploaded'; 'kept-locally' when the upload
   * endpoint failed and the commitment was submitted anyway before runBy so the stake is
   * safe (the results stay on this machine for re-delivery). Absent before the run ends.
   */
  delivery: z.enum(['uploaded', 'kept-locally']).optional(),
  /** When the job's result files on this machine are removed (ISO; set when the job closes). */
  resultsRemoveAt: z.string().nullable().optional(),
  /** When they were removed (ISO). */
  resultsRemovedAt: z.string().nullable().optional(),
  /**
   * A job that is not preemptible and was stopped (a game, the agent restarting) starts
   * again from the beginning: how often, and the seconds of run thrown away in all. Shown
   * on the job; absent while it never restarted.
   */
  restarts: z.object({ count: z.number().int().positive(), lostSeconds: z.number().int().nonnegative() }).optional(),
  updatedAt: z.string(),
});
export type ProviderJob = z.infer<typeof ProviderJobSchema>;

/** A job on the market, with the verdict and (if we touched it) our record. */
export const MarketJobSchema = z.object({
  chainJobId: z.string(),
  chainId: z.number().int(),
  requester: z.string(),
  maxPricePerHourMicros: MicrosStringSchema,
  /** Escrow remaining in the contract. */
  escrowMicros: MicrosStringSchema,
  maxDurationSeconds: z.number().int(),
  claimBy: z.string(),
  runBy: z.string(),
  preemptible: z.boolean(),
  postedBlock: z.number().int(),
  postedTx: z.string(),
  chainState: ChainJobStateSchema,
  /** The provider holding the claim (ours or another's), null while open. */
  provider: z.string().nullable(),
  /** The claiming provider's ask, null while open. */
  askMicrosPerHour: MicrosStringSchema.nullable(),
  attempt: z.number().int(),
  /** Parsed document; null when the document is not a valid RigShift job (see documentError). */
  summary: MarketJobSummarySchema.nullable(),
  documentError: z.string().nullable(),
  verdict: MarketVerdictSchema,
  mine: ProviderJobSchema.nullable(),
  /** Market v2 only (market-v2-view.ts): the auction, replicas, verification and the requester's record. */
  v2: MarketJobV2Schema.optional(),
});
export type MarketJob = z.infer<typeof MarketJobSchema>;

/** The detail page: everything above plus the posted document as it was on chain. */
export const MarketJobDetailSchema = MarketJobSchema.extend({
  /** The spec string from the JobPosted event (pretty JSON where it parsed). */
  document: z.string(),
  specHash: z.string(),
  uploadUrl: z.string().nullable(),
});
export type MarketJobDetail = z.infer<typeof MarketJobDetailSchema>;

export const BiddingBlockCodeSchema = z.enum([
  'bidding-off', // the owner switched bidding off
  'one-shot', // a one-shot CLI command: never bids
  'chain-offline', // RPC unreachable or wrong chain
  'no-wallet',
  'wallet-locked',
  'no-stake', // not enough free stake and not enough tUSD to deposit it
  'no-gas', // the wallet cannot pay for transactions
  'syncing', // the indexer is still catching up with the chain
  'no-device', // every device is paused by availability (the reason is in the message)
  'busy', // every available device already runs a market job
  'disk-full', // the wallet cannot store its transaction records: nothing is signed until space returns
]);
export type BiddingBlockCode = z.infer<typeof BiddingBlockCodeSchema>;

export const MarketStatusSchema = z.object({
  /** The owner's switch (settings.market.bidding). */
  biddingWanted: z.boolean(),
  /** Whether the agent is claiming jobs right now. */
  biddingActive: z.boolean(),
  /** Why not, most important first (empty when active). */
  blocks: z.array(z.object({ code: BiddingBlockCodeSchema, message: z.string() })),
  chain: z.object({
    state: z.enum(['disabled', 'connecting', 'online', 'offline', 'wrong-chain']),
    label: z.string().nullable(),
    chainId: z.number().int().nullable(),
    marketAddress: z.string().nullable(),
    isDevnet: z.boolean(),
  }),
  wallet: z.object({ address: z.string().nullable(), unlocked: z.boolean() }),
  /** From the contract; null until read. */
  stake: z
    .object({
      freeMicros: MicrosStringSchema,
      lockedMicros: MicrosStringSchema,
      minStakeMicros: MicrosStringSchema,
    })
    .nullable(),
  /** Earned and not yet withdrawn (the contract's credit for us). */
  creditMicros: MicrosStringSchema.nullable(),
  indexer: z.object({
    /** Last block whose events were applied. */
    block: z.number().int().nullable(),
    headBlock: z.number().int().nullable(),
    syncing: z.boolean(),
    lastError: z.string().nullable(),
  }),
  counts: z.object({
    /** Open jobs seen on the market. */
    open: z.number().int(),
    /** Open jobs that fit this provider now. */
    fitting: z.number().int(),
    /** Our jobs in claiming/claimed/running/uploading/submitted. */
    active: z.number().int(),
    settled: z.number().int(),
    /** Jobs that need the owner's attention. */
    problems: z.number().int(),
  }),
  /** Things the agent did on its own that the owner should know (e.g. "Funded from the devnet faucet"). */
  notices: z.array(z.string()),
  updatedAt: z.string(),
  /** Market v2 only: the contract's version (absent: 1) and this provider's own record (null without a wallet). */
  marketVersion: z.union([z.literal(1), z.literal(2)]).optional(),
  myRecord: V2ProviderRecordViewSchema.nullable().optional(),
});
export type MarketStatus = z.infer<typeof MarketStatusSchema>;

/** Batched list updates for the Market page (at most a few per second). */
export const MarketJobsUpdateSchema = z.object({
  /** Jobs new or changed since the last batch. */
  upserts: z.array(MarketJobSchema),
  /** Jobs no longer listed (a chain rewind removed them). */
  removed: z.array(z.string()),
  /** The indexer rebuilt its view (a new chain or a reorg): reload with getMarket. */
  reset: z.boolean(),
});
export type MarketJobsUpdate = z.infer<typeof MarketJobsUpdateSchema>;

export const MarketOverviewSchema = z.object({
  status: MarketStatusSchema,
  /** Open jobs, best fitting first, then by price; at most `limit`. */
  open: z.array(MarketJobSchema),
  openTotal: z.number().int(),
  /** Jobs this provider touched, newest first. */
  mine: z.array(MarketJobSchema),
});
export type MarketOverview = z.infer<typeof MarketOverviewSchema>;
