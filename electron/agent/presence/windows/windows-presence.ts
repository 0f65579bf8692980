/**
 * The presence detectors on Windows, through Win32 calls (koffi), for the desktop app and the
 * headless agent alike. Both run in the owner's desktop session, which is what these calls
 * see: a service in session 0 would see no foreground window and no input.
 *
 *  - full screen: foreground.ts's rectangle test, with the owning process's exe name;
 *  - input idle: GetLastInputInfo against GetTickCount;
 *  - processes: one Toolhelp snapshot (about 3 ms) instead of spawning `tasklist`, which
 *    goes through WMI and costs 0.17–0.25 s of wall time per call;
 *  - GPU use by other processes: the "GPU Engine" counters (pdh-gpu-engine.ts), any process
 *    at or over the owner's threshold; WSL's VM, dwm.exe and our own process tree are never
 *    the owner. NVIDIA UUIDs (for "which GPU to pause") come from nvml.dll.
 *
 * Every failure reads as "unavailable: <reason>", never as "nobody here" and never a crash.
 */
import type { Logger } from '../../ports';
import type { FullscreenReading, GpuProcessSource, GpuUseReading, IdleReading, IdleSource, ProcessLister } from '../presence-ports';
import type { NativeFullscreenCheck } from '../fullscreen';
import { classifyForeground } from './foreground';
import {
  describePdhStatus,
  descendantsOf,
  GPU_ENGINE_3D_COUNTER,
  PDH_FMT_DOUBLE_NOCAP100,
  PDH_STATUS,
  parsePdhItemArray,
  sum3dUsePerPid,
  WINDOWS_NOT_OWNER_GPU_PROCESSES,
} from './pdh-gpu-engine';
import {
  type Handle,
  type KoffiModule,
  isInvalidHandle,
  MONITOR_DEFAULTTONEAREST,
  PROCESS_QUERY_LIMITED_INFORMATION,
  TH32CS_SNAPPROCESS,
  type Win32Api,
} from './win32-api';
import {
  idleSecondsFromTicks,
  lastInputTick,
  monitorRect,
  newLastInputInfoBuffer,
  newMonitorInfoBuffer,
  newProcessEntryBuffer,
  parseProcessEntry,
  parseRect,
  type ProcessEntry,
  readWideString,
  wideString,
} from './win32-structs';

const baseName = (path: string): string => path.split(/[\\/]/).pop() ?? path;

// ---------------------------------------------------------------- processes (Toolhelp)

/** Every process now: pid, parent and exe name, from one Toolhelp snapshot. */
export function snapshotProcesses(api: Win32Api): ProcessEntry[] {
  const { kernel32 } = api;
  const snapshot = kernel32.CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
  if (isInvalidHandle(snapshot)) throw new Error(`CreateToolhelp32Snapshot failed (error ${kernel32.GetLastError()})`);
  try {
    const entries: ProcessEntry[] = [];
    const entry = newProcessEntryBuffer();
    for (let ok = kernel32.Process32FirstW(snapshot, entry); ok; ok = kernel32.Process32NextW(snapshot, entry)) {
      entries.push(parseProcessEntry(entry));
    }
    return entries;
  } finally {
    kernel32.CloseHandle(snapshot);
  }
}

export function createWindowsProcessLister(api: Win32Api): ProcessLister {
  return {
    list: () => Promise.resolve().then(() => [...new Set(snapshotProcesses(api).map((p) => p.name))].sort()),
  };
}

// ---------------------------------------------------------------- idle

export const WINDOWS_IDLE_SOURCE = 'GetLastInputInfo';

export function createWindowsIdleSource(api: Win32Api): IdleSource {
  const info = newLastInputInfoBuffer();
  return {
    read(): Promise<IdleReading> {
      if (!api.user32.GetLastInputInfo(info)) {
        return Promise.resolve({
          available: false,
          reason: `GetLastInputInfo failed (error ${api.kernel32.GetLastError()}); is RigShift running in your desktop session?`,
        });
      }
      const seconds = idleSecondsFromTicks(api.kernel32.GetTickCount(), lastInputTick(info));
      return Promise.resolve({ available: true, idleSeconds: seconds, source: WINDOWS_IDLE_SOURCE });
    },
  };
}

// ---------------------------------------------------------------- full screen

/** The exe file name of a pid ("eldenring.exe"), or null when it cannot be opened. */
export function processImageName(api: Win32Api, pid: number): string | null {
  const { kernel32 } = api;
  const handle = kernel32.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, false, pid);
  if (isInvalidHandle(handle)) return null;
  try {
    const chars = 1024;
    const name = Buffer.alloc(chars * 2);
    const size = Buffer.alloc(4);
    size.writeUInt32LE(chars, 0);
    if (!kernel32.QueryFullProcessImageNameW(handle, 0, name, size)) return null;
    return baseName(readWideString(name, 0, size.readUInt32LE(0)));
  } finally {
    kernel32.CloseHandle(handle);
  }
}

