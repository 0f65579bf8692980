import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../../shared/api/contract';
import type { JobRecord } from '../../../shared/domain/job';
import type { ApiClient } from '../../../renderer/lib/api-client';
import { applyEvent } from '../../../renderer/lib/apply-event';
import { snapshotQuery } from '../../../renderer/lib/query/follow-queries';
import { flush, observe } from './query-harness';
import { finishedJob, job, snapshot } from './fixtures';

const progress = (jobId: string, state: JobRecord['state'], label: string = state) => ({
  name: 'jobProgress' as const,
  payload: { jobId, state, label, fraction: null },
});

describe('applyEvent: jobs', () => {
  it('updates the state of the matching active job only', () => {
    const s = snapshot({ jobs: { active: [job('a', { state: 'pulling' }), job('b', { state: 'pulling' })], history: [] } });
    const next = applyEvent(s, progress('a', 'running'));
    expect(next.jobs.active.map((j) => [j.id, j.state])).toEqual([
      ['a', 'running'],
      ['b', 'pulling'],
    ]);
    // The other job keeps its identity, so its card does not see a new record.
    expect(next.jobs.active[1]).toBe(s.jobs.active[1]);
    expect(next.jobs.history).toBe(s.jobs.history);
  });

  it('returns the same snapshot for a progress that keeps the state (label or fraction only)', () => {
    const s = snapshot({ jobs: { active: [job('a', { state: 'pulling' })], history: [] } });
    expect(applyEvent(s, progress('a', 'pulling', 'Pulling image: 312 of 840 MB'))).toBe(s);
  });

  it('adds nothing for a progress of a job it does not know (the snapshot or jobFinished brings it)', () => {
    const s = snapshot({ jobs: { active: [job('a')], history: [] } });
    expect(applyEvent(s, progress('unknown', 'running'))).toBe(s);
  });

  it('ignores a late progress of a job that already finished', () => {
    const s = snapshot({ jobs: { active: [], history: [finishedJob('a')] } });
    expect(applyEvent(s, progress('a', 'running'))).toBe(s);
  });

  it('moves a finished job from active to the top of history', () => {
    const s = snapshot({ jobs: { active: [job('a'), job('b')], history: [finishedJob('old')] } });
    const next = applyEvent(s, { name: 'jobFinished', payload: finishedJob('a', { reason: 'cancelled' }) });
    expect(next.jobs.active.map((j) => j.id)).toEqual(['b']);
    expect(next.jobs.history.map((j) => [j.id, j.reason])).toEqual([
      ['a', 'cancelled'],
      ['old', 'completed'],
    ]);
  });

  it('prepends a job that never ran (refused) to history', () => {
    const s = snapshot();
    const next = applyEvent(s, { name: 'jobFinished', payload: finishedJob('r', { reason: 'refused', runtime: null }) });
    expect(next.jobs.active).toEqual([]);
    expect(next.jobs.history.map((j) => j.id)).toEqual(['r']);
  });

  it('adds a replayed jobFinished only once, and returns the same snapshot the second time', () => {
    const s = snapshot({ jobs: { active: [job('a')], history: [] } });
    const once = applyEvent(s, { name: 'jobFinished', payload: finishedJob('a') });
    const twice = applyEvent(once, { name: 'jobFinished', payload: finishedJob('a') });
    expect(twice).toBe(once);
    expect(twice.jobs.history.map((j) => j.id)).toEqual(['a']);
  });

  it('still removes the job from active when history already has it (snapshot raced the event)', () => {
    const s = snapshot({ jobs: { active: [job('a')], history: [finishedJob('a')] } });
    const next = applyEvent(s, { name: 'jobFinished', payload: finishedJob('a') });
    expect(next.jobs.active).toEqual([]);
    expect(next.jobs.history).toBe(s.jobs.history);
  });

  it('leaves the snapshot as it is for log lines, which it does not carry', () => {
    const s = snapshot({ jobs: { active: [job('a')], history: [] } });
    expect(applyEvent(s, { name: 'jobLog', payload: { jobId: 'a', lines: [{ stream: 'stdout', text: 'hi' }] } })).toBe(s);
  });

  it('does not mutate its input', () => {
    const s = snapshot({ jobs: { active: [job('a', { state: 'pulling' })], history: [finishedJob('old')] } });
    const copy = structuredClone(s);
    applyEvent(s, progress('a', 'running'));
    applyEvent(s, { name: 'jobFinished', payload: finishedJob('a') });
    expect(s).toEqual(copy);
  });
});

describe('the snapshot query: job events', () => {
  it('notifies nobody for log lines and label-only progress, and re-renders on a state change', async () => {
    let emit: (e: AgentEvent) => void = () => {};
    const client = {
      getSnapshot: async () => ({ ok: true, value: snapshot({ jobs: { active: [job('a', { state: 'pulling' })], history: [] } }) }),
      onEvent: (l: (e: AgentEvent) => void) => {
        emit = l;
        return () => {};
      },
      connection: () => 'connected',
      onConnection: () => () => {},
    } as unknown as ApiClient;
    const view = observe(client, (c) => snapshotQuery(c, client));
    await flush();
    expect(view.data()?.jobs.active[0]?.state).toBe('pulling');
    view.resetNotified();
    for (let i = 0; i < 50; i += 1) {
      emit({ name: 'jobLog', payload: { jobId: 'a', lines: [{ stream: 'stdout', text: `line ${i}` }] } });
      emit(progress('a', 'pulling', `Pulling image: ${i} of 840 MB`));
    }
    await flush();
    expect(view.notified()).toBe(0);
    emit(progress('a', 'running'));
    await flush();
    expect(view.notified()).toBe(1);
    expect(view.data()?.jobs.active[0]?.state).toBe('running');
  });
});
