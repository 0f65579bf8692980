/**
 * NVML through koffi (no compile step): which processes use each NVIDIA GPU, graphics
 * (games: D3D/Vulkan/OpenGL clients) and compute alike, and how much of the GPU each used
 * over the last few seconds. nvidia-smi's `--query-compute-apps` lists compute clients
 * only, so it never saw a game (issue 14).
 *
 * The parts:
 *  - NVML_DECLARATIONS: the exact C prototypes handed to koffi (unit-tested through a fake
 *    loader, so a typo here fails a test, not the owner's PC);
 *  - decodeProcessInfos / decodeUtilizationSamples: pure decoders of the arrays NVML fills,
 *    tested against constructed buffers;
 *  - openNvml: loads the library, picks the newest symbol of each versioned function the
 *    driver exports, and answers "unavailable: <reason>" rather than throwing;
 *  - NvmlSession.read: one reading of every device (processes + per-process utilization).
 *
 * Struct versions (nvml.h):
 *  - nvmlProcessInfo_v1_t { unsigned int pid; unsigned long long usedGpuMemory; }  16 bytes
 *    (the unversioned nvmlDeviceGet…RunningProcesses);
 *  - nvmlProcessInfo_v2_t adds unsigned int gpuInstanceId, computeInstanceId: 24 bytes (_v2);
 *  - the _v3 functions take 24-byte records today, but R535 drivers (CUDA 12.2) shipped them
 *    with a 32-byte record (an extra usedGpuCcProtectedMemory) under the same name. The
 *    buffer is sized for 32 and the stride is chosen by which one decodes to sane records.
 * nvmlProcessUtilizationSample_t { unsigned int pid; unsigned long long timeStamp;
 *   unsigned int smUtil, memUtil, encUtil, decUtil; }: 32 bytes. nvmlDeviceGetProcessUtilization
 *   returns only samples newer than lastSeenTimeStamp (microseconds, CPU clock), several per
 *   pid possible; NVML_ERROR_NOT_FOUND means no sample since then (nobody drew anything).
 */
import { createRequire } from 'node:module';

export const NVML_SUCCESS = 0;
export const NVML_ERROR_NOT_SUPPORTED = 3;
export const NVML_ERROR_NOT_FOUND = 6;
export const NVML_ERROR_INSUFFICIENT_SIZE = 7;

/** usedGpuMemory when the driver cannot tell (Windows WDDM, some MIG setups). */
export const NVML_VALUE_NOT_AVAILABLE = 0xffff_ffff_ffff_ffffn;

export const PROCESS_INFO_V1_SIZE = 16;
export const PROCESS_INFO_V2_SIZE = 24;
/** The R535 `_v3` record (with usedGpuCcProtectedMemory). */
export const PROCESS_INFO_V3_R535_SIZE = 32;
export const UTILIZATION_SAMPLE_SIZE = 32;
const UUID_BUFFER_SIZE = 96; // NVML_DEVICE_UUID_V2_BUFFER_SIZE

export const LINUX_NVML_LIBRARY = 'libnvidia-ml.so.1';
export const NVML_NOT_FOUND_REASON = `${LINUX_NVML_LIBRARY} not found (install the NVIDIA driver)`;

export type ProcessListVersion = 'v3' | 'v2' | 'v1';

/** The symbols tried for each process list, newest first, with the record each one fills. */
export const PROCESS_LIST_SYMBOLS: Readonly<Record<'graphics' | 'compute', ReadonlyArray<{ symbol: string; version: ProcessListVersion }>>> = {
  graphics: [
    { symbol: 'nvmlDeviceGetGraphicsRunningProcesses_v3', version: 'v3' },
    { symbol: 'nvmlDeviceGetGraphicsRunningProcesses_v2', version: 'v2' },
    { symbol: 'nvmlDeviceGetGraphicsRunningProcesses', version: 'v1' },
  ],
  compute: [
    { symbol: 'nvmlDeviceGetComputeRunningProcesses_v3', version: 'v3' },
    { symbol: 'nvmlDeviceGetComputeRunningProcesses_v2', version: 'v2' },
    { symbol: 'nvmlDeviceGetComputeRunningProcesses', version: 'v1' },
  ],
};

