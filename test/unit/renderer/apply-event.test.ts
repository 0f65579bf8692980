import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../shared/domain/settings';
import { applyEvent } from '../../../renderer/lib/apply-event';
import { checksReport, detection, progress, result, snapshot } from './fixtures';

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

  it('does not mutate its input', () => {
    const s = snapshot();
    const copy = structuredClone(s);
    applyEvent(s, { name: 'benchmarkFinished', payload: result('r1') });
    applyEvent(s, { name: 'detection', payload: detection });
    expect(s).toEqual(copy);
  });
});
