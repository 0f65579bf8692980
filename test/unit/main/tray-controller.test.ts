import { describe, expect, it } from 'vitest';
import { watchAgent } from '../../../electron/main/agent-watch';
import { createStopGuard, type StopChoice } from '../../../electron/main/stop-guard';
import { startTrayController } from '../../../electron/main/tray-controller';
import { job } from '../renderer/fixtures';
import { DEFAULT_SETTINGS } from '../../../shared/domain/settings';
import { availabilityReport, device, fakeAgent, fakeTray, snapshot } from './fixtures';

const now = () => new Date('2026-03-02T10:00:00.000Z');
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function setup(options: { choice?: StopChoice } = {}) {
  const fake = fakeAgent(snapshot({ availability: availabilityReport({ gpus: [device('available', 'Available')] }) }));
  const asked: string[] = [];
  const guard = createStopGuard({
    agent: fake.agent,
    ask: async (action, jobs) => {
      asked.push(`${action}: ${jobs.map((j) => j.name).join(', ')}`);
      return options.choice ?? 'cancel';
    },
    untilDelivered: async () => undefined,
    notify: () => undefined,
  });
  const { tray, state } = fakeTray();
  const opened: (string | undefined)[] = [];
  const errors: string[] = [];
  let quits = 0;
  const watch = watchAgent(fake.agent);
  const stop = startTrayController({
    tray,
    agent: fake.agent,
    watch,
    guard,
    now,
    openWindow: (hash) => opened.push(hash),
    quit: () => (quits += 1),
    onError: (message) => errors.push(message),
  });
  return { fake, state, opened, errors, asked, quits: () => quits, stop };
}

describe('tray controller', () => {
  it('draws the state at start and redraws only when the view changes', () => {
    const t = setup();
    expect(t.state.status).toBe('available');
    const draws = t.state.draws;
    t.fake.emit('telemetry', {});
    t.fake.emit('settings', DEFAULT_SETTINGS);
    expect(t.state.draws).toBe(draws);
    t.fake.set({ availability: availabilityReport({ gpus: [device('renting', 'Renting: job 7')] }) });
    t.fake.emit('availability', {});
    expect(t.state.status).toBe('renting');
  });

  it('pause and resume go to the agent; a refusal is reported', async () => {
    const t = setup();
    t.fake.answer('pauseRenting', { ok: true, value: { kind: 'until', until: '2026-03-02T11:00:00.000Z' } });
    t.state.onAction!('pause-hour');
    t.state.onAction!('pause-tomorrow');
    t.state.onAction!('resume');
    await settle();
    expect(t.fake.calls).toEqual([
      { name: 'getSettingsRecovery', request: {} },
      { name: 'getMarket', request: { limit: 1 } },
      { name: 'pauseRenting', request: { duration: 'hour' } },
      { name: 'pauseRenting', request: { duration: 'tomorrow' } },
      { name: 'resumeRenting', request: {} },
    ]);
    expect(t.errors).toEqual(['resumeRenting is not available']);
  });

  it('pausing from the tray asks before a non-preemptible job loses its unpaid work (the dashboard\'s rule)', async () => {
    const running = { jobs: { active: [job('a', { name: 'render', preemptible: false })], history: [] } };
    for (const [choice, request] of [
      ['cancel', null],
      ['finish-first', { duration: 'hour', finishRunningJob: true }],
      ['stop-now', { duration: 'hour' }],
    ] as const) {
      const t = setup({ choice });
      t.fake.set(running);
      t.fake.answer('pauseRenting', { ok: true, value: { kind: 'until', until: '2026-03-02T11:00:00.000Z' } });
      t.state.onAction!('pause-hour');
      await settle();
      expect(t.asked).toEqual(['pause: render']);
      expect(t.fake.calls.filter((c) => c.name === 'pauseRenting').map((c) => c.request)).toEqual(request ? [request] : []);
      expect(t.errors).toEqual([]);
    }
    // A preemptible job is released and paid for its time: no question.
    const t = setup();
    t.fake.set({ jobs: { active: [job('b', { preemptible: true })], history: [] } });
    t.state.onAction!('pause-tomorrow');
    await settle();
    expect(t.asked).toEqual([]);
    expect(t.fake.calls.filter((c) => c.name === 'pauseRenting')).toHaveLength(1);
  });

  it('open, a click on the icon, quit, and "show what needs attention" (market problem)', () => {
    const t = setup();
    t.state.onAction!('open');
    t.state.onClick!();
    t.fake.emit('marketStatus', { blocks: [{ code: 'no-gas', message: 'No ETH for gas' }], wallet: { address: '0x1', unlocked: true } });
    expect(t.state.status).toBe('attention');
    expect(t.state.tooltip).toContain('The wallet is low on gas');
    t.state.onAction!('open-attention');
    t.state.onAction!('quit');
    expect(t.opened).toEqual([undefined, undefined, '#/wallet']);
    expect(t.quits()).toBe(1);
  });

  it('a job in progress makes the shell busy (for the updater)', () => {
    const fake = fakeAgent(snapshot());
    const watch = watchAgent(fake.agent);
    expect(watch.busy()).toBe(false);
    fake.emit('marketJob', { chainJobId: '3', state: 'claimed' });
    expect(watch.busy()).toBe(true);
    fake.emit('marketJob', { chainJobId: '3', state: 'submitted' });
    expect(watch.busy()).toBe(false);
  });

  it('stop removes the icon and listens no more', () => {
    const t = setup();
    t.stop();
    expect(t.state.destroyed).toBe(true);
    const draws = t.state.draws;
    t.fake.set({ availability: availabilityReport({ gpus: [device('renting', 'Renting')] }) });
    t.fake.emit('availability', {});
    expect(t.state.draws).toBe(draws);
  });
});