/** The exact prototypes given to koffi. Devices are opaque pointers (BigInt in koffi 3). */
export const NVML_DECLARATIONS = {
  init: 'int nvmlInit_v2()',
  shutdown: 'int nvmlShutdown()',
  errorString: 'const char *nvmlErrorString(int result)',
  deviceGetCount: 'int nvmlDeviceGetCount_v2(_Out_ unsigned int *deviceCount)',
  deviceGetHandleByIndex: 'int nvmlDeviceGetHandleByIndex_v2(unsigned int index, _Out_ void **device)',
  deviceGetUuid: 'int nvmlDeviceGetUUID(void *device, void *uuid, unsigned int length)',
  processList: (symbol: string) => `int ${symbol}(void *device, _Inout_ unsigned int *infoCount, void *infos)`,
  processUtilization:
    'int nvmlDeviceGetProcessUtilization(void *device, void *utilization, _Inout_ unsigned int *processSamplesCount, unsigned long long lastSeenTimeStamp)',
} as const;

// ---------------------------------------------------------------------------------------
// Pure decoding

export interface NvmlProcessInfo {
  pid: number;
  /** Bytes, or null when NVML_VALUE_NOT_AVAILABLE. */
  usedBytes: bigint | null;
}

const MAX_PID = 4_194_304; // Linux pid_max ceiling (2^22)

function plausibleRecord(buffer: Buffer, offset: number, stride: number): boolean {
  if (offset + PROCESS_INFO_V1_SIZE > buffer.length) return false;
  const pid = buffer.readUInt32LE(offset);
  if (pid === 0 || pid > MAX_PID) return false;
  const used = buffer.readBigUInt64LE(offset + 8);
  if (used !== NVML_VALUE_NOT_AVAILABLE && used > 1n << 50n) return false;
  if (stride >= PROCESS_INFO_V2_SIZE) {
    // gpuInstanceId / computeInstanceId: 0xFFFFFFFF without MIG, else a small index.
    for (const at of [16, 20]) {
      const id = buffer.readUInt32LE(offset + at);
      if (id !== 0xffff_ffff && id > 64) return false;
    }
  }
  return true;
}

/**
 * The stride of a filled process array. v1 and v2 are fixed; v3 is 24 bytes unless the
 * records only make sense at 32 (R535). With one record both read the same.
 */
export function processInfoStride(buffer: Buffer, count: number, version: ProcessListVersion): number {
  if (version === 'v1') return PROCESS_INFO_V1_SIZE;
  if (version === 'v2' || count < 2) return PROCESS_INFO_V2_SIZE;
  const fits = (stride: number) => Array.from({ length: count }, (_, i) => i * stride).every((at) => plausibleRecord(buffer, at, stride));
  if (fits(PROCESS_INFO_V2_SIZE)) return PROCESS_INFO_V2_SIZE;
  if (fits(PROCESS_INFO_V3_R535_SIZE)) return PROCESS_INFO_V3_R535_SIZE;
  return PROCESS_INFO_V2_SIZE;
}

/** The first `count` records of a process array NVML filled (little-endian, as on x86-64 and arm64). */
export function decodeProcessInfos(buffer: Buffer, count: number, version: ProcessListVersion): NvmlProcessInfo[] {
  const stride = processInfoStride(buffer, count, version);
  const infos: NvmlProcessInfo[] = [];
  for (let i = 0; i < count && (i + 1) * stride <= buffer.length; i += 1) {
    const at = i * stride;
    const used = buffer.readBigUInt64LE(at + 8);
    infos.push({ pid: buffer.readUInt32LE(at), usedBytes: used === NVML_VALUE_NOT_AVAILABLE ? null : used });
  }
  return infos;
}

