import { describe, expect, it } from 'vitest';
import {
  createFullscreenSource,
  NO_DISPLAY_FULLSCREEN_REASON,
  NO_XPROP_REASON,
  parseActiveWindow,
  parseWindowState,
  WAYLAND_FULLSCREEN_REASON,
  WINDOWS_FULLSCREEN_REASON,
} from '../../../electron/agent/presence/fullscreen';
import { exited, FakeCommandRunner } from '../../fakes/fake-command-runner';

const ROOT = '_NET_ACTIVE_WINDOW(WINDOW): window id # 0x3a00007\n';
const FULL = '_NET_WM_STATE(ATOM) = _NET_WM_STATE_FULLSCREEN, _NET_WM_STATE_FOCUSED\n_NET_WM_NAME(UTF8_STRING) = "Cyberpunk 2077 (C) 2020 by \\"CD Projekt\\""\n';
const WINDOWED = '_NET_WM_STATE(ATOM) = _NET_WM_STATE_MAXIMIZED_VERT, _NET_WM_STATE_MAXIMIZED_HORZ\n_NET_WM_NAME(UTF8_STRING) = "Terminal"\n';

describe('xprop parsing', () => {
  it('reads the active window id; 0x0 means none', () => {
    expect(parseActiveWindow(ROOT)).toBe('0x3a00007');
    expect(parseActiveWindow('_NET_ACTIVE_WINDOW(WINDOW): window id # 0x0\n')).toBeNull();
    expect(parseActiveWindow('_NET_ACTIVE_WINDOW:  not found.\n')).toBeNull();
  });

  it('finds _NET_WM_STATE_FULLSCREEN and the window name', () => {
    expect(parseWindowState(FULL)).toEqual({ fullscreen: true, name: 'Cyberpunk 2077 (C) 2020 by "CD Projekt"' });
    expect(parseWindowState(WINDOWED)).toEqual({ fullscreen: false, name: 'Terminal' });
    expect(parseWindowState('_NET_WM_STATE(ATOM) = \n_NET_WM_NAME:  not found.\n')).toEqual({ fullscreen: false, name: undefined });
    // The fullscreen atom in the NAME line does not count.
    expect(parseWindowState('_NET_WM_STATE(ATOM) = \n_NET_WM_NAME(UTF8_STRING) = "_NET_WM_STATE_FULLSCREEN"\n').fullscreen).toBe(false);
  });
});

