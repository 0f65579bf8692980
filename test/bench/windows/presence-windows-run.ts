/**
 * Runs INSIDE Windows node.exe under Wine (bundled by presence-windows-figures.ts): the real
 * presence monitor over the Windows sources, at the intervals the agent uses on Windows,
 * with the availability engine's pause reasons computed on every change, as the agent does.
 *  - full screen: the fake game (eldenring.exe) is told to go full screen; latency is from
 *    the moment it applied that (its own clock stamp) to the first decision carrying the
 *    "fullscreen" reason;
 *  - watch list: a copy of node.exe named benchgame.exe is started (CreateProcess); latency
 *    from just before the start to the decision carrying "process";
 *  - CPU: process.cpuUsage (GetProcessTimes under Wine) per source read, and for the whole
 *    monitor over a quiet stretch.
 * Usage: node.exe presence-windows-run.cjs <result.json> <control> <status> <runs> <quiet s>
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as koffi from 'koffi';
import { CPU_DEVICE_ID, pauseReasons } from '../../../electron/agent/availability/availability-engine';
import { WINDOWS_PRESENCE_INTERVALS_MS } from '../../../electron/agent/presence/node-presence-sources';
import { createPresenceMonitor, PRESENCE_INTERVALS_MS } from '../../../electron/agent/presence/presence-monitor';
import { createWindowsPresenceSources } from '../../../electron/agent/presence/windows';
import { defaultControls } from '../../../shared/domain/settings';
import type { PresenceReadings } from '../../../shared/domain/availability';

const [resultFile, controlFile, statusFile, runsText, quietText] = process.argv.slice(2) as [string, string, string, string, string];
const runs = Number(runsText);
const quietSeconds = Number(quietText);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const logger = { debug() {}, info() {}, warn() {}, error() {} };
const cpuMs = () => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
};

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

async function main() {
  const created = createWindowsPresenceSources(koffi, { logger });
  if (!created.ok) throw new Error(created.reason);
  const { sources } = created;
  const controls = defaultControls('UTC');
  // The fake game (eldenring.exe) is on the built-in list; only benchgame is watched here.
  controls.presence.processes.builtIn = false;
  controls.presence.processes.watchList = ['benchgame'];
  const intervals = { ...PRESENCE_INTERVALS_MS, ...WINDOWS_PRESENCE_INTERVALS_MS };

  // Cost of one read of each source, warmed up.
  const perRead: Record<string, number> = {};
  const perReadWall: Record<string, number> = {};
  const reads: Array<[string, () => Promise<unknown>]> = [
    ['fullscreen', () => sources.fullscreen.read()],
    ['processes', () => sources.processes.list()],
    ['idle', () => sources.idle.read()],
    ['gpuInUse', () => sources.gpuProcesses.read()],
  ];
  for (const [name, read] of reads) {
    for (let i = 0; i < 5; i++) await read();
    const start = cpuMs();
    const wallStart = performance.now();
    const n = 200;
    for (let i = 0; i < n; i++) await read();
    perRead[name] = (cpuMs() - start) / n;
    perReadWall[name] = (performance.now() - wallStart) / n;
  }

  // Baseline for the Linux side: the same stretch with no detector running, so what
  // wineserver does for the fake game's message loop can be told apart from ours.
  writeFileSync(`${resultFile}.quiet`, 'base-start');
  await sleep(quietSeconds * 1000);
  writeFileSync(`${resultFile}.quiet`, 'base-end');

  let decisions: Array<{ at: number; codes: string[] }> = [];
  const monitor = createPresenceMonitor({
    ...sources,
    battery: { read: () => Promise.resolve({ available: false, reason: 'not measured here' }) },
    settings: () => controls.presence,
    clock: { now: () => new Date() },
    logger,
    intervalsMs: intervals,
  });
  const decide = (presence: PresenceReadings) =>
    pauseReasons(
      { uuid: CPU_DEVICE_ID, name: 'CPU', renting: true },
      { now: new Date(), devices: [], gpuJobsAllowed: true, controls, presence, previous: new Map() },
    ).map((r) => r.code);
  monitor.onChange((presence) => decisions.push({ at: Date.now(), codes: decide(presence) }));
  monitor.start();
  await monitor.readNow();

  // Whole monitor, nothing changing. The Linux side also reads this process's CPU from
  // /proc between the two marks (Wine's GetProcessTimes is coarse).
  writeFileSync(`${resultFile}.quiet`, 'start');
  const cpuBefore = cpuMs();
  const wallBefore = performance.now();
  await sleep(quietSeconds * 1000);
  const monitorPercent = ((cpuMs() - cpuBefore) / (performance.now() - wallBefore)) * 100;
  writeFileSync(`${resultFile}.quiet`, 'end');

  const latest = () => decisions[decisions.length - 1]?.codes ?? decide(monitor.latest()!);
  let n = 1000;
  const command = async (mode: string) => {
    n += 1;
    writeFileSync(controlFile, `${mode} ${n}`);
    const wanted = String(n);
    let stamp = 0;
    await waitFor(() => {
      const text = existsSync(statusFile) ? readFileSync(statusFile, 'utf8').trim().split(' ') : [];
      if (text[0] !== wanted) return false;
      stamp = Number(text[1]);
      return true;
    }, 10_000, `the fake game to apply ${mode}`);
    return stamp;
  };

  const fullscreenMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    await command('small');
    await waitFor(() => !latest().includes('fullscreen'), 10_000, 'full screen to end');
    await sleep(Math.random() * intervals.fullscreen); // any phase of the poll
    decisions = [];
    const appliedAt = await command('full');
    await waitFor(() => decisions.some((d) => d.codes.includes('fullscreen')), 10_000, 'the full-screen decision');
    fullscreenMs.push(decisions.find((d) => d.codes.includes('fullscreen'))!.at - appliedAt);
  }
  await command('small');

  const processMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    await waitFor(() => !latest().includes('process'), 10_000, 'the watched process to be gone');
    await sleep(Math.random() * intervals.processes);
    decisions = [];
    const startedAt = Date.now();
    const child = spawn('benchgame.exe', ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    await waitFor(() => decisions.some((d) => d.codes.includes('process')), 10_000, 'the watch-list decision');
    processMs.push(decisions.find((d) => d.codes.includes('process'))!.at - startedAt);
    child.kill();
    await new Promise((resolve) => child.once('exit', resolve));
  }
  monitor.stop();
  writeFileSync(resultFile, JSON.stringify({ perRead, perReadWall, monitorPercent, fullscreenMs, processMs, intervals }));
  process.exit(0);
}

main().catch((error: unknown) => {
  writeFileSync(resultFile, JSON.stringify({ error: String((error as Error).stack ?? error) }));
  process.exit(1);
});
