import { describe, expect, it } from 'vitest';
import {
  createNodeIdleSource,
  hintMaintained,
  logindIdleSeconds,
  NO_SESSION_IDLE_REASON,
  parseListSessions,
  parseShowSession,
  parseXprintidle,
  pickGraphicalSession,
  SESSION_DISCOVERY_PROPERTIES,
  showSessionArgs,
  WAYLAND_IDLE_REASON,
} from '../../../electron/agent/presence/node-idle-source';
import { exited, FakeCommandRunner } from '../../fakes/fake-command-runner';

const LIST = `     2 1000 alice seat0 tty2\n    c1  120 gdm   seat0 tty1\n`;
const LIST_NEW_FORMAT = `2 1000 alice seat0 1234 user tty2 no -\n`;
const SHOW_TWO = [
  'Id=2',
  'Type=x11',
  'Class=user',
  'Active=yes',
  'Remote=no',
  'IdleHint=yes',
  'IdleSinceHint=1763891000000000',
  'IdleSinceHintMonotonic=5000000000',
  '',
  'Id=c1',
  'Type=x11',
  'Class=greeter',
  'Active=no',
  'Remote=no',
  'IdleHint=no',
  'IdleSinceHint=0',
  'IdleSinceHintMonotonic=0',
  '',
].join('\n');
const DISCOVERY_ARGS = showSessionArgs(['2', 'c1'], SESSION_DISCOVERY_PROPERTIES);
const IDLE_ARGS = ['show-session', '2', '-p', 'IdleHint', '-p', 'IdleSinceHint', '-p', 'IdleSinceHintMonotonic'];

const clock = (ms: number) => ({ now: () => new Date(ms) });

describe('loginctl parsing', () => {
  it('reads session ids and uids from list-sessions, old and new column layouts', () => {
    expect(parseListSessions(LIST)).toEqual([
      { id: '2', uid: 1000 },
      { id: 'c1', uid: 120 },
    ]);
    expect(parseListSessions(LIST_NEW_FORMAT)).toEqual([{ id: '2', uid: 1000 }]);
    expect(parseListSessions('')).toEqual([]);
  });

  it('splits show-session output into one block per session', () => {
    const blocks = parseShowSession(SHOW_TWO);
    expect(blocks).toHaveLength(2);
    expect(blocks[0]).toMatchObject({ Id: '2', Type: 'x11', IdleHint: 'yes' });
    expect(blocks[1]).toMatchObject({ Id: 'c1', Class: 'greeter' });
  });

  it('picks the user graphical session, preferring XDG_SESSION_ID, never the greeter or a remote one', () => {
    const blocks: Array<Record<string, string>> = [
      { Id: 'c1', Type: 'x11', Class: 'greeter', Active: 'yes' },
      { Id: '3', Type: 'tty', Class: 'user', Active: 'yes' },
      { Id: '4', Type: 'wayland', Class: 'user', Active: 'yes', Remote: 'yes' },
      { Id: '5', Type: 'wayland', Class: 'user', Active: 'no' },
      { Id: '6', Type: 'x11', Class: 'user', Active: 'yes' },
    ];
    expect(pickGraphicalSession(blocks, undefined)?.Id).toBe('6');
    expect(pickGraphicalSession(blocks, '5')?.Id).toBe('5');
    expect(pickGraphicalSession(blocks.slice(0, 3), undefined)).toBeNull();
  });

  it('computes idle seconds from the monotonic hint, falling back to the realtime one', () => {
    expect(logindIdleSeconds({ IdleHint: 'no', IdleSinceHintMonotonic: '5' }, 10e6, 0)).toBe(0);
    expect(logindIdleSeconds({ IdleHint: 'yes', IdleSinceHintMonotonic: '5000000000' }, 5_300_000_000, 0)).toBe(300);
    expect(logindIdleSeconds({ IdleHint: 'yes', IdleSinceHint: '1000000000000000' }, 0, 1_000_000_120_000)).toBe(120);
    expect(logindIdleSeconds({ IdleHint: 'yes' }, 0, 0)).toBeNull();
    expect(logindIdleSeconds({}, 0, 0)).toBeNull();
  });

  it('distrusts a session whose desktop never set the idle hint', () => {
    expect(hintMaintained({ IdleHint: 'no', IdleSinceHint: '0', IdleSinceHintMonotonic: '0' })).toBe(false);
    expect(hintMaintained({ IdleHint: 'no', IdleSinceHint: '17', IdleSinceHintMonotonic: '0' })).toBe(true);
    expect(hintMaintained({ IdleHint: 'yes' })).toBe(true);
  });

  it('reads xprintidle milliseconds as whole seconds', () => {
    expect(parseXprintidle('1999\n')).toBe(1);
    expect(parseXprintidle('0')).toBe(0);
    expect(parseXprintidle("Couldn't open display")).toBeNull();
  });
});

