/**
 * Presence on Windows, measured under Wine (issue 14): detection latency from the fake
 * game's window going full screen to the pause decision, and from a watch-listed process
 * starting to the decision (median and p99 of `runs`), plus CPU per presence tick with
 * every Windows detector on. The measuring runs inside Windows node.exe
 * (windows/presence-windows-run.ts); this side prepares Wine, Xvfb and the fake game.
 * Skips with a printed reason where Wine or Xvfb is missing.
 * Run alone: `npx tsx test/bench/presence-windows-figures.ts [runs]`.
 */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { wine } from '../helpers/requirements';
import {
  bundleForWindows,
  commandFakeGame,
  exeCopy,
  prepareWindowsTestEnv,
  runNodeExeForJson,
  runUnderWine,
  startXvfb,
  stopWineserver,
} from '../windows/wine-harness';
import type { BenchFigure } from './figure';
import { median, round } from './figure';

const here = fileURLToPath(new URL('.', import.meta.url));
const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

interface RunResult {
  error?: string;
  perRead: Record<string, number>;
  perReadWall: Record<string, number>;
  monitorPercent: number;
  fullscreenMs: number[];
  processMs: number[];
  intervals: Record<string, number>;
}

const TICKS_PER_SECOND = 100; // USER_HZ

function cpuTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return null;
  }
}

/** Our Wine processes: node.exe running the bench (by its command line) and this prefix's wineserver. */
function winePids(prefix: string): { node: number | null; wineserver: number | null } {
  let node: number | null = null;
  let wineserver: number | null = null;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8');
      if (!environ.split('\0').includes(`WINEPREFIX=${prefix}`)) continue;
      if (cmdline.includes('presence-windows-run.cjs')) node = Number(entry);
      else if (/wineserver/.test(cmdline)) wineserver = Number(entry);
    } catch {
      // gone or not ours to read
    }
  }
  return { node, wineserver };
}

interface Stretch {
  seconds: number;
  nodePercent: number;
  wineserverPercent: number;
}

/**
 * Samples node.exe's and wineserver's CPU between the marks the bench writes: "base-start"
 * / "base-end" (no detector running) and "start" / "end" (the monitor running).
 */
function watchQuietStretch(markFile: string, prefix: string) {
  const stretches: Record<string, Stretch> = {};
  let open: { name: string; at: number; node: number; wineserver: number } | null = null;
  let pids: { node: number | null; wineserver: number | null } = { node: null, wineserver: null };
  const timer = setInterval(() => {
    const mark = existsSync(markFile) ? readFileSync(markFile, 'utf8') : '';
    const [name, edge] = mark.startsWith('base-') ? ['base', mark.slice(5)] : ['monitor', mark];
    if (edge === 'start' && !open && !stretches[name]) {
      pids = winePids(prefix);
      if (pids.node === null || pids.wineserver === null) return;
      open = { name, at: performance.now(), node: cpuTicks(pids.node) ?? 0, wineserver: cpuTicks(pids.wineserver) ?? 0 };
    } else if (edge === 'end' && open?.name === name) {
      const seconds = (performance.now() - open.at) / 1000;
      const share = (ticks: number | null, before: number) => (((ticks ?? before) - before) / TICKS_PER_SECOND / seconds) * 100;
      stretches[name] = {
        seconds,
        nodePercent: share(cpuTicks(pids.node!), open.node),
        wineserverPercent: share(cpuTicks(pids.wineserver!), open.wineserver),
      };
      open = null;
    }
  }, 20);
  return {
    stop() {
      clearInterval(timer);
      return stretches.base && stretches.monitor ? { base: stretches.base, monitor: stretches.monitor } : null;
    },
  };
}