export interface NvmlUtilizationSample {
  pid: number;
  /** Microseconds, CPU clock. */
  timeStamp: bigint;
  smUtil: number;
  memUtil: number;
  encUtil: number;
  decUtil: number;
}

export function decodeUtilizationSamples(buffer: Buffer, count: number): NvmlUtilizationSample[] {
  const samples: NvmlUtilizationSample[] = [];
  for (let i = 0; i < count && (i + 1) * UTILIZATION_SAMPLE_SIZE <= buffer.length; i += 1) {
    const at = i * UTILIZATION_SAMPLE_SIZE;
    samples.push({
      pid: buffer.readUInt32LE(at),
      timeStamp: buffer.readBigUInt64LE(at + 8),
      smUtil: buffer.readUInt32LE(at + 16),
      memUtil: buffer.readUInt32LE(at + 20),
      encUtil: buffer.readUInt32LE(at + 24),
      decUtil: buffer.readUInt32LE(at + 28),
    });
  }
  return samples;
}

/**
 * Per pid, the highest SM (3D + compute) share among the samples, and the newest time stamp
 * seen (the next call's lastSeenTimeStamp). Values over 100 (seen on some drivers) are capped.
 */
export function summariseUtilization(samples: readonly NvmlUtilizationSample[]): { byPid: Map<number, number>; newest: bigint } {
  const byPid = new Map<number, number>();
  let newest = 0n;
  for (const s of samples) {
    byPid.set(s.pid, Math.max(byPid.get(s.pid) ?? 0, Math.min(100, s.smUtil)));
    if (s.timeStamp > newest) newest = s.timeStamp;
  }
  return { byPid, newest };
}

/** The NUL-terminated string NVML wrote into a buffer. */
export function cString(buffer: Buffer): string {
  const end = buffer.indexOf(0);
  return buffer.toString('utf8', 0, end === -1 ? buffer.length : end);
}

// ---------------------------------------------------------------------------------------
// Loading

type NativeFunction = (...args: unknown[]) => unknown;

/** What openNvml needs from koffi: the real module, or a fake in tests. */
export interface LibraryLoader {
  load(path: string): { func(declaration: string): NativeFunction; unload?(): void };
}

export interface NvmlDeviceReading {
  uuid: string;
  processes: Array<{ pid: number; usedMiB: number | null; kind: 'graphics' | 'compute' }>;
  /** SM share per pid over the window since the last read; null when the GPU cannot say. */
  utilization: Map<number, number> | null;
}

export interface NvmlSession {
  /** Which symbols were bound, for the detector's "via" line. */
  readonly describe: string;
  read(): NvmlDeviceReading[];
  close(): void;
}

export type NvmlOpen = { ok: true; session: NvmlSession } | { ok: false; reason: string };

export interface OpenNvmlOptions {
  loader?: LibraryLoader;
  library?: string;
  /** Microseconds on the CPU clock NVML stamps samples with; the first read looks back `firstWindowUs`. */
  nowUs?: () => bigint;
  firstWindowUs?: bigint;
}

const defaultLoader = (): LibraryLoader => createRequire(import.meta.url)('koffi') as LibraryLoader;

function bindFirst(
  lib: { func(declaration: string): NativeFunction },
  candidates: ReadonlyArray<{ symbol: string; version: ProcessListVersion }>,
): { call: NativeFunction; symbol: string; version: ProcessListVersion } | null {
  for (const candidate of candidates) {
    try {
      return { call: lib.func(NVML_DECLARATIONS.processList(candidate.symbol)), ...candidate };
    } catch {
      // Not exported by this driver: try the older one.
    }
  }
  return null;
}

