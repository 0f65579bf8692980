/**
 * The Windows presence module, run for real: Windows node.exe under Wine on a private Xvfb
 * display, with koffi's win32 binary (issue 14). A fake game (node.exe copied as
 * eldenring.exe) opens a borderless window; a probe script, run by node.exe too, reads the
 * detectors and writes JSON the test checks. Skips loudly without Wine/Xvfb, fails in CI.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { need, wine } from '../helpers/requirements';
import {
  bundleForWindows,
  commandFakeGame,
  exeCopy,
  prepareWindowsTestEnv,
  runNodeExeForJson,
  runUnderWine,
  startXvfb,
  stopWineserver,
  type WindowsTestEnv,
  type WineRun,
  type Xvfb,
} from './wine-harness';

const PROBE = String.raw`'use strict';
const fs = require('node:fs');
const koffi = require('koffi');
const w = require('./windows-presence.cjs');
const [resultFile, step] = process.argv.slice(2);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function main() {
  const api = w.loadWin32Api(koffi);
  const out = { pid: process.pid };
  const started = performance.now();
  out.fullscreen = await w.createWindowsFullscreenCheck(api).read();
  out.fullscreenMs = performance.now() - started;
  out.processes = await w.createWindowsProcessLister(api).list();
  out.builtInMatches = w.matchWatchList(out.processes, { builtIn: true, watchList: [] });
  out.ownMatches = w.matchWatchList(out.processes, { builtIn: false, watchList: ['EldenRing'] });
  if (step === 'all') {
    const idle = w.createWindowsIdleSource(api);
    out.idleBefore = await idle.read();
    await sleep(2200);
    out.idleAfterWait = await idle.read();
    const SendInput = koffi.load('user32.dll').func('uint32_t __stdcall SendInput(uint32_t count, void *inputs, int size)');
    const input = Buffer.alloc(40); // INPUT { type = INPUT_MOUSE; MOUSEINPUT { dx = 5, dwFlags = MOUSEEVENTF_MOVE } }
    input.writeUInt32LE(0, 0);
    input.writeInt32LE(5, 8);
    input.writeUInt32LE(1, 20);
    out.sent = SendInput(1, input, 40);
    out.idleAfterInput = await idle.read();
    const gpuUse = w.createWindowsGpuUse(api, { firstSampleGapMs: 10 });
    out.gpuUse = await gpuUse.read();
    out.gpuUseAgain = await gpuUse.read();
    out.nvml = w.listNvidiaGpus(koffi);
    const logged = [];
    const source = w.createWindowsGpuProcessSource({
      gpuUse,
      nvidiaGpus: () => w.listNvidiaGpus(koffi),
      logger: { debug() {}, info() {}, warn: (m) => logged.push(m), error: (m) => logged.push(m) },
    });
    out.gpuReading = await source.reading();
    out.gpuForeign = await source.read();
    out.gpuLogged = logged;
    out.aliveAfterGpu = true;
  }
  fs.writeFileSync(resultFile, JSON.stringify(out));
}
main().catch((error) => fs.writeFileSync(resultFile, JSON.stringify({ error: String(error && error.stack) })));
`;

const hasWine = need(wine());

describe.skipIf(!hasWine)('Windows presence under Wine (issue 14)', () => {
  let env: WindowsTestEnv;
  let xvfb: Xvfb;
  let game: WineRun | null = null;
  let work: string;
  let control: string;
  let status: string;
  let probe: string;
  let n = 0;

  beforeAll(async () => {
    env = prepareWindowsTestEnv();
    xvfb = await startXvfb(1920, 1080);
    await bundleForWindows(env, join(__dirname, 'windows-entry.ts'), 'windows-presence.cjs');
    work = mkdtempSync(join(env.root, 'run-'));
    probe = join(env.root, 'presence-probe.cjs');
    writeFileSync(probe, PROBE);
    control = join(work, 'control.txt');
    status = join(work, 'status.txt');
    writeFileSync(control, `small ${++n}`);
    const exe = exeCopy(env, 'eldenring.exe');
    // Next to node_modules/koffi in the Windows root, so require('koffi') finds the win32 build.
    copyFileSync(join(__dirname, 'fake-game.mjs'), join(env.root, 'fake-game.mjs'));
    game = runUnderWine(env, xvfb.display, exe, ['fake-game.mjs', control, status], join(work, 'game.log'));
    await commandFakeGame(control, status, 'small', n, 60_000);
  }, 300_000);

  afterAll(async () => {
    await game?.stop();
    if (env) stopWineserver(env);
    await xvfb?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  type Probe = Record<string, unknown> & {
    fullscreen: { available: boolean; active?: boolean; app?: string };
    builtInMatches: string[];
    ownMatches: string[];
    processes: string[];
  };
  const readProbe = (step: string) => runNodeExeForJson<Probe>(env, xvfb.display, probe, [step], join(work, `probe-${++n}.json`));

  it('a small game window is not full screen, and Toolhelp finds the game for the watch list', async () => {
    const result = await readProbe('all');
    expect(result.error).toBeUndefined();
    expect(result.fullscreen).toEqual({ available: true, active: false });
    expect(result.processes).toContain('eldenring.exe');
    expect(result.builtInMatches).toEqual(['eldenring.exe']);
    expect(result.ownMatches).toEqual(['eldenring.exe']);

    // GetLastInputInfo: time passes without input, then SendInput resets it.
    expect(result.idleAfterWait).toMatchObject({ available: true, source: 'GetLastInputInfo' });
    expect((result.idleAfterWait as { idleSeconds: number }).idleSeconds).toBeGreaterThanOrEqual(2);
    expect(result.sent).toBe(1);
    expect(result.idleAfterInput).toEqual({ available: true, idleSeconds: 0, source: 'GetLastInputInfo' });

    // Wine has no "GPU Engine" counter: a reason, and the process lived on (it would abort
    // had PdhGetFormattedCounterArrayW been called).
    expect(result.gpuUse).toMatchObject({ available: false });
    expect((result.gpuUse as { reason: string }).reason).toMatch(/GPU Engine.*0xC0000BB9 \(PDH_CSTATUS_NO_COUNTER\)/);
    expect(result.gpuUseAgain).toEqual(result.gpuUse);
    expect(result.aliveAfterGpu).toBe(true);

    // No NVIDIA driver: nvml.dll is missing, said plainly.
    expect(result.nvml).toMatchObject({ available: false });
    expect((result.nvml as { reason: string }).reason).toMatch(/nvml\.dll could not be loaded/);
    expect(result.gpuReading).toEqual(result.nvml);
    expect(result.gpuForeign).toEqual(result.nvml); // the presence monitor gets "unavailable" with the same reason
    expect(result.gpuLogged).toEqual([`GPU use check: ${(result.nvml as { reason: string }).reason}`]);
  }, 120_000);

  it('the game going borderless full screen is seen, with its exe name', async () => {
    await commandFakeGame(control, status, 'full', ++n);
    const result = await readProbe('fullscreen');
    expect(result.error).toBeUndefined();
    expect(result.fullscreen).toEqual({ available: true, active: true, app: 'eldenring.exe' });

    await commandFakeGame(control, status, 'small', ++n);
    const back = await readProbe('fullscreen');
    expect(back.fullscreen).toEqual({ available: true, active: false });
  }, 120_000);
});
