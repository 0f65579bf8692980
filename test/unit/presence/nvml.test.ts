/**
 * NVML through koffi without a GPU: the struct decoders against constructed buffers laid out
 * as nvml.h lays them out, the exact C prototypes through a fake library loader that plays a
 * driver (fills the arrays, answers INSUFFICIENT_SIZE), and the real loader on this machine
 * (no NVIDIA driver here: it must say so, not throw).
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  decodeProcessInfos,
  decodeUtilizationSamples,
  type LibraryLoader,
  NVML_DECLARATIONS,
  NVML_ERROR_INSUFFICIENT_SIZE,
  NVML_ERROR_NOT_FOUND,
  NVML_NOT_FOUND_REASON,
  NVML_SUCCESS,
  NVML_VALUE_NOT_AVAILABLE,
  openNvml,
  processInfoStride,
  summariseUtilization,
} from '../../../electron/agent/presence/nvml';

const UUID = 'GPU-12345678-1234-1234-1234-123456789abc';
const NA = 0xffff_ffff;

interface Proc {
  pid: number;
  usedBytes: bigint;
  gpuInstanceId?: number;
  computeInstanceId?: number;
  cc?: bigint;
}

/** Writes records with the given stride: 16 (v1), 24 (v2/v3), 32 (R535 v3 with usedGpuCcProtectedMemory). */
function processBuffer(procs: Proc[], stride: number, into?: Buffer): Buffer {
  const buffer = into ?? Buffer.alloc(procs.length * stride);
  procs.forEach((p, i) => {
    const at = i * stride;
    buffer.writeUInt32LE(p.pid, at);
    buffer.writeUInt32LE(0xdeadbeef, at + 4); // padding: never read
    buffer.writeBigUInt64LE(p.usedBytes, at + 8);
    if (stride >= 24) {
      buffer.writeUInt32LE(p.gpuInstanceId ?? NA, at + 16);
      buffer.writeUInt32LE(p.computeInstanceId ?? NA, at + 20);
    }
    if (stride >= 32) buffer.writeBigUInt64LE(p.cc ?? 0n, at + 24);
  });
  return buffer;
}

function sampleBuffer(samples: Array<[pid: number, ts: bigint, sm: number, mem: number]>, into?: Buffer): Buffer {
  const buffer = into ?? Buffer.alloc(samples.length * 32);
  samples.forEach(([pid, ts, sm, mem], i) => {
    const at = i * 32;
    buffer.writeUInt32LE(pid, at);
    buffer.writeBigUInt64LE(ts, at + 8);
    buffer.writeUInt32LE(sm, at + 16);
    buffer.writeUInt32LE(mem, at + 20);
    buffer.writeUInt32LE(0, at + 24);
    buffer.writeUInt32LE(0, at + 28);
  });
  return buffer;
}

const MiB = 1_048_576n;
const GAME: Proc = { pid: 4242, usedBytes: 6000n * MiB };
const BROWSER: Proc = { pid: 77, usedBytes: 250n * MiB };
const WDDM: Proc = { pid: 9, usedBytes: NVML_VALUE_NOT_AVAILABLE };