/** Loads NVML and starts it. Never throws: a machine without the driver gets a reason. */
export function openNvml(options: OpenNvmlOptions = {}): NvmlOpen {
  const library = options.library ?? LINUX_NVML_LIBRARY;
  let loader: LibraryLoader;
  try {
    loader = options.loader ?? defaultLoader();
  } catch (error) {
    return { ok: false, reason: `koffi cannot load on this system (${(error as Error).message})` };
  }
  let lib: ReturnType<LibraryLoader['load']>;
  try {
    lib = loader.load(library);
  } catch {
    return {
      ok: false,
      reason: library === LINUX_NVML_LIBRARY ? NVML_NOT_FOUND_REASON : `${library} not found (install the NVIDIA driver)`,
    };
  }
  try {
    const init = lib.func(NVML_DECLARATIONS.init);
    const shutdown = lib.func(NVML_DECLARATIONS.shutdown);
    const errorString = lib.func(NVML_DECLARATIONS.errorString);
    const getCount = lib.func(NVML_DECLARATIONS.deviceGetCount);
    const getHandle = lib.func(NVML_DECLARATIONS.deviceGetHandleByIndex);
    const getUuid = lib.func(NVML_DECLARATIONS.deviceGetUuid);
    const graphics = bindFirst(lib, PROCESS_LIST_SYMBOLS.graphics);
    const compute = bindFirst(lib, PROCESS_LIST_SYMBOLS.compute);
    if (!graphics) return { ok: false, reason: `${library} has no nvmlDeviceGetGraphicsRunningProcesses (driver too old)` };
    let utilization: NativeFunction | null = null;
    try {
      utilization = lib.func(NVML_DECLARATIONS.processUtilization);
    } catch {
      utilization = null;
    }
    const explain = (code: number) => {
      try {
        return `${String(errorString(code))} (NVML ${code})`;
      } catch {
        return `NVML error ${code}`;
      }
    };
    const started = init() as number;
    if (started !== NVML_SUCCESS) return { ok: false, reason: `NVML did not start: ${explain(started)}` };
    return {
      ok: true,
      session: createSession({
        getCount,
        getHandle,
        getUuid,
        graphics,
        compute,
        utilization,
        shutdown,
        explain,
        nowUs: options.nowUs ?? (() => BigInt(Date.now()) * 1000n),
        firstWindowUs: options.firstWindowUs ?? 3_000_000n,
      }),
    };
  } catch (error) {
    return { ok: false, reason: `${library} is not a usable NVML (${(error as Error).message})` };
  }
}

interface SessionParts {
  getCount: NativeFunction;
  getHandle: NativeFunction;
  getUuid: NativeFunction;
  graphics: { call: NativeFunction; symbol: string; version: ProcessListVersion };
  compute: { call: NativeFunction; symbol: string; version: ProcessListVersion } | null;
  utilization: NativeFunction | null;
  shutdown: NativeFunction;
  explain: (code: number) => string;
  nowUs: () => bigint;
  firstWindowUs: bigint;
}

/** How many times a list is asked again when processes appear between the two calls. */
const SIZE_RETRIES = 3;
/** Room for processes that start between the count and the fill. */
const SPARE_RECORDS = 8;

