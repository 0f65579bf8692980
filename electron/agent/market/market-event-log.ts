/**
 * Builds the one market event log (market-indexer.ts) for an agent: fed by the chain hub's
 * connection and its one head stream, with the market's confirmations policy (0 on a local
 * devnet, a few blocks elsewhere) and reopen window. Created once at composition and shared:
 * the market feature folds it into the job book and the provider's records, the ledger
 * into its rows.
 */
import type { ChainHub } from '../chain/chain-hub';
import { CUSTOM_NETWORK_CONFIRMATIONS } from '../chain/local-chain-rules';
import type { Clock, Logger } from '../ports';
import { isLocalChain, readConstants } from './chain-reads';
import { createMarketIndexer, type GetLogs, type MarketIndexer } from './market-indexer';

export interface MarketEventLogDeps {
  chain: ChainHub;
  dataDir: string;
  logger: Logger;
  clock: Clock;
  /** Our wallet's address: its jobs and withdrawals are always kept. */
  account: () => string | null;
  /** Confirmations on networks that are not local (default 2). */
  confirmations?: number;
  getLogs?: GetLogs;
  /** Only without a head stream (tests): how often to poll. */
  pollMs?: number;
}

export function createMarketEventLog(deps: MarketEventLogDeps): MarketIndexer {
  return createMarketIndexer({
    connection: () => deps.chain.connection(),
    reportFailure: (error) => deps.chain.reportFailure(error),
    getLogs: deps.getLogs,
    dataDir: deps.dataDir,
    logger: deps.logger,
    clock: deps.clock,
    account: deps.account,
    confirmations: (connection) => (isLocalChain(connection.network) ? 0 : deps.confirmations ?? CUSTOM_NETWORK_CONFIRMATIONS),
    reopenClaimWindow: async (connection) => (await readConstants(connection)).reopenClaimWindow,
    onHead: (listener) => deps.chain.onHead(listener),
    pollMs: deps.pollMs,
  });
}
