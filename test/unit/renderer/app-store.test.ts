import { describe, expect, it, vi } from 'vitest';
import type { AgentEvent } from '../../../shared/api/contract';
import type { Result } from '../../../shared/api/result';
import type { Snapshot } from '../../../shared/domain/snapshot';
import type { ApiClient, ConnectionState } from '../../../renderer/lib/api-client';
import { createAppStore } from '../../../renderer/lib/app-store';
import { availabilityReport, detection, progress, result, snapshot } from './fixtures';

/** A client whose getSnapshot answers only when the test says so. */
function fakeClient(initial: ConnectionState = 'connected') {
  let emit: (e: AgentEvent) => void = () => {};
  let setConnection: (s: ConnectionState) => void = () => {};
  const answers: ((r: Result<Snapshot>) => void)[] = [];
  const client = {
    getSnapshot: vi.fn(() => new Promise<Result<Snapshot>>((resolve) => answers.push(resolve))),
    onEvent: (l: (e: AgentEvent) => void) => {
      emit = l;
      return () => {};
    },
    connection: () => initial,
    onConnection: (l: (s: ConnectionState) => void) => {
      setConnection = l;
      return () => {};
    },
  } as unknown as ApiClient;
  return {
    client,
    emit: (e: AgentEvent) => emit(e),
    connect: (s: ConnectionState) => setConnection(s),
    answer: (r: Result<Snapshot>) => answers.shift()?.(r),
  };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('app store', () => {
  it('loads the snapshot, then applies events', async () => {
    const fake = fakeClient();
    const store = createAppStore(fake.client);
    const load = store.reload();
    fake.answer({ ok: true, value: snapshot() });
    await load;
    fake.emit({ name: 'detection', payload: detection });
    expect(store.getState().snapshot?.detection).toEqual(detection);
  });

  it('replays events that arrived while the snapshot request was in flight', async () => {
    const fake = fakeClient();
    const store = createAppStore(fake.client);
    const load = store.reload();
    fake.emit({ name: 'benchmarkProgress', payload: progress('r1') });
    fake.emit({ name: 'benchmarkFinished', payload: result('r1') });
    // The snapshot was taken before the run finished.
    fake.answer({ ok: true, value: snapshot({ benchmark: { active: progress('r1', 0.1), history: [] } }) });
    await load;
    const { benchmark } = store.getState().snapshot!;
    expect(benchmark.active).toBeNull();
    expect(benchmark.history.map((r) => r.id)).toEqual(['r1']);
  });

  it('keeps the last error and clears it on the next success', async () => {
    const fake = fakeClient();
    const store = createAppStore(fake.client);
    let load = store.reload();
    fake.answer({ ok: false, error: { code: 'agent_unreachable', message: 'down' } });
    await load;
    expect(store.getState()).toMatchObject({ snapshot: null, loadError: { code: 'agent_unreachable' } });
    load = store.reload();
    fake.answer({ ok: true, value: snapshot() });
    await load;
    expect(store.getState().loadError).toBeNull();
  });

  it('fetches the snapshot again whenever the connection comes back, and notifies subscribers', async () => {
    const fake = fakeClient('connecting');
    const store = createAppStore(fake.client);
    const listener = vi.fn();
    store.subscribe(listener);
    fake.connect('connected');
    expect(fake.client.getSnapshot).toHaveBeenCalledTimes(1);
    fake.answer({ ok: true, value: snapshot() });
    await flush();
    fake.connect('reconnecting');
    expect(store.getState().connection).toBe('reconnecting');
    fake.connect('connected');
    expect(fake.client.getSnapshot).toHaveBeenCalledTimes(2);
    expect(listener).toHaveBeenCalled();
  });

  it('lets only the newest of two overlapping snapshot requests win', async () => {
    const fake = fakeClient();
    const store = createAppStore(fake.client);
    const first = store.reload();
    const second = store.reload();
    fake.answer({ ok: true, value: snapshot({ detecting: true }) });
    fake.answer({ ok: true, value: snapshot({ detecting: false }) });
    await Promise.all([first, second]);
    expect(store.getState().snapshot?.detecting).toBe(false);
  });

  it('applies availability events, also those that raced with the snapshot request', async () => {
    const fake = fakeClient();
    const store = createAppStore(fake.client);
    const load = store.reload();
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
    // The snapshot was taken before the pause.
    fake.answer({ ok: true, value: snapshot() });
    await load;
    expect(store.getState().snapshot?.availability.gpus[0]?.state).toBe('paused');
    const listener = vi.fn();
    store.subscribe(listener);
    fake.emit({ name: 'availability', payload: availabilityReport() });
    expect(store.getState().snapshot?.availability.gpus[0]?.state).toBe('available');
    expect(listener).toHaveBeenCalledTimes(1);
    // Live telemetry is not part of the snapshot: it notifies nobody.
    listener.mockClear();
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
    expect(listener).not.toHaveBeenCalled();
  });
});