describe('process-info decoding', () => {
  it('reads v1 (16-byte) records', () => {
    expect(decodeProcessInfos(processBuffer([GAME, BROWSER], 16), 2, 'v1')).toEqual([
      { pid: 4242, usedBytes: 6000n * MiB },
      { pid: 77, usedBytes: 250n * MiB },
    ]);
  });

  it('reads v2 (24-byte) records, and NVML_VALUE_NOT_AVAILABLE as unknown memory', () => {
    expect(decodeProcessInfos(processBuffer([GAME, WDDM], 24), 2, 'v2')).toEqual([
      { pid: 4242, usedBytes: 6000n * MiB },
      { pid: 9, usedBytes: null },
    ]);
  });

  it('v3: 24-byte records as documented, 32-byte ones as R535 drivers wrote them', () => {
    const three = [GAME, BROWSER, { pid: 31337, usedBytes: 10n * MiB, gpuInstanceId: 1, computeInstanceId: 0 }];
    expect(processInfoStride(processBuffer(three, 24), 3, 'v3')).toBe(24);
    expect(processInfoStride(processBuffer(three, 32, Buffer.alloc(3 * 32)), 3, 'v3')).toBe(32);
    expect(decodeProcessInfos(processBuffer(three, 32), 3, 'v3').map((p) => p.pid)).toEqual([4242, 77, 31337]);
    expect(decodeProcessInfos(processBuffer(three, 24, Buffer.alloc(3 * 32)), 3, 'v3').map((p) => p.pid)).toEqual([4242, 77, 31337]);
    // One record reads the same at either stride.
    expect(decodeProcessInfos(processBuffer([GAME], 32), 1, 'v3')).toEqual([{ pid: 4242, usedBytes: 6000n * MiB }]);
  });

  it('never reads past the buffer, whatever count the caller passes', () => {
    expect(decodeProcessInfos(processBuffer([GAME], 16), 5, 'v1')).toHaveLength(1);
    expect(decodeUtilizationSamples(sampleBuffer([[1, 1n, 1, 1]]), 3)).toHaveLength(1);
  });
});

describe('process utilization samples', () => {
  it('decodes nvmlProcessUtilizationSample_t and keeps, per pid, the highest SM share and the newest time stamp', () => {
    const buffer = sampleBuffer([
      [4242, 1_700_000_000_100_000n, 38, 12],
      [77, 1_700_000_000_150_000n, 2, 1],
      [4242, 1_700_000_000_300_000n, 61, 15],
      [5, 1_700_000_000_200_000n, 140, 0], // some drivers overshoot
    ]);
    const samples = decodeUtilizationSamples(buffer, 4);
    expect(samples[0]).toEqual({ pid: 4242, timeStamp: 1_700_000_000_100_000n, smUtil: 38, memUtil: 12, encUtil: 0, decUtil: 0 });
    const { byPid, newest } = summariseUtilization(samples);
    expect([...byPid]).toEqual([
      [4242, 61],
      [77, 2],
      [5, 100],
    ]);
    expect(newest).toBe(1_700_000_000_300_000n);
  });
});

/**
 * A fake libnvidia-ml: records every prototype koffi would be given and plays the driver
 * behind them. `exports` are the symbols this "driver" has (older drivers lack _v3/_v2).
 */