export interface WindowsFullscreenOptions {
  /** Our own process (the desktop app's windows are never "a game"); default process.pid. */
  ownPid?: number;
}

export function createWindowsFullscreenCheck(api: Win32Api, options: WindowsFullscreenOptions = {}): NativeFullscreenCheck {
  const ownPid = options.ownPid ?? process.pid;
  const { user32, shell32 } = api;
  const rect = Buffer.alloc(16);
  const info = newMonitorInfoBuffer();
  const pidOut = Buffer.alloc(4);
  const className = Buffer.alloc(512);
  const quns = Buffer.alloc(4);

  const notificationState = (): number | null => (shell32.SHQueryUserNotificationState(quns) === 0 ? quns.readInt32LE(0) : null);

  function read(): FullscreenReading {
    const hwnd: Handle = user32.GetForegroundWindow();
    if (isInvalidHandle(hwnd)) return { available: true, active: false };
    pidOut.writeUInt32LE(0, 0);
    user32.GetWindowThreadProcessId(hwnd, pidOut);
    const pid = pidOut.readUInt32LE(0);
    const classChars = user32.GetClassNameW(hwnd, className, 256);
    const monitor = user32.MonitorFromWindow(hwnd, MONITOR_DEFAULTTONEAREST);
    const verdict = classifyForeground({
      className: classChars > 0 ? readWideString(className, 0, classChars) : '',
      pid,
      ownPid,
      minimized: user32.IsIconic(hwnd),
      windowRect: user32.GetWindowRect(hwnd, rect) ? parseRect(rect) : null,
      monitorRect: !isInvalidHandle(monitor) && user32.GetMonitorInfoW(monitor, info) ? monitorRect(info) : null,
      notificationState: notificationState(),
    });
    if (!verdict.fullscreen) return { available: true, active: false };
    const app = processImageName(api, pid) ?? snapshotProcesses(api).find((p) => p.pid === pid)?.name;
    return app ? { available: true, active: true, app } : { available: true, active: true };
  }

  return {
    read: () =>
      Promise.resolve().then(() => {
        try {
          return read();
        } catch (error) {
          return { available: false, reason: `the foreground window cannot be read: ${(error as Error).message}` };
        }
      }),
  };
}

// ---------------------------------------------------------------- NVIDIA GPUs (nvml.dll)

export type NvmlGpuList = { available: true; uuids: string[] } | { available: false; reason: string };

/** Where nvml.dll lives: System32 on current drivers (found by name), NVSMI on older ones. */
export const NVML_DLL_CANDIDATES = ['nvml.dll', 'C:\\Program Files\\NVIDIA Corporation\\NVSMI\\nvml.dll'];

/**
 * The NVIDIA GPUs' UUIDs through nvml.dll. No driver (no DLL, or nvmlInit fails) is an
 * answer with a reason, not an exception.
 */
export function listNvidiaGpus(koffi: KoffiModule, candidates: readonly string[] = NVML_DLL_CANDIDATES): NvmlGpuList {
  let lib: ReturnType<KoffiModule['load']> | null = null;
  const failures: string[] = [];
  for (const path of candidates) {
    try {
      lib = koffi.load(path);
      break;
    } catch (error) {
      failures.push(`${path}: ${(error as Error).message.trim()}`);
    }
  }
  if (!lib) return { available: false, reason: `nvml.dll could not be loaded, so no NVIDIA driver is installed (${failures.join('; ')})` };
  try {
    const init = lib.func('int __cdecl nvmlInit_v2()');
    const count = lib.func('int __cdecl nvmlDeviceGetCount_v2(void *count)');
    const byIndex = lib.func('int __cdecl nvmlDeviceGetHandleByIndex_v2(uint32_t index, void *device)');
    const uuidOf = lib.func('int __cdecl nvmlDeviceGetUUID(uintptr_t device, void *uuid, uint32_t length)');
    const initStatus = init() as number;
    if (initStatus !== 0) return { available: false, reason: `nvmlInit_v2 failed with NVML error ${initStatus}` };
    const countOut = Buffer.alloc(4);
    const countStatus = count(countOut) as number;
    if (countStatus !== 0) return { available: false, reason: `nvmlDeviceGetCount_v2 failed with NVML error ${countStatus}` };
    const uuids: string[] = [];
    for (let i = 0; i < countOut.readUInt32LE(0); i++) {
      const device = Buffer.alloc(8);
      if ((byIndex(i, device) as number) !== 0) continue;
      const uuid = Buffer.alloc(96);
      if ((uuidOf(device.readBigUInt64LE(0), uuid, uuid.length) as number) !== 0) continue;
      uuids.push(uuid.toString('latin1', 0, Math.max(0, uuid.indexOf(0))));
    }
    return { available: true, uuids };
  } catch (error) {
    return { available: false, reason: `nvml.dll is not usable: ${(error as Error).message}` };
  }
}

