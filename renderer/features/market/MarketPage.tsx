import { useMemo } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Spinner } from '../../components/Spinner';
import { ChainStrip } from './ChainStrip';
import { MarketFilters } from './MarketFilters';
import { MyJobs } from './MyJobs';
import { OpenJobs } from './OpenJobs';
import { chainFromHub } from './market-view';
import { useMarketList } from '../../lib/query/followed-hooks';
import { useChainStatus } from './use-chain-status';

/**
 * The marketplace as this PC sees it: the chain and whether it is bidding, the open jobs
 * (which fit and why not), the jobs it claimed, and the owner's rules. Live from events.
 */
export function MarketPage() {
  const market = useMarketList();
  const chain = useChainStatus();
  const { state, error } = market;
  const jobs = useMemo(() => (state ? [...state.jobs.values()] : []), [state]);
  const status = useMemo(() => (state ? { ...state.status, chain: chainFromHub(chain, state.status.chain) } : null), [state, chain]);
  return (
    <>
      <h1 className="visually-hidden">Market</h1>
      {error ? (
        <div className="card" data-testid="market-load-error">
          <ErrorNotice error={error} />
          <button type="button" className="button-primary" onClick={market.reload}>
            Try again
          </button>
        </div>
      ) : null}
      {state && status ? (
        <>
          <ChainStrip status={status} hub={chain} />
          <MyJobs jobs={jobs} status={status} />
          <OpenJobs jobs={jobs} openTotal={state.openTotal} status={status} />
          <MarketFilters />
        </>
      ) : error ? null : (
        <p className="muted" data-testid="market-loading">
          <Spinner /> Reading the market…
        </p>
      )}
    </>
  );
}