function createSession(parts: SessionParts): NvmlSession {
  const devices: Array<{ handle: unknown; uuid: string }> = [];
  const lastSeen = new Map<string, bigint>();
  let utilizationSupported = parts.utilization !== null;

  function ensureDevices(): void {
    if (devices.length > 0) return;
    const count = [0];
    const rc = parts.getCount(count) as number;
    if (rc !== NVML_SUCCESS) throw new Error(`cannot count GPUs: ${parts.explain(rc)}`);
    for (let index = 0; index < count[0]!; index += 1) {
      const handle = [null as unknown];
      if ((parts.getHandle(index, handle) as number) !== NVML_SUCCESS) continue;
      const uuid = Buffer.alloc(UUID_BUFFER_SIZE);
      if ((parts.getUuid(handle[0], uuid, UUID_BUFFER_SIZE) as number) !== NVML_SUCCESS) continue;
      devices.push({ handle: handle[0], uuid: cString(uuid) });
    }
  }

  function processList(
    fn: { call: NativeFunction; version: ProcessListVersion },
    handle: unknown,
  ): NvmlProcessInfo[] {
    const count = [0];
    let rc = fn.call(handle, count, null) as number;
    for (let attempt = 0; attempt <= SIZE_RETRIES; attempt += 1) {
      if (rc === NVML_SUCCESS && count[0] === 0) return [];
      if (rc !== NVML_ERROR_INSUFFICIENT_SIZE && rc !== NVML_SUCCESS) throw new Error(parts.explain(rc));
      const capacity = count[0]! + SPARE_RECORDS;
      const buffer = Buffer.alloc(capacity * PROCESS_INFO_V3_R535_SIZE);
      count[0] = capacity;
      rc = fn.call(handle, count, buffer) as number;
      if (rc === NVML_SUCCESS) return decodeProcessInfos(buffer, count[0]!, fn.version);
    }
    throw new Error(`the process list kept growing (${parts.explain(rc)})`);
  }

  function utilizationOf(handle: unknown, uuid: string): Map<number, number> | null {
    if (!parts.utilization || !utilizationSupported) return null;
    const since = lastSeen.get(uuid) ?? parts.nowUs() - parts.firstWindowUs;
    const count = [0];
    let rc = parts.utilization(handle, null, count, since) as number;
    for (let attempt = 0; attempt <= SIZE_RETRIES; attempt += 1) {
      if (rc === NVML_ERROR_NOT_FOUND || (rc === NVML_SUCCESS && count[0] === 0)) return new Map();
      if (rc === NVML_ERROR_NOT_SUPPORTED) {
        utilizationSupported = false;
        return null;
      }
      if (rc !== NVML_ERROR_INSUFFICIENT_SIZE && rc !== NVML_SUCCESS) throw new Error(parts.explain(rc));
      const capacity = count[0]! + SPARE_RECORDS;
      const buffer = Buffer.alloc(capacity * UTILIZATION_SAMPLE_SIZE);
      count[0] = capacity;
      rc = parts.utilization(handle, buffer, count, since) as number;
      if (rc === NVML_SUCCESS) {
        const { byPid, newest } = summariseUtilization(decodeUtilizationSamples(buffer, count[0]!));
        if (newest > since) lastSeen.set(uuid, newest);
        return byPid;
      }
      if (rc === NVML_ERROR_NOT_FOUND) return new Map();
    }
    throw new Error(`the utilization samples kept growing (${parts.explain(rc)})`);
  }

  const toMiB = (bytes: bigint | null) => (bytes === null ? null : Number(bytes / 1_048_576n));

  return {
    describe: `NVML (${[parts.graphics.symbol, parts.compute?.symbol, parts.utilization ? 'nvmlDeviceGetProcessUtilization' : null]
      .filter(Boolean)
      .join(', ')})`,
    read() {
      ensureDevices();
      return devices.map(({ handle, uuid }) => {
        const seen = new Map<number, NvmlDeviceReading['processes'][number]>();
        for (const p of processList(parts.graphics, handle)) seen.set(p.pid, { pid: p.pid, usedMiB: toMiB(p.usedBytes), kind: 'graphics' });
        if (parts.compute) {
          for (const p of processList(parts.compute, handle)) {
            if (!seen.has(p.pid)) seen.set(p.pid, { pid: p.pid, usedMiB: toMiB(p.usedBytes), kind: 'compute' });
          }
        }
        return { uuid, processes: [...seen.values()], utilization: utilizationOf(handle, uuid) };
      });
    },
    close() {
      try {
        parts.shutdown();
      } catch {
        // Shutting down is best effort.
      }
    },
  };
}
