import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILT_IN_WATCH_GROUPS, BUILT_IN_WATCH_LIST, NOT_WATCHED } from '../../../shared/domain/game-watchlist';
import {
  argv0Name,
  createLinuxProcessScanner,
  createProcessLister,
  matchWatchList,
  parsePsComm,
  parseTasklistCsv,
} from '../../../electron/agent/presence/process-watch';
import { exited, FakeCommandRunner } from '../../fakes/fake-command-runner';
import { tempDir } from '../../helpers/temp-dir';

const noBuiltIn = (watchList: string[]) => ({ builtIn: false, watchList });

describe('matchWatchList', () => {
  it('is case-insensitive and treats "x" and "x.exe" as the same program', () => {
    const running = ['EldenRing.EXE', 'blender', 'bash', 'Code.exe'];
    expect(matchWatchList(running, noBuiltIn(['eldenring.exe', 'Blender.exe', 'code']))).toEqual(['Code.exe', 'EldenRing.EXE', 'blender']);
    expect(matchWatchList(running, noBuiltIn([]))).toEqual([]);
  });

  it('ignores a directory in the owner entry and supports * wildcards', () => {
    expect(matchWatchList(['game.exe'], noBuiltIn(['C:\\Games\\Game.exe']))).toEqual(['game.exe']);
    expect(matchWatchList(['FortniteClient-Win64-Shipping.exe', 'notepad.exe'], noBuiltIn(['*-win64-shipping']))).toEqual([
      'FortniteClient-Win64-Shipping.exe',
    ]);
    // Regex characters in names are literal.
    expect(matchWatchList(['a+b.exe', 'aab.exe'], noBuiltIn(['a+b']))).toEqual(['a+b.exe']);
  });

  it('uses the built-in list only when it is on', () => {
    const running = ['gameoverlayui.exe', 'BEService.exe', 'VALORANT-Win64-Shipping.exe', 'cs2', 'steam.exe'];
    expect(matchWatchList(running, { builtIn: true, watchList: [] })).toEqual([
      'BEService.exe',
      'VALORANT-Win64-Shipping.exe',
      'cs2',
      'gameoverlayui.exe',
    ]);
    expect(matchWatchList(running, { builtIn: false, watchList: [] })).toEqual([]);
  });
});

describe('built-in watch list', () => {
  it('never contains an always-running launcher', () => {
    const builtIn = new Set(BUILT_IN_WATCH_LIST.map((n) => n.toLowerCase()));
    for (const { name } of NOT_WATCHED) expect(builtIn.has(name.toLowerCase())).toBe(false);
    expect(matchWatchList(NOT_WATCHED.map((n) => n.name), { builtIn: true, watchList: [] })).toEqual([]);
  });

  it('gives every group a reason and has no duplicates', () => {
    for (const group of BUILT_IN_WATCH_GROUPS) {
      expect(group.why.length).toBeGreaterThan(10);
      expect(group.names.length).toBeGreaterThan(0);
    }
    expect(new Set(BUILT_IN_WATCH_LIST.map((n) => n.toLowerCase())).size).toBe(BUILT_IN_WATCH_LIST.length);
  });
});

describe('OS listings', () => {
  it('parses tasklist CSV (quoted names, CRLF, doubled quotes)', () => {
    const stdout =
      '"System Idle Process","0","Services","0","8 K"\r\n"Cyberpunk2077.exe","4242","Console","1","9,512,044 K"\r\n"we""ird.exe","7","Console","1","1 K"\r\n\r\n';
    expect(parseTasklistCsv(stdout)).toEqual(['Cyberpunk2077.exe', 'System Idle Process', 'we"ird.exe']);
  });

  it('parses ps -axo comm= (full paths on macOS)', () => {
    expect(parsePsComm('/sbin/launchd\n/Applications/Steam.app/Contents/MacOS/steam_osx\n  bash\n\n')).toEqual([
      'bash',
      'launchd',
      'steam_osx',
    ]);
  });

  it('takes argv[0]s basename, including Wine paths', () => {
    expect(argv0Name('/usr/bin/python3\0-m\0http.server\0')).toBe('python3');
    expect(argv0Name('Z:\\home\\me\\Games\\ELDEN RING\\eldenring.exe\0')).toBe('eldenring.exe');
    expect(argv0Name('')).toBe('');
  });

  it('sends exactly tasklist /fo csv /nh on Windows and ps -axo comm= on macOS', async () => {
    const runner = new FakeCommandRunner()
      .on('tasklist', ['/fo', 'csv', '/nh'], exited('"x.exe","1","Console","1","1 K"\r\n'))
      .on('ps', ['-axo', 'comm='], exited('/bin/zsh\n'));
    expect(await createProcessLister({ platform: 'win32', runner }).list()).toEqual(['x.exe']);
    expect(await createProcessLister({ platform: 'darwin', runner }).list()).toEqual(['zsh']);
    expect(runner.runs.map((r) => [r.command, ...r.args])).toEqual([
      ['tasklist', '/fo', 'csv', '/nh'],
      ['ps', '-axo', 'comm='],
    ]);
  });

  it('a failing listing rejects (the monitor keeps the last list)', async () => {
    const runner = new FakeCommandRunner();
    await expect(createProcessLister({ platform: 'win32', runner }).list()).rejects.toThrow(/tasklist/);
  });
});

