import { describe, expect, it } from 'vitest';
import { applyMarketEvent, marketStateFrom } from '../../../renderer/features/market/market-state';
import { marketJob, marketStatus, providerJob } from './market-fixtures';

const initial = () =>
  marketStateFrom({
    status: marketStatus(),
    open: [marketJob('1'), marketJob('2')],
    openTotal: 2,
    mine: [marketJob('3', { chainState: 'claimed', mine: providerJob({ chainJobId: '3' }) })],
  });

describe('market page state', () => {
  it('holds open jobs and mine in one map', () => {
    expect([...initial().jobs.keys()].sort()).toEqual(['1', '2', '3']);
  });

  it('applies batched upserts and removals; a job claimed by us moves out of the open list', () => {
    const { state, reload } = applyMarketEvent(initial(), {
      name: 'marketJobs',
      payload: {
        upserts: [marketJob('1', { chainState: 'claimed', mine: providerJob({ chainJobId: '1' }) }), marketJob('4')],
        removed: ['2'],
        reset: false,
      },
    });
    expect(reload).toBe(false);
    expect([...state.jobs.keys()].sort()).toEqual(['1', '3', '4']);
    expect(state.jobs.get('1')?.chainState).toBe('claimed');
  });

  it('asks for a reload on a reset, and on a job of ours it has never seen', () => {
    const start = initial();
    const reset = applyMarketEvent(start, { name: 'marketJobs', payload: { upserts: [], removed: [], reset: true } });
    expect(reset).toEqual({ state: start, reload: true });
    const unknown = applyMarketEvent(start, { name: 'marketJob', payload: providerJob({ chainJobId: '99' }) });
    expect(unknown).toEqual({ state: start, reload: true });
  });

  it('updates our record of a job, and ignores an older update that arrives late', () => {
    const newer = providerJob({ chainJobId: '3', state: 'running', updatedAt: '2025-01-01T00:02:00.000Z' });
    const { state } = applyMarketEvent(initial(), { name: 'marketJob', payload: newer });
    expect(state.jobs.get('3')?.mine?.state).toBe('running');
    const older = providerJob({ chainJobId: '3', state: 'claimed', updatedAt: '2025-01-01T00:01:30.000Z' });
    const late = applyMarketEvent(state, { name: 'marketJob', payload: older });
    expect(late.state).toBe(state);
  });

  it('takes the newest status and its open count; other events change nothing', () => {
    const start = initial();
    const status = marketStatus({ biddingActive: false, counts: { open: 7, fitting: 1, active: 1, settled: 0, problems: 0 } });
    const { state } = applyMarketEvent(start, { name: 'marketStatus', payload: status });
    expect(state.status).toBe(status);
    expect(state.openTotal).toBe(7);
    expect(applyMarketEvent(start, { name: 'detecting', payload: { detecting: true } }).state).toBe(start);
  });
});