function fakeDriver(options: {
  exports?: string[];
  processes?: Proc[];
  /** Processes that appear between the count call and the fill call (once). */
  lateArrivals?: Proc[];
  samples?: Array<[number, bigint, number, number]>;
  initResult?: number;
}) {
  const declared: string[] = [];
  const utilizationCalls: bigint[] = [];
  const stride = (symbol: string) => (symbol.endsWith('_v3') || symbol.endsWith('_v2') ? 24 : 16);
  let processes = options.processes ?? [];
  let late = options.lateArrivals ?? [];
  const handle = 0x5555_0000n;
  const implementations: Record<string, (...args: unknown[]) => unknown> = {
    nvmlInit_v2: () => options.initResult ?? NVML_SUCCESS,
    nvmlShutdown: () => NVML_SUCCESS,
    nvmlErrorString: (code) => (code === 9 ? 'Driver Not Loaded' : 'Unknown Error'),
    nvmlDeviceGetCount_v2: (out) => ((out as number[])[0] = 1, NVML_SUCCESS),
    nvmlDeviceGetHandleByIndex_v2: (index, out) => ((out as unknown[])[0] = handle + BigInt(index as number), NVML_SUCCESS),
    nvmlDeviceGetUUID: (device, buffer, length) => {
      expect(device).toBe(handle);
      expect(length).toBe((buffer as Buffer).length);
      (buffer as Buffer).write(`${UUID}\0`);
      return NVML_SUCCESS;
    },
    nvmlDeviceGetProcessUtilization: (device, buffer, count, lastSeen) => {
      expect(device).toBe(handle);
      utilizationCalls.push(lastSeen as bigint);
      const fresh = (options.samples ?? []).filter(([, ts]) => ts > (lastSeen as bigint));
      if (fresh.length === 0) return NVML_ERROR_NOT_FOUND;
      const c = count as number[];
      if (buffer === null || c[0]! < fresh.length) return (c[0] = fresh.length, NVML_ERROR_INSUFFICIENT_SIZE);
      sampleBuffer(fresh, buffer as Buffer);
      c[0] = fresh.length;
      return NVML_SUCCESS;
    },
  };
  const listing = (symbol: string, kind: 'graphics' | 'compute') => (device: unknown, count: unknown, buffer: unknown) => {
    expect(device).toBe(handle);
    const c = count as number[];
    const list = kind === 'graphics' ? processes : [];
    if (buffer === null || c[0]! < list.length) {
      c[0] = list.length;
      if (late.length > 0 && kind === 'graphics') {
        processes = [...processes, ...late];
        late = [];
      }
      return list.length === 0 && buffer === null ? NVML_SUCCESS : NVML_ERROR_INSUFFICIENT_SIZE;
    }
    processBuffer(list, stride(symbol), buffer as Buffer);
    c[0] = list.length;
    return NVML_SUCCESS;
  };
  for (const kind of ['Graphics', 'Compute'] as const) {
    for (const suffix of ['_v3', '_v2', '']) {
      const symbol = `nvmlDeviceGet${kind}RunningProcesses${suffix}`;
      implementations[symbol] = listing(symbol, kind === 'Graphics' ? 'graphics' : 'compute');
    }
  }
  const exported = new Set(options.exports ?? Object.keys(implementations));
  const loader: LibraryLoader = {
    load(path) {
      expect(path).toBe('libnvidia-ml.so.1');
      return {
        func(declaration) {
          declared.push(declaration);
          const name = /\s\*?(\w+)\(/.exec(declaration)?.[1] ?? '';
          if (!exported.has(name) || !implementations[name]) throw new Error(`Cannot find function '${name}' in shared library`);
          return implementations[name];
        },
      };
    },
  };
  return { loader, declared, utilizationCalls };
}

describe('openNvml through a fake library loader', () => {
  it('declares exactly these prototypes, picks _v3, reads processes and utilization of the last window', () => {
    const nowUs = 1_700_000_000_500_000n;
    const driver = fakeDriver({
      processes: [GAME, BROWSER, { pid: 3, usedBytes: 1n * MiB }],
      samples: [
        [4242, 1_700_000_000_300_000n, 61, 15],
        [77, 1_600_000_000_000_000n, 90, 0], // older than the window: ignored
      ],
    });
    const opened = openNvml({ loader: driver.loader, nowUs: () => nowUs, firstWindowUs: 3_000_000n });
    if (!opened.ok) throw new Error(opened.reason);
    expect(driver.declared).toEqual([
      'int nvmlInit_v2()',
      'int nvmlShutdown()',
      'const char *nvmlErrorString(int result)',
      'int nvmlDeviceGetCount_v2(_Out_ unsigned int *deviceCount)',
      'int nvmlDeviceGetHandleByIndex_v2(unsigned int index, _Out_ void **device)',
      'int nvmlDeviceGetUUID(void *device, void *uuid, unsigned int length)',
      'int nvmlDeviceGetGraphicsRunningProcesses_v3(void *device, _Inout_ unsigned int *infoCount, void *infos)',
      'int nvmlDeviceGetComputeRunningProcesses_v3(void *device, _Inout_ unsigned int *infoCount, void *infos)',
      'int nvmlDeviceGetProcessUtilization(void *device, void *utilization, _Inout_ unsigned int *processSamplesCount, unsigned long long lastSeenTimeStamp)',
    ]);
    expect(opened.session.describe).toBe(
      'NVML (nvmlDeviceGetGraphicsRunningProcesses_v3, nvmlDeviceGetComputeRunningProcesses_v3, nvmlDeviceGetProcessUtilization)',
    );
    const [device] = opened.session.read();
    expect(device).toEqual({
      uuid: UUID,
      processes: [
        { pid: 4242, usedMiB: 6000, kind: 'graphics' },
        { pid: 77, usedMiB: 250, kind: 'graphics' },
        { pid: 3, usedMiB: 1, kind: 'graphics' },
      ],
      utilization: new Map([[4242, 61]]),
    });
    // The next read asks only for samples newer than the newest one seen.
    opened.session.read();
    expect(driver.utilizationCalls).toEqual([
      nowUs - 3_000_000n,
      nowUs - 3_000_000n,
      1_700_000_000_300_000n,
    ]);
    expect(opened.session.read()[0]!.utilization).toEqual(new Map());
  });

  it('falls back to _v2 and then the unversioned symbol (v1 records) on older drivers', () => {
    const v2 = fakeDriver({ processes: [GAME], exports: ['nvmlInit_v2', 'nvmlShutdown', 'nvmlErrorString', 'nvmlDeviceGetCount_v2', 'nvmlDeviceGetHandleByIndex_v2', 'nvmlDeviceGetUUID', 'nvmlDeviceGetGraphicsRunningProcesses_v2'] });
    const a = openNvml({ loader: v2.loader });
    if (!a.ok) throw new Error(a.reason);
    expect(a.session.describe).toBe('NVML (nvmlDeviceGetGraphicsRunningProcesses_v2)');
    expect(a.session.read()[0]).toEqual({ uuid: UUID, processes: [{ pid: 4242, usedMiB: 6000, kind: 'graphics' }], utilization: null });

    const v1 = fakeDriver({ processes: [GAME, BROWSER], exports: ['nvmlInit_v2', 'nvmlShutdown', 'nvmlErrorString', 'nvmlDeviceGetCount_v2', 'nvmlDeviceGetHandleByIndex_v2', 'nvmlDeviceGetUUID', 'nvmlDeviceGetGraphicsRunningProcesses'] });
    const b = openNvml({ loader: v1.loader });
    if (!b.ok) throw new Error(b.reason);
    expect(v1.declared).toContain('int nvmlDeviceGetGraphicsRunningProcesses(void *device, _Inout_ unsigned int *infoCount, void *infos)');
    expect(b.session.read()[0]!.processes.map((p) => p.pid)).toEqual([4242, 77]);
  });

  it('asks again with a bigger array when processes start between the count and the fill (INSUFFICIENT_SIZE)', () => {
    const many = Array.from({ length: 12 }, (_, i) => ({ pid: 1000 + i, usedBytes: MiB }));
    const driver = fakeDriver({ processes: [GAME], lateArrivals: many });
    const opened = openNvml({ loader: driver.loader });
    if (!opened.ok) throw new Error(opened.reason);
    expect(opened.session.read()[0]!.processes).toHaveLength(13);
  });

  it('a driver that does not start: unavailable with NVML\'s own words', () => {
    const opened = openNvml({ loader: fakeDriver({ initResult: 9 }).loader });
    expect(opened).toEqual({ ok: false, reason: 'NVML did not start: Driver Not Loaded (NVML 9)' });
  });

  it('no process-list symbol at all: unavailable, not a crash', () => {
    const opened = openNvml({ loader: fakeDriver({ exports: ['nvmlInit_v2', 'nvmlShutdown', 'nvmlErrorString', 'nvmlDeviceGetCount_v2', 'nvmlDeviceGetHandleByIndex_v2', 'nvmlDeviceGetUUID'] }).loader });
    expect(opened).toEqual({ ok: false, reason: 'libnvidia-ml.so.1 has no nvmlDeviceGetGraphicsRunningProcesses (driver too old)' });
  });

  it('the declared prototypes are the ones exported as constants', () => {
    expect(NVML_DECLARATIONS.processList('x')).toBe('int x(void *device, _Inout_ unsigned int *infoCount, void *infos)');
  });
});

const hasDriver = ['/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1', '/usr/lib64/libnvidia-ml.so.1', '/usr/lib/libnvidia-ml.so.1'].some(existsSync);

describe.skipIf(process.platform !== 'linux' || hasDriver)('the real koffi loader on a machine without the NVIDIA driver', () => {
  it(`says "${NVML_NOT_FOUND_REASON}"`, () => {
    expect(openNvml()).toEqual({ ok: false, reason: 'libnvidia-ml.so.1 not found (install the NVIDIA driver)' });
  });
});