export async function measurePresenceWindows(runs = 30, quietSeconds = 20): Promise<BenchFigure[]> {
  const requirement = wine();
  if (!requirement.ok) {
    console.log(`SKIP  presence on Windows (under Wine): ${requirement.reason}`);
    return [];
  }
  const env = prepareWindowsTestEnv();
  const xvfb = await startXvfb(1920, 1080);
  const work = mkdtempSync(join(env.root, 'bench-'));
  const control = join(work, 'control.txt');
  const status = join(work, 'status.txt');
  const game = (() => {
    copyFileSync(join(here, '..', 'windows', 'fake-game.mjs'), join(env.root, 'fake-game.mjs'));
    writeFileSync(control, 'small 1');
    return runUnderWine(env, xvfb.display, exeCopy(env, 'eldenring.exe'), ['fake-game.mjs', control, status], join(work, 'game.log'));
  })();
  try {
    exeCopy(env, 'benchgame.exe');
    await commandFakeGame(control, status, 'small', 1, 60_000);
    const script = await bundleForWindows(env, join(here, 'windows', 'presence-windows-run.ts'), 'presence-windows-run.cjs');
    const resultFile = join(work, 'result.json');
    const linuxSide = watchQuietStretch(`${resultFile}.quiet`, env.prefix);
    const result = await runNodeExeForJson<RunResult>(
      env,
      xvfb.display,
      script,
      [control, status, String(runs), String(quietSeconds)],
      resultFile,
      (2 * quietSeconds + runs * 8 + 120) * 1000,
    );
    const quiet = linuxSide.stop();
    if (result.error) throw new Error(`the Windows bench failed: ${result.error}`);
    const tick = result.perRead;
    console.log(
      `      under Wine: CPU per read ${Object.entries(tick).map(([k, v]) => `${k} ${round(v, 3)} ms`).join(', ')}; wall per read ${Object.entries(result.perReadWall).map(([k, v]) => `${k} ${round(v, 3)} ms`).join(', ')}; intervals ${JSON.stringify(result.intervals)}`,
    );
    if (quiet) {
      const { base, monitor } = quiet;
      console.log(
        `      Linux side, ${round(monitor.seconds, 1)} s each: no detector running node.exe ${round(base.nodePercent, 2)} % + wineserver ${round(base.wineserverPercent, 2)} %; monitor running node.exe ${round(monitor.nodePercent, 2)} % + wineserver ${round(monitor.wineserverPercent, 2)} % of a core (wineserver also serves the fake game's 5 ms message loop)`,
      );
    }
    // CPU share of one core at the Windows intervals: each source's read cost × reads per second.
    const perSecond = Object.entries(tick).reduce((sum, [key, ms]) => sum + ms * (1000 / (result.intervals[key] ?? 1000)), 0);
    return [
      { name: 'Windows (Wine): full screen → pause decision, median', value: round(median(result.fullscreenMs), 0), unit: 'ms', target: 1500, better: 'lower' },
      { name: 'Windows (Wine): full screen → pause decision, p99', value: round(percentile(result.fullscreenMs, 99), 0), unit: 'ms', target: 1500, better: 'lower' },
      { name: 'Windows (Wine): watch-listed process starts → pause decision, median', value: round(median(result.processMs), 0), unit: 'ms', target: 1500, better: 'lower' },
      { name: 'Windows (Wine): watch-listed process starts → pause decision, p99', value: round(percentile(result.processMs, 99), 0), unit: 'ms', target: 1500, better: 'lower' },
      { name: 'Windows (Wine): full-screen check, CPU per tick', value: round(tick.fullscreen ?? 0, 2), unit: 'ms', target: 10, better: 'lower' },
      { name: 'Windows (Wine): Toolhelp process list, CPU per tick', value: round(tick.processes ?? 0, 2), unit: 'ms', target: 10, better: 'lower' },
      { name: 'Windows (Wine): every detector at its interval, CPU (sum of reads)', value: round(perSecond / 10, 2), unit: '% of a core', target: 1, better: 'lower' },
      { name: 'Windows (Wine): presence monitor running, CPU (GetProcessTimes)', value: round(result.monitorPercent, 2), unit: '% of a core', target: 1, better: 'lower' },
      ...(quiet
        ? [
            {
              name: 'Windows (Wine): presence monitor, node.exe + its added wineserver CPU seen from Linux',
              value: round(quiet.monitor.nodePercent + Math.max(0, quiet.monitor.wineserverPercent - quiet.base.wineserverPercent), 2),
              unit: '% of a core',
              target: 1,
              better: 'lower' as const,
            },
          ]
        : []),
    ];
  } finally {
    await game.stop();
    stopWineserver(env);
    await xvfb.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const figure of await measurePresenceWindows(Number(process.argv[2] ?? 30))) {
    console.log(`${figure.name}: ${figure.value} ${figure.unit} (target ${figure.better === 'lower' ? '≤' : '≥'} ${figure.target})`);
  }
}
