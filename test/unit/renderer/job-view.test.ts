import { describe, expect, it } from 'vitest';
import type { ChecksReport, EnvironmentCheck } from '../../../shared/domain/checks';
import type { GpuDetection, GpuInfo } from '../../../shared/domain/gpu';
import {
  describeSandbox,
  formatElapsed,
  formatKiB,
  formatSpan,
  jobDeviceLabel,
  jobDurationMs,
  jobStartMs,
  reasonView,
  REASONS,
  runtimeView,
  shortImage,
} from '../../../renderer/features/jobs/job-view';
import { routeFromHash } from '../../../renderer/lib/use-hash-route';
import { detection, finishedJob, job } from './fixtures';

const gpu = (index: number, uuid: string, name: string): GpuInfo => ({
  index,
  uuid,
  name,
  driverVersion: null,
  vramMiB: null,
  power: { min: null, default: null, max: null, enforced: null },
  temperatureC: null,
  pcie: { genCurrent: null, genMax: null, widthCurrent: null, widthMax: null },
  computeCapability: null,
  pciBusId: null,
});
const withGpus = (...gpus: GpuInfo[]): GpuDetection => ({ ...detection, gpus });

const gvisorCheck = (state: EnvironmentCheck['state'], summary: string): ChecksReport => ({
  checks: [
    { id: 'docker-engine', title: 'Docker', state: 'ok', summary: 'Docker 27 reachable' },
    { id: 'gvisor-runsc', title: 'gVisor sandbox (runsc)', state, summary },
  ],
  gpuJobsAllowed: true,
  checkedAt: '2025-01-01T00:00:00.000Z',
});

describe('job view helpers', () => {
  it('names the device: CPU, the GPU from detection, or a short UUID', () => {
    expect(jobDeviceLabel('cpu', null)).toBe('CPU');
    expect(jobDeviceLabel('GPU-1', withGpus(gpu(0, 'GPU-1', 'RTX 4090')))).toBe('RTX 4090');
    expect(jobDeviceLabel('GPU-2', withGpus(gpu(0, 'GPU-1', 'RTX 4090'), gpu(1, 'GPU-2', 'RTX 3060')))).toBe(
      'GPU 1 · RTX 3060',
    );
    expect(jobDeviceLabel('GPU-12345678-aaaa-bbbb', null)).toBe('GPU-12345678…');
  });

  it('shortens an image digest to 12 hex digits and leaves other names alone', () => {
    const digest = '0123456789abcdef'.repeat(4);
    expect(shortImage(`ghcr.io/acme/render@sha256:${digest}`)).toBe('ghcr.io/acme/render@sha256:0123456789ab…');
    expect(shortImage('busybox:latest')).toBe('busybox:latest');
  });

  it('labels the runtime that ran the job, with why it matters', () => {
    expect(runtimeView('runsc')).toMatchObject({ kind: 'gvisor', label: 'gVisor (runsc): sandboxed' });
    expect(runtimeView('runsc-nvproxy').kind).toBe('gvisor');
    expect(runtimeView('runc')).toMatchObject({ kind: 'runc', label: 'runc: standard isolation' });
    expect(runtimeView('nvidia')).toMatchObject({ kind: 'other', short: 'nvidia' });
    expect(runtimeView(null).label).toBe('Not started yet');
    expect(runtimeView(null, true).label).toBe('Never started');
    expect(runtimeView('runsc').why).toMatch(/kernel/);
  });

  it('colours end reasons: completed green, preempted and cancelled grey, the rest red', () => {
    const tones = Object.fromEntries(Object.entries(REASONS).map(([reason, view]) => [reason, view.tone]));
    expect(tones).toEqual({
      completed: 'ok',
      preempted: 'neutral',
      cancelled: 'neutral',
      'timed-out': 'bad',
      oom: 'bad',
      failed: 'bad',
      refused: 'bad',
    });
    expect(reasonView('oom').label).toBe('Out of memory');
    expect(reasonView(null).tone).toBe('neutral');
  });

  it('formats running and past durations', () => {
    expect(formatElapsed(42_000)).toBe('0:42');
    expect(formatElapsed(3_729_000)).toBe('1:02:09');
    expect(formatElapsed(-5)).toBe('0:00');
    expect(formatSpan(850)).toBe('850 ms');
    expect(formatSpan(42_000)).toBe('42 s');
    expect(formatSpan(185_000)).toBe('3 min 05 s');
    expect(formatSpan(4_320_000)).toBe('1 h 12 min');
  });

  it('times a job from its container start, else from its arrival', () => {
    expect(jobStartMs(job('a'))).toBe(Date.parse('2025-01-01T00:00:05.000Z'));
    const waiting = job('b', { timings: { ...job('b').timings, startedAt: null } });
    expect(jobStartMs(waiting)).toBe(Date.parse('2025-01-01T00:00:00.000Z'));
  });

  it('takes the engine’s run time for a finished job, else start to finish, else nothing', () => {
    expect(jobDurationMs(finishedJob('a'))).toBe(42_000);
    const noRun = finishedJob('b');
    expect(jobDurationMs({ ...noRun, timings: { ...noRun.timings, runMs: null } })).toBe(42_000);
    expect(jobDurationMs({ ...noRun, timings: { ...noRun.timings, runMs: null, startedAt: null } })).toBeNull();
  });

  it('rounds dropped log bytes to KiB, at least 1 when anything was dropped', () => {
    expect(formatKiB(0)).toBe('0 KiB');
    expect(formatKiB(10)).toBe('1 KiB');
    expect(formatKiB(3 * 1024 * 1024)).toBe('3,072 KiB');
  });
});

describe('describeSandbox', () => {
  it('says gVisor when it is registered and preferred', () => {
    expect(describeSandbox(gvisorCheck('ok', 'gVisor registered as runsc'), true)).toMatchObject({
      runtime: 'gvisor',
      headline: 'gVisor (runsc): sandboxed',
      state: 'ok',
    });
  });

  it('says runc, and why, when gVisor is off in settings', () => {
    const view = describeSandbox(gvisorCheck('ok', 'gVisor registered as runsc'), false);
    expect(view).toMatchObject({ runtime: 'runc', headline: 'runc: standard isolation', state: 'warn' });
    expect(view.detail).toMatch(/Prefer gVisor sandbox/);
  });

  it('says runc with the check’s summary when gVisor is missing or not applicable', () => {
    const missing = describeSandbox(gvisorCheck('warn', 'gVisor (runsc) is not registered with Docker: jobs run under runc only'), true);
    expect(missing).toMatchObject({ runtime: 'runc', state: 'warn' });
    expect(missing.detail).toMatch(/^gVisor \(runsc\) is not registered.*only\. The machine checklist/);
    const wsl = describeSandbox(gvisorCheck('info', 'Not applicable: gVisor does not run under Docker Desktop (WSL 2)'), true);
    expect(wsl).toMatchObject({ runtime: 'runc', state: 'info' });
  });

  it('says it does not know yet before the checks ran', () => {
    expect(describeSandbox(null, true)).toMatchObject({ runtime: 'unknown', state: 'info' });
  });
});

describe('routeFromHash', () => {
  it('knows the Jobs page', () => {
    expect(routeFromHash('#/jobs')).toBe('jobs');
    expect(routeFromHash('#/Jobs/')).toBe('jobs');
    expect(routeFromHash('#/controls')).toBe('controls');
    expect(routeFromHash('#/nowhere')).toBe('overview');
    expect(routeFromHash('')).toBe('overview');
  });
});