describe('createFullscreenSource', () => {
  it('X11: the exact two xprop calls, active full-screen app reported', async () => {
    const runner = new FakeCommandRunner()
      .on('xprop', ['-root', '_NET_ACTIVE_WINDOW'], exited(ROOT))
      .on('xprop', ['-id', '0x3a00007', '_NET_WM_STATE', '_NET_WM_NAME'], exited(FULL), exited(WINDOWED));
    const source = createFullscreenSource({ platform: 'linux', runner, env: { DISPLAY: ':0' } });
    expect(await source.read()).toEqual({ available: true, active: true, app: 'Cyberpunk 2077 (C) 2020 by "CD Projekt"' });
    expect(await source.read()).toEqual({ available: true, active: false });
    expect(runner.runs.map((r) => r.args.join(' '))).toEqual([
      '-root _NET_ACTIVE_WINDOW',
      '-id 0x3a00007 _NET_WM_STATE _NET_WM_NAME',
      '-root _NET_ACTIVE_WINDOW',
      '-id 0x3a00007 _NET_WM_STATE _NET_WM_NAME',
    ]);
  });

  it('no active window, or it closed between the calls: not full-screen', async () => {
    const runner = new FakeCommandRunner()
      .on('xprop', ['-root', '_NET_ACTIVE_WINDOW'], exited('_NET_ACTIVE_WINDOW(WINDOW): window id # 0x0\n'), exited(ROOT))
      .on('xprop', null, { kind: 'exited', code: 1, stdout: '', stderr: 'BadWindow' });
    const source = createFullscreenSource({ platform: 'linux', runner, env: { DISPLAY: ':0' } });
    expect(await source.read()).toEqual({ available: true, active: false });
    expect(runner.runs).toHaveLength(1);
    expect(await source.read()).toEqual({ available: true, active: false });
  });

  it('X server unreachable: unavailable with xprop’s message', async () => {
    const runner = new FakeCommandRunner().on('xprop', null, { kind: 'exited', code: 1, stdout: '', stderr: 'xprop:  unable to open display \':0\'\n' });
    const reading = await createFullscreenSource({ platform: 'linux', runner, env: { DISPLAY: ':0' } }).read();
    expect(reading).toEqual({ available: false, reason: "cannot reach the X server on :0 (xprop: xprop:  unable to open display ':0')" });
  });

  it('xprop missing: unavailable, and not spawned again until the recheck is due', async () => {
    let now = 0;
    const runner = new FakeCommandRunner();
    const source = createFullscreenSource({ platform: 'linux', runner, env: { DISPLAY: ':0' }, nowMs: () => now, recheckMissingMs: 60_000 });
    expect(await source.read()).toEqual({ available: false, reason: NO_XPROP_REASON });
    now = 30_000;
    await source.read();
    expect(runner.runs).toHaveLength(1);
    now = 61_000;
    await source.read();
    expect(runner.runs).toHaveLength(2);
  });

  it('Wayland, no DISPLAY, Windows, macOS: unavailable with a reason, nothing spawned', async () => {
    const runner = new FakeCommandRunner();
    const read = (platform: NodeJS.Platform, env: NodeJS.ProcessEnv) => createFullscreenSource({ platform, runner, env }).read();
    expect(await read('linux', { DISPLAY: ':0', WAYLAND_DISPLAY: 'wayland-0' })).toEqual({ available: false, reason: WAYLAND_FULLSCREEN_REASON });
    expect(await read('linux', {})).toEqual({ available: false, reason: NO_DISPLAY_FULLSCREEN_REASON });
    expect(await read('win32', {})).toEqual({ available: false, reason: WINDOWS_FULLSCREEN_REASON });
    expect(WINDOWS_FULLSCREEN_REASON).toMatch(/desktop app/);
    expect((await read('darwin', {})).available).toBe(false);
    expect(runner.runs).toEqual([]);
  });

  it('a native check, when given, is what answers (the Windows seam)', async () => {
    const runner = new FakeCommandRunner();
    const source = createFullscreenSource({
      platform: 'win32',
      runner,
      env: {},
      native: { read: async () => ({ available: true, active: true, app: 'game.exe' }) },
    });
    expect(await source.read()).toEqual({ available: true, active: true, app: 'game.exe' });
  });
});

