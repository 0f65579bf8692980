import { describe, expect, it } from 'vitest';
import { createStopGuard, type StopChoice } from '../../../electron/main/stop-guard';
import { job } from '../renderer/fixtures';
import { fakeAgent, snapshot } from './fixtures';

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function setup(active = [job('a', { name: 'render', preemptible: false })], choice: StopChoice = 'cancel') {
  const fake = fakeAgent(snapshot({ jobs: { active, history: [] } }));
  fake.answer('pauseRenting', { ok: true, value: { kind: 'indefinite' } });
  fake.answer('updateSettings', { ok: true, value: {} });
  const asked: string[] = [];
  const notes: string[] = [];
  let deliver = () => undefined as void;
  const waitedFor: string[][] = [];
  const guard = createStopGuard({
    agent: fake.agent,
    ask: async (action, jobs) => {
      asked.push(`${action}: ${jobs.map((j) => j.name).join(', ')}`);
      return choice;
    },
    untilDelivered: (ids) => {
      waitedFor.push([...ids]);
      return new Promise<void>((resolve) => (deliver = resolve));
    },
    notify: (message) => notes.push(message),
  });
  return { fake, guard, asked, notes, waitedFor, deliver: () => deliver() };
}

describe('every quit path asks before a non-preemptible job loses its unpaid work', () => {
  it('quits at once when no such job runs (a preemptible one is released and paid)', async () => {
    const t = setup([job('p', { preemptible: true })]);
    expect(await t.guard.mayQuit()).toBe(true);
    expect(t.asked).toEqual([]);
  });

  it('cancel keeps the app running; stop now quits', async () => {
    expect(await setup(undefined, 'cancel').guard.mayQuit()).toBe(false);
    const t = setup(undefined, 'stop-now');
    expect(await t.guard.mayQuit()).toBe(true);
    expect(t.asked).toEqual(['quit: render']);
    expect(t.fake.calls.filter((c) => c.name === 'pauseRenting')).toEqual([]);
  });

  it('finish first: pauses (nothing new is claimed), waits for the result, puts the owner\'s pause back, then quits', async () => {
    const t = setup(undefined, 'finish-first');
    let quit: boolean | null = null;
    void t.guard.mayQuit().then((go) => (quit = go));
    await settle();
    expect(t.fake.calls.find((c) => c.name === 'pauseRenting')?.request).toEqual({ duration: 'indefinite', finishRunningJob: true });
    expect(t.waitedFor).toEqual([['a']]);
    expect(t.notes[0]).toMatch(/quits when "render" has finished/);
    expect(quit).toBeNull();
    t.deliver();
    await settle();
    expect(quit).toBe(true);
    expect(t.fake.calls.at(-1)).toEqual({ name: 'updateSettings', request: { patch: { controls: { pause: snapshot().settings.controls.pause } } } });
  });

  it('a second quit while the job finishes stops now', async () => {
    const t = setup(undefined, 'finish-first');
    let quit: boolean | null = null;
    void t.guard.mayQuit().then((go) => (quit = go));
    await settle();
    expect(await t.guard.mayQuit()).toBe(false);
    await settle();
    expect(quit).toBe(true);
    expect(t.asked).toHaveLength(1);
  });
});
