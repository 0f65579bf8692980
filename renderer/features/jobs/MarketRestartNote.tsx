import { useMarketList } from '../../lib/query/followed-hooks';
import { RestartNote } from '../market/RestartNote';
import { restartsOfRun } from './market-restarts';

/** On a market job's run: restarted from the beginning, and the unpaid time lost (as on the Market page). */
export function MarketRestartNote({ jobId, block = false }: { jobId: string; block?: boolean }) {
  const { state } = useMarketList();
  const restarts = state ? restartsOfRun(state.jobs.values(), jobId) : null;
  return restarts ? <RestartNote restarts={restarts} testId={`job-restarts-${jobId}`} block={block} /> : null;
}
