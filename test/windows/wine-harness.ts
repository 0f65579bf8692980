/**
 * Runs RigShift's Windows presence code for real on Linux: Windows node.exe under Wine,
 * on an Xvfb display, with koffi's win32 binary (scripts/windows-test-env.mjs prepares all
 * of it). Windows node.exe crashes (EBADF) when its output is a pipe, so every process here
 * writes to files, and results come back as JSON files the test reads.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, renameSync, mkdirSync, openSync, closeSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Requirement } from '../helpers/requirements';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface WindowsTestEnv {
  wine: string;
  wineserver: string;
  prefix: string;
  root: string;
  nodeExe: string;
  node: string;
  koffi: string;
}

const WINE_CANDIDATES = ['/usr/lib/wine/wine64', '/usr/bin/wine64', '/usr/bin/wine', '/usr/lib/wine/wine'];

/** Wine and Xvfb installed (the Windows packages themselves are fetched by the env script). */
export function wineAndXvfb(): Requirement {
  if (!WINE_CANDIDATES.some((path) => existsSync(path))) {
    return { ok: false, reason: 'Wine is not installed (Debian: apt-get install wine64), so the Windows presence code cannot run' };
  }
  if (!existsSync('/usr/bin/Xvfb')) return { ok: false, reason: 'Xvfb is not installed (Debian: apt-get install xvfb)' };
  return { ok: true, reason: '' };
}

/** Runs scripts/windows-test-env.mjs (quick when cached) and returns what it prepared. */
export function prepareWindowsTestEnv(): WindowsTestEnv {
  const out = execFileSync(process.execPath, [join(repo, 'scripts', 'windows-test-env.mjs')], {
    encoding: 'utf8',
    timeout: 300_000,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out.trim().split('\n').pop()!) as WindowsTestEnv;
}

export interface Xvfb {
  display: string;
  stop(): Promise<void>;
}

/** A private X server on a free display number (Xvfb picks it and tells us on fd 3). */
export function startXvfb(width = 1920, height = 1080): Promise<Xvfb> {
  const child = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', `${width}x${height}x24`, '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolvePromise, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error('Xvfb did not report a display within 10 s')), 10_000);
    child.once('exit', (code) => reject(new Error(`Xvfb exited with ${code}`)));
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (!text.includes('\n')) return;
      clearTimeout(timer);
      resolvePromise({
        display: `:${text.trim()}`,
        stop: () => stopChild(child),
      });
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3_000).unref();
  });
}

/** Bundles a TypeScript entry into one CommonJS file in the Windows root (koffi stays outside). */
export async function bundleForWindows(env: WindowsTestEnv, entry: string, name: string): Promise<string> {
  const outfile = join(env.root, name);
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['koffi'],
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}

/**
 * A copy of node.exe under another name (a fake game's exe), made once. A copy, not a hard
 * link: Wine names a process after the first path it knows for the file's inode, so a
 * linked eldenring.exe shows up as node.exe.
 */
export function exeCopy(env: WindowsTestEnv, name: string): string {
  const path = join(env.root, name);
  if (existsSync(path)) return path;
  copyFileSync(env.nodeExe, `${path}.part`);
  renameSync(`${path}.part`, path);
  return path;
}

export interface WineRun {
  child: ChildProcess;
  /** Resolves with the exit code (null when killed). */
  exited: Promise<number | null>;
  log: string;
  stop(): Promise<void>;
}

/** Starts `exe script args…` under Wine, output to `log` (never a pipe). */
export function runUnderWine(env: WindowsTestEnv, display: string, exe: string, args: string[], log: string): WineRun {
  mkdirSync(dirname(log), { recursive: true });
  const fd = openSync(log, 'w');
  const child = spawn(env.wine, [exe, ...args], {
    cwd: env.root,
    // No crash dialog (winedbg) and no desktop integration: a crash ends the process at once
    // instead of waiting on a window nobody can click.
    env: {
      ...process.env,
      WINEPREFIX: env.prefix,
      WINEDEBUG: '-all',
      WINEDLLOVERRIDES: 'winedbg.exe=d;winemenubuilder.exe=d',
      DISPLAY: display,
      WAYLAND_DISPLAY: '',
    },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, exited, log, stop: () => stopChild(child) };
}

/** Runs a script with Windows node.exe to its end and returns the JSON it wrote to `resultFile`. */
export async function runNodeExeForJson<T>(
  env: WindowsTestEnv,
  display: string,
  script: string,
  args: string[],
  resultFile: string,
  timeoutMs = 60_000,
): Promise<T> {
  const run = runUnderWine(env, display, env.nodeExe, [script, resultFile, ...args], `${resultFile}.log`);
  const timer = setTimeout(() => void run.stop(), timeoutMs);
  const code = await run.exited;
  clearTimeout(timer);
  const log = existsSync(run.log) ? readFileSync(run.log, 'utf8') : '';
  if (!existsSync(resultFile)) throw new Error(`node.exe ${script} wrote no result (exit ${code}):\n${log}`);
  return JSON.parse(readFileSync(resultFile, 'utf8')) as T;
}

/** Stops this prefix's wineserver (ours alone: it belongs to our WINEPREFIX). */
export function stopWineserver(env: WindowsTestEnv): void {
  try {
    execFileSync(env.wineserver, ['-k'], { env: { ...process.env, WINEPREFIX: env.prefix }, stdio: 'ignore', timeout: 10_000 });
  } catch {
    // no server running
  }
}

/** Writes a command for the fake game and waits until it says it applied it. */
export async function commandFakeGame(control: string, status: string, mode: 'small' | 'full' | 'exit', n: number, timeoutMs = 15_000): Promise<number> {
  writeFileSync(control, `${mode} ${n}`);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const text = existsSync(status) ? readFileSync(status, 'utf8').trim() : '';
    const [seen, at] = text.split(' ');
    if (seen === String(n)) return Number(at);
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`the fake game did not apply "${mode} ${n}" within ${timeoutMs} ms`);
}
