import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../shared/domain/settings';
import { applyEvent } from '../../../renderer/lib/apply-event';
import { availabilityReport, checksReport, detection, finishedJob, job, progress, result, snapshot } from './fixtures';

describe('applyEvent', () => {
  it('replaces detection and the detecting flag', () => {
    const s = applyEvent(snapshot({ detecting: true }), { name: 'detection', payload: detection });
    expect(s.detection).toEqual(detection);
    expect(applyEvent(s, { name: 'detecting', payload: { detecting: false } }).detecting).toBe(false);
  });

  it('keeps the last checks report while a run without a report is in progress', () => {
    const s = snapshot({ checks: checksReport });
    const running = applyEvent(s, { name: 'checks', payload: { report: null, running: true } });
    expect(running.checks).toEqual(checksReport);
    expect(running.checksRunning).toBe(true);
    const fresh = { ...checksReport, checkedAt: '2025-02-01T00:00:00.000Z' };
    const done = applyEvent(running, { name: 'checks', payload: { report: fresh, running: false } });
    expect(done).toMatchObject({ checks: fresh, checksRunning: false });
  });

  it('tracks the active benchmark and moves it into history when it finishes', () => {
    let s = applyEvent(snapshot(), { name: 'benchmarkProgress', payload: progress('r1', 0.2) });
    s = applyEvent(s, { name: 'benchmarkProgress', payload: progress('r1', 0.6) });
    expect(s.benchmark.active?.fraction).toBe(0.6);
    s = applyEvent(s, { name: 'benchmarkFinished', payload: result('r1') });
    expect(s.benchmark.active).toBeNull();
    expect(s.benchmark.history.map((r) => r.id)).toEqual(['r1']);
  });

  it('puts the newest result first and ignores a result it already has', () => {
    let s = snapshot({ benchmark: { active: null, history: [result('old')] } });
    s = applyEvent(s, { name: 'benchmarkFinished', payload: result('new') });
    const again = applyEvent(s, { name: 'benchmarkFinished', payload: result('new') });
    expect(again.benchmark.history.map((r) => r.id)).toEqual(['new', 'old']);
    expect(again.benchmark).toBe(s.benchmark);
  });

  it('ignores progress of a run that already finished (replayed after a snapshot)', () => {
    const s = snapshot({ benchmark: { active: null, history: [result('r1')] } });
    expect(applyEvent(s, { name: 'benchmarkProgress', payload: progress('r1') })).toBe(s);
  });

  it('does not end a newer active run when an old result is replayed', () => {
    const s = snapshot({ benchmark: { active: progress('r2'), history: [result('r1')] } });
    expect(applyEvent(s, { name: 'benchmarkFinished', payload: result('r1') }).benchmark.active?.runId).toBe('r2');
  });

  it('replaces settings', () => {
    const settings = { ...DEFAULT_SETTINGS, ui: { theme: 'dark' as const, fixOs: 'windows' as const } };
    expect(applyEvent(snapshot(), { name: 'settings', payload: settings }).settings).toEqual(settings);
  });

  it('replaces the availability report with the pushed one', () => {
    const paused = availabilityReport({
      gpus: [
        {
          gpuUuid: 'GPU-1',
          gpuName: 'NVIDIA GeForce RTX 4080 SUPER',
          state: 'paused',
          reasons: [{ code: 'process', message: 'Cyberpunk2077.exe is running' }],
          headline: 'Paused: Cyberpunk2077.exe is running',
          since: '2025-01-01T10:00:00.000Z',
        },
      ],
      history: [
        {
          at: '2025-01-01T10:00:00.000Z',
          gpuUuid: 'GPU-1',
          from: 'available',
          to: 'paused',
          headline: 'Paused: Cyberpunk2077.exe is running',
        },
      ],
    });
    const s = snapshot();
    const next = applyEvent(s, { name: 'availability', payload: paused });
    expect(next.availability).toEqual(paused);
    // Everything else is left alone.
    expect({ ...next, availability: s.availability }).toEqual(s);
  });

  it('applies the same availability report twice to the same result (replay after a snapshot)', () => {
    const report = availabilityReport({ presence: null });
    const once = applyEvent(snapshot(), { name: 'availability', payload: report });
    expect(applyEvent(once, { name: 'availability', payload: report })).toEqual(once);
  });

  it('leaves the snapshot as it is for live telemetry, which it does not carry', () => {
    const s = snapshot();
    const telemetry = {
      uuid: 'GPU-1',
      at: '2025-01-01T10:00:00.000Z',
      powerW: 250,
      temperatureC: 61,
      utilizationGpuPct: 99,
      utilizationMemoryPct: 40,
      memoryUsedMiB: 9000,
      memoryTotalMiB: 16376,
      smClockMHz: 2600,
      memClockMHz: 11200,
      throttleReasons: null,
    };
    expect(applyEvent(s, { name: 'telemetry', payload: telemetry })).toBe(s);
  });

  it('does not mutate its input', () => {
    const s = snapshot();
    const copy = structuredClone(s);
    applyEvent(s, { name: 'benchmarkFinished', payload: result('r1') });
    applyEvent(s, { name: 'detection', payload: detection });
    applyEvent(s, { name: 'availability', payload: availabilityReport({ gpus: [] }) });
    expect(s).toEqual(copy);
  });

  describe('jobStarted (a job the page has never seen)', () => {
    const preparing = job('j1', { state: 'preparing', runtime: null, timings: { ...job('j1').timings, startedAt: null } });

    it('lists a new job at once, then fills in its sandbox when the container starts', () => {
      let s = applyEvent(snapshot(), { name: 'jobStarted', payload: preparing });
      expect(s.jobs.active.map((j) => [j.id, j.state, j.runtime])).toEqual([['j1', 'preparing', null]]);
      s = applyEvent(s, { name: 'jobStarted', payload: job('j1', { runtime: 'runsc' }) });
      expect(s.jobs.active.map((j) => [j.id, j.state, j.runtime])).toEqual([['j1', 'running', 'runsc']]);
    });

    it('is idempotent and never steps a job back (a replay after a snapshot)', () => {
      const running = applyEvent(snapshot(), { name: 'jobStarted', payload: job('j1', { runtime: 'runc' }) });
      expect(applyEvent(running, { name: 'jobStarted', payload: preparing })).toBe(running);
      const progressed = applyEvent(applyEvent(snapshot(), { name: 'jobStarted', payload: preparing }), {
        name: 'jobProgress',
        payload: { jobId: 'j1', state: 'running', label: 'Running 0:01 (runc)', fraction: null },
      });
      const late = applyEvent(progressed, { name: 'jobStarted', payload: { ...preparing, state: 'pulling' } });
      expect(late.jobs.active[0]?.state).toBe('running');
    });

    it('does not bring back a job that already finished', () => {
      const done = applyEvent(applyEvent(snapshot(), { name: 'jobStarted', payload: preparing }), { name: 'jobFinished', payload: finishedJob('j1') });
      expect(applyEvent(done, { name: 'jobStarted', payload: job('j1') })).toBe(done);
      expect(done.jobs.active).toEqual([]);
    });
  });
});
