/**
 * What the market feature knows about the chain it is connected to: which chain (its key),
 * the contract's constants, our account (stake, credit, balances; read at most every 2 s
 * unless forced) and the latest block time. Switching chains hands the provider that
 * chain's job records and a ProviderChain for it.
 */
import type { JobSpec } from '../../../shared/domain/job';
import { type ChainConnection, marketKeyOf } from '../chain/chain-hub';
import type { Clock, Logger } from '../ports';
import type { WalletAccess } from '../wallet/wallet-access';
import { type AccountReads, latestBlockTime, type MarketConstants, readAccount, readConstants } from './chain-reads';
import type { MarketProvider } from './market-provider';
import { createProviderChain, type ProviderChain } from './provider-chain';
import type { ProviderRecords } from './provider-records';

export interface MarketChainState {
  /** Makes sure the provider works on `connection`'s chain; returns its ProviderChain. */
  ensure(connection: ChainConnection): Promise<ProviderChain>;
  refreshAccount(connection: ChainConnection, force?: boolean): Promise<AccountReads | null>;
  readTime(connection: ChainConnection): Promise<number>;
  constants(): MarketConstants | null;
  account(): AccountReads | null;
  chainTime(): number;
}

export function createMarketChainState(deps: {
  wallet: WalletAccess;
  records: ProviderRecords;
  provider: MarketProvider;
  logger: Logger;
  clock: Clock;
  specOf: (id: string) => JobSpec | null;
}): MarketChainState {
  let key: string | null = null;
  let me: string | null = null;
  let constants: MarketConstants | null = null;
  let account: AccountReads | null = null;
  let accountReadAt = 0;
  let accountReadHead: number | null = null;
  let chainTime = 0;
  let chain: ProviderChain | null = null;
  return {
    async ensure(connection) {
      const next = marketKeyOf(connection.network);
      const address = deps.wallet.address()?.toLowerCase() ?? '';
      if (next === key && address === me && constants && chain) return chain;
      constants = await readConstants(connection);
      const sameChain = next === key;
      key = next;
      me = address;
      account = null;
      chain = createProviderChain({ connection, wallet: deps.wallet, wallNow: () => deps.clock.now().getTime() });
      const context = { chain, chainKey: next, constants, me: address, chainId: connection.network.chainId, marketAddress: connection.network.marketAddress };
      if (sameChain) {
        deps.provider.updateContext(context);
        return chain;
      }
      const loaded = deps.records.load(next);
      deps.provider.setContext(context, loaded, deps.specOf);
      if (loaded.length > 0) deps.logger.info('market job records loaded', { chain: next, jobs: loaded.length });
      return chain;
    },
    async refreshAccount(connection, force = false) {
      const address = deps.wallet.address();
      if (!address) return account;
      // Stake, credit and balances change only with a block: read again when the head moved
      // (at most every 2 s), or every 30 s whatever happens, or when asked to.
      const headNow = connection.port.head()?.number ?? null;
      const age = Date.now() - accountReadAt;
      if (!force && age < 2000) return account;
      if (!force && headNow !== null && headNow === accountReadHead && age < 30_000) return account;
      account = await readAccount(connection, address);
      accountReadAt = Date.now();
      accountReadHead = headNow;
      return account;
    },
    async readTime(connection) {
      chainTime = await latestBlockTime(connection);
      return chainTime;
    },
    constants: () => constants,
    account: () => account,
    chainTime: () => chainTime,
  };
}