describe('Linux /proc scanner (fake /proc tree)', () => {
  let dir: ReturnType<typeof tempDir> | null = null;
  afterEach(() => dir?.cleanup());

  const proc = (root: string, pid: number, comm: string, cmdline: string | null) => {
    mkdirSync(join(root, String(pid)), { recursive: true });
    writeFileSync(join(root, String(pid), 'comm'), `${comm}\n`);
    if (cmdline !== null) writeFileSync(join(root, String(pid), 'cmdline'), cmdline);
  };

  it('reports comm and argv[0]; the full name survives comm truncation', async () => {
    dir = tempDir();
    const root = dir.path;
    proc(root, 1, 'systemd', '/sbin/init\0splash\0');
    proc(root, 4242, 'Cyberpunk2077.e', 'Z:\\games\\Cyberpunk2077.exe\0--launcher-skip\0');
    proc(root, 7, 'kworker/0:1', ''); // kernel thread: no cmdline
    mkdirSync(join(root, 'self'));
    writeFileSync(join(root, 'uptime'), '1 1');
    const names = await createProcessLister({ platform: 'linux', runner: new FakeCommandRunner(), procRoot: root }).list();
    expect(names).toEqual(['Cyberpunk2077.e', 'Cyberpunk2077.exe', 'init', 'kworker/0:1', 'systemd']);
    expect(matchWatchList(names, noBuiltIn(['cyberpunk2077.exe']))).toEqual(['Cyberpunk2077.exe']);
  });

  it('re-reads cmdline only for new pids or when comm changed (exec)', () => {
    dir = tempDir();
    const root = dir.path;
    proc(root, 10, 'bash', '/bin/bash\0');
    // Every scan a full sweep here (the sweep interval is the next test's).
    const scanner = createLinuxProcessScanner(root, { fullSweepEvery: 1 });
    expect(scanner.scan()).toEqual(['bash']);
    // Same comm, cmdline rewritten: cached (cheap path).
    writeFileSync(join(root, '10', 'cmdline'), '/opt/other\0');
    expect(scanner.scan()).toEqual(['bash']);
    // exec: comm changes, cmdline is read again.
    proc(root, 10, 'eldenring.exe', 'Z:\\g\\eldenring.exe\0');
    expect(scanner.scan()).toEqual(['eldenring.exe']);
    // Process gone.
    dir.cleanup();
    mkdirSync(root);
    expect(scanner.scan()).toEqual([]);
  });

  it('reads comm of old pids only on the full sweep; new and young pids on every scan', () => {
    dir = tempDir();
    const root = dir.path;
    proc(root, 10, 'bash', '/bin/bash\0');
    const scanner = createLinuxProcessScanner(root, { fullSweepEvery: 5, youngScans: 2 });
    expect(scanner.scan()).toEqual(['bash']); // scan 0 (full)
    expect(scanner.scan()).toEqual(['bash']); // scan 1: pid 10 still young
    // pid 10 is old now: an exec in it is not read until the next full sweep (scan 5)…
    proc(root, 10, 'eldenring.exe', 'Z:\\g\\eldenring.exe\0');
    expect(scanner.scan()).toEqual(['bash']); // scan 2
    // …but a new pid is seen at once, and a young one that renames itself too (Wine).
    proc(root, 20, 'wine64-preloader', '/usr/bin/wine64-preloader\0');
    expect(scanner.scan()).toEqual(['bash', 'wine64-preloader']); // scan 3
    proc(root, 20, 'game.exe', 'Z:\\g\\game.exe\0');
    expect(scanner.scan()).toEqual(['bash', 'game.exe']); // scan 4
    expect(scanner.scan()).toEqual(['eldenring.exe', 'game.exe']); // scan 5: the full sweep
  });

  it('returns the same frozen list while nothing changed, a new one when a process comes or goes', () => {
    dir = tempDir();
    const root = dir.path;
    proc(root, 10, 'bash', '/bin/bash\0');
    const scanner = createLinuxProcessScanner(root);
    const first = scanner.scan();
    expect(Object.isFrozen(first)).toBe(true);
    expect(scanner.scan()).toBe(first);
    proc(root, 11, 'blender', '/usr/bin/blender\0');
    const second = scanner.scan();
    expect(second).toEqual(['bash', 'blender']);
    expect(matchWatchList(second, noBuiltIn(['blender']))).toEqual(['blender']);
    expect(matchWatchList(scanner.scan(), noBuiltIn(['blender']))).toEqual(['blender']);
    // Another watch list on the same names is matched again.
    expect(matchWatchList(second, noBuiltIn(['bash']))).toEqual(['bash']);
  });
});

describe('matchWatchList memo', () => {
  it('matches a mutable list again on every call (only frozen lists are memoized)', () => {
    const names = ['bash'];
    expect(matchWatchList(names, noBuiltIn(['blender']))).toEqual([]);
    names.push('blender');
    expect(matchWatchList(names, noBuiltIn(['blender']))).toEqual(['blender']);
  });
});