describe('createNodeIdleSource', () => {
  it('uses xprintidle on X11 and caches it: one spawn per read', async () => {
    const runner = new FakeCommandRunner().on('xprintidle', [], exited('4200\n'), exited('15\n'));
    const idle = createNodeIdleSource({ runner, platform: 'linux', env: { DISPLAY: ':0' }, clock: clock(0) });
    expect(await idle.read()).toEqual({ available: true, idleSeconds: 4, source: 'xprintidle' });
    expect(await idle.read()).toEqual({ available: true, idleSeconds: 0, source: 'xprintidle' });
    expect(runner.runs.map((r) => [r.command, ...r.args])).toEqual([['xprintidle'], ['xprintidle']]);
    expect(runner.runs[0]?.timeoutMs).toBe(2_000);
  });

  it('falls back to logind with the exact loginctl commands, then reads only the chosen session', async () => {
    const runner = new FakeCommandRunner()
      .on('loginctl', ['list-sessions', '--no-legend'], exited(LIST))
      .on('loginctl', DISCOVERY_ARGS, exited(SHOW_TWO))
      .on('loginctl', IDLE_ARGS, exited('IdleHint=no\nIdleSinceHint=1763891000000000\nIdleSinceHintMonotonic=5000000000\n'));
    const idle = createNodeIdleSource({
      runner,
      platform: 'linux',
      env: {},
      clock: clock(0),
      monotonicMicros: () => 5_060_000_000,
    });
    expect(await idle.read()).toEqual({ available: true, idleSeconds: 60, source: 'logind' });
    expect(await idle.read()).toEqual({ available: true, idleSeconds: 0, source: 'logind' });
    expect(runner.runs.map((r) => r.args.join(' '))).toEqual([
      'list-sessions --no-legend',
      DISCOVERY_ARGS.join(' '),
      IDLE_ARGS.join(' '),
    ]);
    // xprintidle is not even tried without DISPLAY.
    expect(runner.runs.every((r) => r.command === 'loginctl')).toBe(true);
  });

  it('Wayland without a logind hint: unavailable with what to do, and no spawn until rediscovery is due', async () => {
    let now = 0;
    const runner = new FakeCommandRunner()
      .on('loginctl', ['list-sessions', '--no-legend'], exited('  2 1000 alice seat0\n'))
      .on('loginctl', null, exited('Id=2\nType=wayland\nClass=user\nActive=yes\nIdleHint=no\nIdleSinceHint=0\nIdleSinceHintMonotonic=0\n'));
    const idle = createNodeIdleSource({
      runner,
      platform: 'linux',
      env: { DISPLAY: ':0', WAYLAND_DISPLAY: 'wayland-0' },
      clock: { now: () => new Date(now) },
      rediscoverMs: 60_000,
    });
    expect(await idle.read()).toEqual({ available: false, reason: WAYLAND_IDLE_REASON });
    expect(WAYLAND_IDLE_REASON).toContain('use the desktop app, or turn off idle detection');
    const spawns = runner.runs.length;
    expect(runner.runs.some((r) => r.command === 'xprintidle')).toBe(false); // XWayland: not trusted
    now = 59_000;
    await idle.read();
    expect(runner.runs.length).toBe(spawns);
    now = 60_000;
    await idle.read();
    expect(runner.runs.length).toBe(spawns * 2);
  });

  it('no session at all (this CI VM): unavailable, says what to do', async () => {
    const runner = new FakeCommandRunner().on('loginctl', ['list-sessions', '--no-legend'], exited(''));
    const idle = createNodeIdleSource({ runner, platform: 'linux', env: {}, clock: clock(0) });
    expect(await idle.read()).toEqual({ available: false, reason: NO_SESSION_IDLE_REASON });
  });

  it('finds another method when the cached one stops working', async () => {
    const runner = new FakeCommandRunner()
      .on('xprintidle', [], exited('1000'), { kind: 'exited', code: 1, stdout: '', stderr: "couldn't open display" })
      .on('loginctl', ['list-sessions', '--no-legend'], exited(''));
    const idle = createNodeIdleSource({ runner, platform: 'linux', env: { DISPLAY: ':0' }, clock: clock(0) });
    expect((await idle.read()).available).toBe(true);
    expect(await idle.read()).toEqual({ available: false, reason: NO_SESSION_IDLE_REASON });
  });

  it('Windows and macOS headless: unavailable with a reason, nothing spawned', async () => {
    const runner = new FakeCommandRunner();
    for (const platform of ['win32', 'darwin'] as const) {
      const reading = await createNodeIdleSource({ runner, platform, env: {}, clock: clock(0) }).read();
      expect(reading.available).toBe(false);
      expect(reading.available === false && reading.reason).toMatch(/use the desktop app/);
    }
    expect(runner.runs).toEqual([]);
  });
});
