import { describe, expect, it, vi } from 'vitest';
import type { AgentEvent } from '../../../shared/api/contract';
import type { Result } from '../../../shared/api/result';
import type { MarketOverview } from '../../../shared/domain/market';
import type { Snapshot } from '../../../shared/domain/snapshot';
import type { ApiClient, ConnectionState } from '../../../renderer/lib/api-client';
import { marketListQuery, snapshotQuery } from '../../../renderer/lib/query/follow-queries';
import { availabilityReport, detection, job, progress, result, snapshot } from './fixtures';
import { marketJob, marketStatus, providerJob } from './market-fixtures';
import { flush, observe } from './query-harness';

/** An API whose getSnapshot and getMarket answer only when the test says so. */
function fakeApi(initial: ConnectionState = 'connected') {
  const listeners = new Set<(e: AgentEvent) => void>();
  let setConnection: (s: ConnectionState) => void = () => {};
  let connection = initial;
  const snapshots: ((r: Result<Snapshot>) => void)[] = [];
  const markets: ((r: Result<MarketOverview>) => void)[] = [];
  const api = {
    getSnapshot: vi.fn(() => new Promise<Result<Snapshot>>((resolve) => snapshots.push(resolve))),
    getMarket: vi.fn(() => new Promise<Result<MarketOverview>>((resolve) => markets.push(resolve))),
    onEvent: (l: (e: AgentEvent) => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    connection: () => connection,
    onConnection: (l: (s: ConnectionState) => void) => {
      setConnection = l;
      return () => {};
    },
  } as unknown as ApiClient;
  return {
    api,
    emit: (e: AgentEvent) => {
      for (const l of [...listeners]) l(e);
    },
    connect: (s: ConnectionState) => {
      connection = s;
      setConnection(s);
    },
    answer: async (r: Result<Snapshot>) => {
      snapshots.shift()?.(r);
      await flush();
    },
    answerMarket: async (r: Result<MarketOverview>) => {
      markets.shift()?.(r);
      await flush();
    },
  };
}

const snapshotView = (fake: ReturnType<typeof fakeApi>) => observe(fake.api, (c) => snapshotQuery(c, fake.api));

describe('the snapshot query', () => {
  it('loads the snapshot, then applies events', async () => {
    const fake = fakeApi();
    const view = snapshotView(fake);
    await fake.answer({ ok: true, value: snapshot() });
    fake.emit({ name: 'detection', payload: detection });
    expect(view.data()?.detection).toEqual(detection);
  });

  it('replays events that arrived while the snapshot request was in flight', async () => {
    const fake = fakeApi();
    const view = snapshotView(fake);
    fake.emit({ name: 'benchmarkProgress', payload: progress('r1') });
    fake.emit({ name: 'benchmarkFinished', payload: result('r1') });
    // The snapshot was taken before the run finished.
    await fake.answer({ ok: true, value: snapshot({ benchmark: { active: progress('r1', 0.1), history: [] } }) });
    const { benchmark } = view.data()!;
    expect(benchmark.active).toBeNull();
    expect(benchmark.history.map((r) => r.id)).toEqual(['r1']);
  });

  it('shows a job that started while the snapshot request was in flight', async () => {
    const fake = fakeApi();
    const view = snapshotView(fake);
    fake.emit({ name: 'jobStarted', payload: job('new', { state: 'running' }) });
    await fake.answer({ ok: true, value: snapshot() });
    expect(view.data()?.jobs.active.map((j) => j.id)).toEqual(['new']);
  });

  it('keeps the error and clears it on the next success', async () => {
    const fake = fakeApi();
    const view = snapshotView(fake);
    await fake.answer({ ok: false, error: { code: 'agent_unreachable', message: 'down' } });
    expect(view.data()).toBeUndefined();
    expect(view.error()).toMatchObject({ error: { code: 'agent_unreachable' } });
    void view.refetch();
    await fake.answer({ ok: true, value: snapshot() });
    expect(view.error()).toBeNull();
    expect(view.data()).toBeDefined();
  });

  it('fetches the snapshot again whenever the connection comes back', async () => {
    const fake = fakeApi('connecting');
    const view = snapshotView(fake);
    expect(fake.api.getSnapshot).toHaveBeenCalledTimes(1);
    await fake.answer({ ok: true, value: snapshot({ detecting: false }) });
    fake.connect('connected');
    expect(fake.api.getSnapshot).toHaveBeenCalledTimes(2);
    await fake.answer({ ok: true, value: snapshot({ detecting: true }) });
    expect(view.data()?.detecting).toBe(true);
    fake.connect('reconnecting');
    fake.connect('connected');
    expect(fake.api.getSnapshot).toHaveBeenCalledTimes(3);
  });

  it('lets only the newest of two overlapping snapshot requests win', async () => {
    const fake = fakeApi();
    const view = snapshotView(fake);
    await fake.answer({ ok: true, value: snapshot() });
    void view.refetch();
    void view.refetch();
    expect(fake.api.getSnapshot).toHaveBeenCalledTimes(3);
    await fake.answer({ ok: true, value: snapshot({ detecting: true }) });
    await fake.answer({ ok: true, value: snapshot({ detecting: false }) });
    expect(view.data()?.detecting).toBe(false);
  });

  it('applies availability events, also those that raced with the request; telemetry re-renders nothing', async () => {
    const fake = fakeApi();
    const view = snapshotView(fake);
    const paused = availabilityReport({
      gpus: [
        {
          gpuUuid: 'cpu',
          gpuName: 'CPU',
          state: 'paused',
          reasons: [{ code: 'manual', message: 'paused by you until you resume' }],
          headline: 'Paused: paused by you until you resume',
          since: '2025-01-01T10:00:00.000Z',
        },
      ],
    });
    fake.emit({ name: 'availability', payload: paused });
    await fake.answer({ ok: true, value: snapshot() });
    expect(view.data()?.availability.gpus[0]?.state).toBe('paused');
    fake.emit({ name: 'availability', payload: availabilityReport() });
    expect(view.data()?.availability.gpus[0]?.state).toBe('available');
    await flush();
    view.resetNotified();
    fake.emit({
      name: 'telemetry',
      payload: {
        uuid: 'GPU-1',
        at: '2025-01-01T10:00:00.000Z',
        powerW: 250,
        temperatureC: 61,
        utilizationGpuPct: null,
        utilizationMemoryPct: null,
        memoryUsedMiB: null,
        memoryTotalMiB: null,
        smClockMHz: null,
        memClockMHz: null,
        throttleReasons: null,
      },
    });
    await flush();
    expect(view.notified()).toBe(0);
  });
});

const overview = (ids: string[]): MarketOverview => ({ status: marketStatus(), open: ids.map((id) => marketJob(id)), openTotal: ids.length, mine: [] });

describe('the Market list query', () => {
  const marketView = (fake: ReturnType<typeof fakeApi>) => observe(fake.api, (c) => marketListQuery(c, fake.api));

  it('folds pushed jobs into the list, also those pushed while it loaded', async () => {
    const fake = fakeApi();
    const view = marketView(fake);
    fake.emit({ name: 'marketJobs', payload: { upserts: [marketJob('2')], removed: [], reset: false } });
    await fake.answerMarket({ ok: true, value: overview(['1']) });
    expect([...view.data()!.jobs.keys()].sort()).toEqual(['1', '2']);
    fake.emit({ name: 'marketJobs', payload: { upserts: [marketJob('3')], removed: ['1'], reset: false } });
    expect([...view.data()!.jobs.keys()].sort()).toEqual(['2', '3']);
  });

  it('loads the list again on a reset, on a job of ours it never saw, and after a reconnect', async () => {
    const fake = fakeApi();
    const view = marketView(fake);
    await fake.answerMarket({ ok: true, value: overview(['1']) });
    fake.emit({ name: 'marketJobs', payload: { upserts: [], removed: [], reset: true } });
    expect(fake.api.getMarket).toHaveBeenCalledTimes(2);
    await fake.answerMarket({ ok: true, value: overview(['5']) });
    expect([...view.data()!.jobs.keys()]).toEqual(['5']);
    fake.emit({ name: 'marketJob', payload: providerJob({ chainJobId: '9' }) });
    expect(fake.api.getMarket).toHaveBeenCalledTimes(3);
    await fake.answerMarket({ ok: true, value: overview(['5', '9']) });
    fake.connect('reconnecting');
    fake.connect('connected');
    expect(fake.api.getMarket).toHaveBeenCalledTimes(4);
    await fake.answerMarket({ ok: true, value: overview(['7']) });
    expect([...view.data()!.jobs.keys()]).toEqual(['7']);
  });
});
