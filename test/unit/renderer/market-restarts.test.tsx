import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { isMarketRun, restartsOfRun } from '../../../renderer/features/jobs/market-restarts';
import { RestartNote } from '../../../renderer/features/market/RestartNote';
import { marketJob, providerJob } from './market-fixtures';

const RUN = 'market-31337-7-a1b2c3';
const restarted = marketJob('7', {
  mine: providerJob({ chainJobId: '7', state: 'running', preemptible: false, localJobId: RUN, restarts: { count: 2, lostSeconds: 185 } }),
});

describe('the restart note on the Jobs page', () => {
  it('finds the restarts of the market job whose current run it is', () => {
    const other = marketJob('8', { mine: providerJob({ chainJobId: '8', localJobId: 'market-31337-8-000000' }) });
    expect(restartsOfRun([other, restarted, marketJob('9')], RUN)).toEqual({ count: 2, lostSeconds: 185 });
  });

  it('says nothing for another run, a job that never restarted, or a job that is not ours', () => {
    expect(restartsOfRun([restarted], 'market-31337-7-ffffff')).toBeNull();
    expect(restartsOfRun([marketJob('8', { mine: providerJob({ chainJobId: '8', localJobId: RUN }) })], RUN)).toBeNull();
    expect(restartsOfRun([marketJob('9')], RUN)).toBeNull();
  });

  it('tells market runs from local jobs by the provider’s run names', () => {
    expect(isMarketRun(RUN)).toBe(true);
    expect(isMarketRun('job-1')).toBe(false);
  });

  it('shows the same words as the Market page, as a note', () => {
    const line = renderToStaticMarkup(<RestartNote restarts={{ count: 2, lostSeconds: 185 }} testId="job-restarts-x" />);
    expect(line).toBe(
      '<span class="small" role="note" data-testid="job-restarts-x">Restarted from the beginning 2 times (not preemptible): 3 min 05 s of unpaid work lost.</span>',
    );
    const block = renderToStaticMarkup(<RestartNote restarts={{ count: 1, lostSeconds: 47 }} testId="job-restarts-y" block />);
    expect(block).toBe('<p class="notice small" role="note" data-testid="job-restarts-y">Restarted from the beginning once (not preemptible): 47 s of unpaid work lost.</p>');
  });
});
