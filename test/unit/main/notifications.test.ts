import { describe, expect, it } from 'vitest';
import {
  initialNotificationState,
  type LooseEvent,
  notificationFor,
  type NotificationState,
} from '../../../electron/main/notifications';
import { startNotificationController } from '../../../electron/main/notification-controller';
import type { DesktopNotification } from '../../../electron/main/desktop-ports';
import { DEFAULT_SETTINGS } from '../../../shared/domain/settings';
import { fakeAgent, snapshot } from './fixtures';

const now = new Date('2026-03-02T10:00:00.000Z');
const job = (state: string, extra: Record<string, unknown> = {}): LooseEvent => ({
  name: 'marketJob',
  payload: { chainJobId: '7', state, askMicrosPerHour: '400000', grossMicros: null, feeMicros: null, closedAt: null, ...extra },
});
const checks = (docker: 'ok' | 'fail', driver: 'ok' | 'fail' | 'info' = 'info'): LooseEvent => ({
  name: 'checks',
  payload: {
    running: false,
    report: {
      checks: [
        { id: 'nvidia-driver', title: 'NVIDIA driver', state: driver, summary: driver === 'fail' ? 'Driver 470 is too old' : 'n/a' },
        { id: 'docker-engine', title: 'Docker engine', state: docker, summary: docker === 'fail' ? 'Docker is not reachable' : 'Docker 27' },
      ],
      gpuJobsAllowed: false,
      checkedAt: now.toISOString(),
    },
  },
});
const gas = (low: boolean): LooseEvent => ({
  name: 'marketStatus',
  payload: { blocks: low ? [{ code: 'no-gas', message: 'The wallet holds 0.00001 ETH' }] : [] },
});

/** Feeds events in order; returns the notifications' kinds and titles. */
function run(events: LooseEvent[], muted: string[] = [], state: NotificationState = initialNotificationState) {
  const shown: { kind: string; title: string; body: string; route: string }[] = [];
  for (const event of events) {
    const decision = notificationFor(event, state, { muted, now });
    state = decision.state;
    if (decision.notification) shown.push(decision.notification);
  }
  return { shown, state };
}

describe('notificationFor: which events notify', () => {
  it('job won: once, when our claim lands, with the ask per hour', () => {
    const { shown } = run([job('claiming'), job('claimed'), job('claimed'), job('running')]);
    expect(shown).toEqual([
      { kind: 'job-won', title: 'Job #7 won', body: 'It starts on your GPU now, at 0.40 USD per hour.', route: '#/market' },
    ]);
  });

  it('job finished: with the amount earned after the market fee', () => {
    const settled = job('settled', { grossMicros: '1250000', feeMicros: '12500', closedAt: '2026-03-02T09:59:00.000Z' });
    const { shown } = run([job('running'), job('submitted'), settled, settled]);
    expect(shown).toEqual([
      {
        kind: 'job-finished',
        title: 'Job #7 finished: 1.2375 USD earned',
        body: 'The payment is credited to you on the market contract.',
        route: '#/earnings',
      },
    ]);
  });

  it('a released (preemptible) job says it was paid for the time it ran', () => {
    const released = job('released', { grossMicros: '100000', feeMicros: '1000', closedAt: now.toISOString() });
    expect(run([job('running'), released]).shown[0]?.title).toBe('Job #7 given back early, paid for the time it ran: 0.099 USD earned');
  });

  it('old settlements replayed after a restart do not notify', () => {
    const old = job('settled', { grossMicros: '1000000', feeMicros: '0', closedAt: '2026-03-01T10:00:00.000Z' });
    expect(run([old]).shown).toEqual([]);
  });

  it('payout: a confirmed withdrawal or sweep, once per transaction', () => {
    const tx = (status: string, kind = 'sweep') => ({
      name: 'walletTx',
      payload: { kind, status, hash: `0x${kind}`, token: kind === 'sweep' ? { amount: '5000000', recipient: '0x2' } : null },
    });
    const { shown } = run([tx('pending'), tx('confirmed'), tx('confirmed'), tx('confirmed', 'withdraw')]);
    expect(shown.map((n) => [n.kind, n.title])).toEqual([
      ['payout', 'Payout: 5.00 USD'],
      ['payout', 'Payout sent'],
    ]);
    expect(shown[0]?.body).toMatch(/payout address/);
    expect(run([{ name: 'walletTx', payload: { kind: 'claim', status: 'confirmed', hash: '0x1' } }]).shown).toEqual([]);
  });

  it('problems: announced when they appear, not on every run, and again after a recovery', () => {
    const { shown } = run([checks('fail'), checks('fail'), checks('ok'), checks('fail')]);
    expect(shown.map((n) => n.kind)).toEqual(['docker', 'docker']);
    expect(shown[0]).toMatchObject({ title: 'Docker needs attention', route: '#/setup/checks' });
    expect(shown[0]?.body).toMatch(/^Docker is not reachable\. No job can run/);
  });

  it('driver and Docker failing together: one notification (the driver), both remembered', () => {
    const { shown, state } = run([checks('fail', 'fail'), checks('fail', 'fail')]);
    expect(shown.map((n) => n.kind)).toEqual(['driver']);
    expect(state.problems).toEqual(['driver', 'docker']);
  });

  it('low gas from the market status', () => {
    const { shown } = run([gas(false), gas(true), gas(true)]);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatchObject({ kind: 'low-gas', title: 'The wallet is low on gas', route: '#/wallet' });
  });

  it('ignores unrelated events and malformed payloads', () => {
    expect(run([{ name: 'telemetry', payload: {} }, { name: 'marketJob', payload: null }, { name: 'checks', payload: 7 }]).shown).toEqual([]);
  });
});

describe('notificationFor: muting', () => {
  it('a muted kind is silent; others still notify', () => {
    const settled = job('settled', { grossMicros: '1000000', feeMicros: '0', closedAt: now.toISOString() });
    const { shown } = run([job('claimed'), settled, checks('fail')], ['job-won', 'docker']);
    expect(shown.map((n) => n.kind)).toEqual(['job-finished']);
  });

  it('unmuting later does not replay what happened while muted', () => {
    const first = run([checks('fail')], ['docker']);
    expect(first.shown).toEqual([]);
    expect(run([checks('fail')], [], first.state).shown).toEqual([]);
  });
});

describe('notification controller', () => {
  it('shows through the notifier with the live mute list, and a click opens the page', () => {
    const fake = fakeAgent(snapshot());
    const shown: DesktopNotification[] = [];
    const clicks: (() => void)[] = [];
    const opened: string[] = [];
    const stop = startNotificationController({
      agent: fake.agent,
      now: () => now,
      notifier: { supported: () => true, show: (n, onClick) => (shown.push(n), onClick && clicks.push(onClick)) },
      openWindow: (hash) => opened.push(hash),
    });
    fake.emit('marketJob', job('claimed').payload);
    fake.set({ settings: { ...DEFAULT_SETTINGS, desktop: { ...DEFAULT_SETTINGS.desktop, mutedNotifications: ['low-gas'] } } });
    fake.emit('marketStatus', gas(true).payload);
    expect(shown.map((n) => n.title)).toEqual(['Job #7 won']);
    clicks[0]!();
    expect(opened).toEqual(['#/market']);
    stop();
    fake.emit('marketJob', { ...(job('claimed').payload as object), chainJobId: '8' });
    expect(shown).toHaveLength(1);
  });
});