describe('createFullscreenSource: following changes with xprop -spy', () => {
  const setup = () => {
    let now = 0;
    const runner = new FakeCommandRunner()
      .on('xprop', ['-root', '_NET_ACTIVE_WINDOW'], exited(ROOT))
      .on('xprop', ['-id', '0x3a00007', '_NET_WM_STATE', '_NET_WM_NAME'], exited(WINDOWED));
    const source = createFullscreenSource({ platform: 'linux', runner, env: { DISPLAY: ':0' }, nowMs: () => now, verifyMs: 10_000 });
    return { runner, source, at: (ms: number) => (now = ms) };
  };
  const polls = (runner: FakeCommandRunner) => runner.runs.length;

  it('after one polled read, answers from the spies without spawning, and sees a switch to full screen at once', async () => {
    const { runner, source, at } = setup();
    expect(await source.read()).toEqual({ available: true, active: false });
    expect(polls(runner)).toBe(2);
    expect(runner.streams.map((s) => s.args)).toEqual([['-root', '-spy', '_NET_ACTIVE_WINDOW']]);
    runner.streams[0]!.emit(ROOT.trim());
    expect(runner.streams[1]!.args).toEqual(['-id', '0x3a00007', '-spy', '_NET_WM_STATE', '_NET_WM_NAME']);
    for (const line of WINDOWED.trim().split('\n')) runner.streams[1]!.emit(line);
    at(1_000);
    expect(await source.read()).toEqual({ available: true, active: false });
    // The game goes full screen: the spy prints the new state line.
    runner.streams[1]!.emit('_NET_WM_STATE(ATOM) = _NET_WM_STATE_FULLSCREEN');
    at(2_000);
    expect(await source.read()).toEqual({ available: true, active: true, app: 'Terminal' });
    // A state removed prints "not found.".
    runner.streams[1]!.emit('_NET_WM_STATE:  not found.');
    expect(await source.read()).toEqual({ available: true, active: false });
    expect(polls(runner)).toBe(2);
  });

  it('another window becomes active: the old window spy stops and a new one starts', async () => {
    const { runner, source } = setup();
    await source.read();
    runner.streams[0]!.emit(ROOT.trim());
    runner.streams[0]!.emit('_NET_ACTIVE_WINDOW(WINDOW): window id # 0x4400002');
    expect(runner.streams[1]!.stopped).toBe(true);
    expect(runner.streams[2]!.args).toEqual(['-id', '0x4400002', '-spy', '_NET_WM_STATE', '_NET_WM_NAME']);
    // Until the new spy has spoken, a polled read answers.
    await source.read();
    expect(polls(runner)).toBe(4);
    runner.streams[0]!.emit('_NET_ACTIVE_WINDOW(WINDOW): window id # 0x0');
    expect(await source.read()).toEqual({ available: true, active: false });
    expect(polls(runner)).toBe(4);
  });

  it('polls again every verifyMs; spies out of step with the X server are replaced; close() stops them', async () => {
    const { runner, source, at } = setup();
    await source.read();
    runner.streams[0]!.emit(ROOT.trim());
    runner.streams[1]!.emit('_NET_WM_STATE(ATOM) = _NET_WM_STATE_FULLSCREEN');
    runner.streams[1]!.emit('_NET_WM_NAME(UTF8_STRING) = "Game"');
    at(5_000);
    expect(await source.read()).toEqual({ available: true, active: true, app: 'Game' });
    at(10_000);
    // The poll says windowed (the spy missed it): the poll wins and the spies start afresh.
    expect(await source.read()).toEqual({ available: true, active: false });
    expect(polls(runner)).toBe(4);
    expect(runner.streams.slice(0, 2).every((s) => s.stopped)).toBe(true);
    expect(runner.streams[2]!.args).toEqual(['-root', '-spy', '_NET_ACTIVE_WINDOW']);
    source.close?.();
    expect(runner.streams[2]!.stopped).toBe(true);
  });

  it('the X server gone: unavailable, and the spies are stopped', async () => {
    let now = 0;
    const runner = new FakeCommandRunner().on(
      'xprop',
      ['-root', '_NET_ACTIVE_WINDOW'],
      exited(''),
      exited('', 1, "xprop:  unable to open display ':0'"),
    );
    const source = createFullscreenSource({ platform: 'linux', runner, env: { DISPLAY: ':0' }, nowMs: () => now, verifyMs: 10_000 });
    await source.read();
    runner.streams[0]!.emit('_NET_ACTIVE_WINDOW(WINDOW): window id # 0x0');
    now = 10_000;
    expect(await source.read()).toEqual({ available: false, reason: "cannot reach the X server on :0 (xprop: xprop:  unable to open display ':0')" });
    expect(runner.streams[0]!.stopped).toBe(true);
  });
});

describe('createFullscreenSource: a spy started before the atom existed', () => {
  it('is not trusted (polled reads answer) and is restarted after verifyMs', async () => {
    let now = 0;
    const runner = new FakeCommandRunner()
      .on('xprop', ['-root', '_NET_ACTIVE_WINDOW'], exited(ROOT))
      .on('xprop', ['-id', '0x3a00007', '_NET_WM_STATE', '_NET_WM_NAME'], exited(WINDOWED), exited(FULL));
    const source = createFullscreenSource({ platform: 'linux', runner, env: { DISPLAY: ':0' }, nowMs: () => now, verifyMs: 10_000 });
    await source.read();
    runner.streams[0]!.emit(ROOT.trim());
    runner.streams[1]!.emit('_NET_WM_STATE:  no such atom on any window.');
    runner.streams[1]!.emit('_NET_WM_NAME(UTF8_STRING) = "Terminal"');
    now = 1_000;
    expect(await source.read()).toEqual({ available: true, active: true, app: 'Cyberpunk 2077 (C) 2020 by "CD Projekt"' });
    expect(runner.runs).toHaveLength(4);
    expect(runner.streams[0]!.stopped).toBe(false);
    now = 10_000;
    await source.read();
    expect(runner.streams[0]!.stopped).toBe(true);
    expect(runner.streams[2]!.args).toEqual(['-root', '-spy', '_NET_ACTIVE_WINDOW']);
  });
});
