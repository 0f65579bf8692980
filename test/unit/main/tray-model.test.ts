import { describe, expect, it } from 'vitest';
import type { AttentionItem } from '../../../shared/domain/attention';
import type { TrayMenuItem } from '../../../electron/main/desktop-ports';
import { type TrayInput, trayStatus, trayView } from '../../../electron/main/tray-model';
import { availabilityReport, device } from './fixtures';

const now = new Date('2026-03-02T10:00:00.000Z');
const input = (overrides: Partial<TrayInput> = {}): TrayInput => ({
  availability: availabilityReport({ gpus: [device('available', 'Available: idle for 12 min')] }),
  pause: { kind: 'none' },
  timeZone: 'UTC',
  attention: [],
  now,
  ...overrides,
});
const dockerDown: AttentionItem = {
  code: 'docker',
  severity: 'problem',
  title: 'Docker needs attention',
  detail: 'Docker engine: not reachable',
  action: { label: 'See the fix', hash: '#/setup/checks' },
};
const skippedBenchmark: AttentionItem = { ...dockerDown, code: 'skipped-benchmark', severity: 'reminder', title: 'You skipped the benchmark' };

const actions = (menu: TrayMenuItem[]) =>
  Object.fromEntries(menu.flatMap((item) => (item.kind === 'action' ? [[item.action, item.enabled]] : [])));

describe('tray status and menu, per state', () => {
  it('available: green icon, pause items on, resume off', () => {
    const view = trayView(input());
    expect(view.status).toBe('available');
    expect(view.tooltip).toBe('RigShift: Ready to rent — Available: idle for 12 min');
    expect(view.menu[0]).toEqual({ kind: 'label', label: 'Ready to rent — Available: idle for 12 min' });
    expect(actions(view.menu)).toEqual({ 'pause-hour': true, 'pause-tomorrow': true, resume: false, open: true, quit: true });
  });

  it('renting: wins over a problem and over a pause, and names the busy device', () => {
    const availability = availabilityReport({
      gpus: [device('paused', 'Paused: outside your hours'), { ...device('renting', 'Renting: job 7'), gpuUuid: 'GPU-2' }],
    });
    const view = trayView(input({ availability, attention: [dockerDown] }));
    expect(view.status).toBe('renting');
    expect(view.tooltip).toContain('Renting — Renting: job 7');
    expect(trayStatus(input({ availability: availabilityReport({ gpus: [device('yielding', 'Stopping the job')] }) }))).toBe('renting');
  });

  it('paused by the owner: says until when, and Resume is enabled', () => {
    const pause = { kind: 'until' as const, until: '2026-03-02T11:00:00.000Z' };
    const view = trayView(input({ pause, availability: availabilityReport({ gpus: [device('paused', 'Paused by you')] }) }));
    expect(view.status).toBe('paused');
    expect(view.menu[0]).toMatchObject({ label: expect.stringMatching(/^Paused — Paused by you until 11:00/) });
    expect(actions(view.menu).resume).toBe(true);
  });

  it('paused by its reasons (every device paused), Resume stays off: there is no manual pause to lift', () => {
    const view = trayView(input({ availability: availabilityReport({ gpus: [device('paused', 'Paused: Cyberpunk2077.exe is running')] }) }));
    expect(view.status).toBe('paused');
    expect(view.tooltip).toBe('RigShift: Paused — Paused: Cyberpunk2077.exe is running');
    expect(actions(view.menu).resume).toBe(false);
  });

  it('an expired manual pause no longer counts', () => {
    const pause = { kind: 'until' as const, until: '2026-03-02T09:00:00.000Z' };
    expect(trayStatus(input({ pause }))).toBe('available');
  });

  it('attention: a problem shows the warning icon, its title, and a menu item that opens it', () => {
    const view = trayView(input({ attention: [skippedBenchmark, dockerDown] }));
    expect(view.status).toBe('attention');
    expect(view.menu[0]).toEqual({ kind: 'label', label: 'Needs your attention — Docker needs attention' });
    expect(actions(view.menu)['open-attention']).toBe(true);
  });

  it('a reminder alone (a skipped step) is not a problem', () => {
    expect(trayStatus(input({ attention: [skippedBenchmark] }))).toBe('available');
  });

  it('no devices known yet reads as paused, not as ready', () => {
    const view = trayView(input({ availability: availabilityReport({ gpus: [] }) }));
    expect(view.status).toBe('paused');
    expect(view.tooltip).toContain('Working out availability');
  });

  it('keeps the tooltip within the 127 characters Windows allows', () => {
    const long = device('paused', `Paused: ${'x'.repeat(300)}`);
    expect(trayView(input({ availability: availabilityReport({ gpus: [long] }) })).tooltip.length).toBe(127);
  });
});