// ---------------------------------------------------------------- GPU use (PDH)

export interface GpuUser {
  pid: number;
  name: string;
  /** Share of the 3D engine between the last two samples, 0–100. */
  gpuPercent: number;
}

export type WindowsGpuUseReading =
  | { available: true; via: string; processes: GpuUser[] }
  | { available: false; reason: string };

export const GPU_ENGINE_VIA = 'PDH "GPU Engine" counters (engtype_3D)';

export interface WindowsGpuUseOptions {
  /** Our own process: it and its children (the Electron GPU process) are not the owner. */
  ownPid?: number;
  /** Gap between the first two samples, so the first reading already has a rate. */
  firstSampleGapMs?: number;
  /** How long an "unavailable" answer is kept before trying PDH again. */
  retryMs?: number;
  nowMs?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Processes using the 3D engine now, not ours and not the system's. */
export interface WindowsGpuUse {
  read(): Promise<WindowsGpuUseReading>;
  close(): void;
}

export function createWindowsGpuUse(api: Win32Api, options: WindowsGpuUseOptions = {}): WindowsGpuUse {
  const ownPid = options.ownPid ?? process.pid;
  const firstSampleGapMs = options.firstSampleGapMs ?? 250;
  const retryMs = options.retryMs ?? 60_000;
  const nowMs = options.nowMs ?? (() => performance.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const { koffi } = api;

  let open: { query: Handle; counter: Handle } | null = null;
  let down: { reason: string; at: number } | null = null;

  const unavailable = (reason: string): WindowsGpuUseReading => {
    down = { reason, at: nowMs() };
    return { available: false, reason };
  };

  /** Opens the query and takes the first sample; a reason when the counter is missing. */
  async function openQuery(): Promise<string | null> {
    let pdh;
    try {
      pdh = api.pdh();
    } catch (error) {
      return `pdh.dll could not be loaded: ${(error as Error).message}`;
    }
    const queryOut = Buffer.alloc(8);
    const openStatus = pdh.PdhOpenQueryW(null, 0, queryOut);
    if (openStatus !== 0) return `PdhOpenQueryW failed: ${describePdhStatus(openStatus)}`;
    const query = queryOut.readBigUInt64LE(0);
    const counterOut = Buffer.alloc(8);
    const addStatus = pdh.PdhAddEnglishCounterW(query, wideString(GPU_ENGINE_3D_COUNTER), 0, counterOut);
    if (addStatus !== 0) {
      // Nothing else may touch this query: under Wine, PdhGetFormattedCounterArrayW on a
      // counter that was never added aborts the whole process.
      pdh.PdhCloseQuery(query);
      return `the "GPU Engine" performance counter is not available on this system (PdhAddEnglishCounterW: ${describePdhStatus(addStatus)}); it needs Windows 10 1709 or later with a WDDM 2 graphics driver`;
    }
    const firstStatus = pdh.PdhCollectQueryData(query);
    if (firstStatus !== 0 && firstStatus !== PDH_STATUS.NO_DATA) {
      pdh.PdhCloseQuery(query);
      return `PdhCollectQueryData failed: ${describePdhStatus(firstStatus)}`;
    }
    open = { query, counter: counterOut.readBigUInt64LE(0) };
    await sleep(firstSampleGapMs);
    return null;
  }

  /** Per-pid 3D percent between the previous sample and now. */
  function sample(current: { query: Handle; counter: Handle }): Map<number, number> {
    const pdh = api.pdh();
    const collect = pdh.PdhCollectQueryData(current.query);
    if (collect === PDH_STATUS.NO_DATA) return new Map();
    if (collect !== 0) throw new Error(`PdhCollectQueryData failed: ${describePdhStatus(collect)}`);
    const size = Buffer.alloc(4);
    const count = Buffer.alloc(4);
    for (let attempt = 0; attempt < 3; attempt++) {
      size.writeUInt32LE(0, 0);
      let status = pdh.PdhGetFormattedCounterArrayW(current.counter, PDH_FMT_DOUBLE_NOCAP100, size, count, null);
      if (status === PDH_STATUS.CSTATUS_INVALID_DATA || status === PDH_STATUS.INVALID_DATA || status === PDH_STATUS.NO_DATA) {
        return new Map();
      }
      if (status !== PDH_STATUS.MORE_DATA && status !== 0) {
        throw new Error(`PdhGetFormattedCounterArrayW failed: ${describePdhStatus(status)}`);
      }
      const bytes = size.readUInt32LE(0);
      if (bytes === 0) return new Map();
      const memory = koffi.alloc('uint8', bytes);
      try {
        status = pdh.PdhGetFormattedCounterArrayW(current.counter, PDH_FMT_DOUBLE_NOCAP100, size, count, memory);
        if (status === PDH_STATUS.MORE_DATA) continue; // a process appeared between the two calls
        if (status !== 0) throw new Error(`PdhGetFormattedCounterArrayW failed: ${describePdhStatus(status)}`);
        const copy = Buffer.from(new Uint8Array(koffi.view(memory, bytes)));
        return sum3dUsePerPid(parsePdhItemArray(copy, count.readUInt32LE(0), koffi.address(memory)));
      } finally {
        koffi.free(memory);
      }
    }
    throw new Error('PdhGetFormattedCounterArrayW kept asking for more room');
  }

  function close(): void {
    if (open) api.pdh().PdhCloseQuery(open.query);
    open = null;
  }

  return {
    close,
    async read() {
      if (down && nowMs() - down.at < retryMs) return { available: false, reason: down.reason };
      down = null;
      if (!open) {
        const problem = await openQuery();
        if (problem || !open) return unavailable(problem ?? 'the GPU Engine query did not open');
      }
      let perPid: Map<number, number>;
      try {
        perPid = sample(open);
      } catch (error) {
        close();
        return unavailable((error as Error).message);
      }
      if (perPid.size === 0) return { available: true, via: GPU_ENGINE_VIA, processes: [] };
      const processes = snapshotProcesses(api);
      const ours = descendantsOf(ownPid, processes);
      const names = new Map(processes.map((p) => [p.pid, p.name]));
      const users: GpuUser[] = [];
      for (const [pid, gpuPercent] of perPid) {
        const name = names.get(pid);
        if (name === undefined || ours.has(pid) || WINDOWS_NOT_OWNER_GPU_PROCESSES.has(name.toLowerCase())) continue;
        users.push({ pid, name, gpuPercent });
      }
      users.sort((a, b) => b.gpuPercent - a.gpuPercent || a.pid - b.pid);
      return { available: true, via: GPU_ENGINE_VIA, processes: users };
    },
  };
}

export interface WindowsGpuProcessSourceOptions {
  gpuUse: WindowsGpuUse;
  /** The NVIDIA GPUs a user of the 3D engine counts against (all of them: PDH names adapters by LUID only). */
  nvidiaGpus: () => NvmlGpuList;
  /** Percent of the 3D engine at or over which a process means "the owner uses the GPU". */
  thresholdPercent?: number | (() => number);
  logger: Logger;
}

export const DEFAULT_GPU_USE_THRESHOLD_PERCENT = 5;

/**
 * The GpuProcessSource the presence monitor polls: processes over the threshold, counted
 * against every NVIDIA GPU (a game on the integrated GPU of a laptop then pauses the
 * NVIDIA one too, which errs on the owner's side). An unavailable reading logs its reason
 * once and reads as "nobody", like the other sources' missing tools.
 */
export function createWindowsGpuProcessSource(options: WindowsGpuProcessSourceOptions): GpuProcessSource & {
  reading(): Promise<WindowsGpuUseReading>;
} {
  const threshold = (): number => {
    const value = typeof options.thresholdPercent === 'function' ? options.thresholdPercent() : options.thresholdPercent;
    return value ?? DEFAULT_GPU_USE_THRESHOLD_PERCENT;
  };
  let gpus: NvmlGpuList | null = null;
  let lastProblem = '';
  const problem = (message: string) => {
    if (message !== lastProblem) options.logger.warn(`GPU use check: ${message}`);
    lastProblem = message;
  };

  async function reading(): Promise<WindowsGpuUseReading> {
    gpus ??= options.nvidiaGpus();
    if (!gpus.available) return { available: false, reason: gpus.reason };
    return options.gpuUse.read();
  }

  return {
    reading,
    async read(): Promise<GpuUseReading> {
      const current = await reading();
      if (!current.available || !gpus?.available) {
        const reason = current.available ? 'no NVIDIA GPU' : current.reason;
        problem(reason);
        return { available: false, reason };
      }
      lastProblem = '';
      const limit = threshold();
      const uuids = gpus.uuids;
      const processes = current.processes
        .filter((p) => p.gpuPercent >= limit)
        .flatMap((p) => uuids.map((gpuUuid) => ({ pid: p.pid, name: p.name, gpuUuid, usedMiB: null, gpuPercent: p.gpuPercent })));
      return { available: true, via: current.via, processes };
    },
  };
}
