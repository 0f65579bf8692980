/**
 * Every query the renderer keeps, by key. One place, so the event mapping (live-events.ts)
 * and the hooks that read a query cannot disagree on a key.
 */
export const queryKeys = {
  wallet: ['wallet'] as const,
  walletTxs: ['wallet', 'txs'] as const,
  /** Token received (the token's Transfer events to the wallet), newest first. */
  walletIncoming: ['wallet', 'incoming'] as const,
  /** The key-derivation progress of an unlock in flight (0..1), null when none. */
  walletUnlock: ['wallet', 'unlock'] as const,
  marketStatus: ['market', 'status'] as const,
  chainStatus: ['chain', 'status'] as const,
  /** Everything read from the earnings ledger: invalidated as a whole on `ledgerUpdated`. */
  ledger: ['ledger'] as const,
  /** The agent's snapshot (settings, detection, checks, benchmark, availability, jobs). */
  snapshot: ['snapshot'] as const,
  /** The Market page's list: status and every job it knows (market-state.ts). */
  marketList: ['market', 'list'] as const,
  /** What jobs for this card paid on the v2 market (getMarketPrices): invalidated on `marketPricesUpdated`. */
  marketPrices: ['marketPrices'] as const,
  /** Every log tail of one job (one query per size asked for). */
  /** The latest progress label of one job (events only: nothing to load). */
  jobProgress: (jobId: string) => ['jobProgress', jobId] as const,
  jobLogs: (jobId: string) => ['jobLog', jobId] as const,
  jobLogTail: (jobId: string, max: number) => ['jobLog', jobId, max] as const,
};
