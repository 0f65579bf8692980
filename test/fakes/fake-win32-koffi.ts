/**
 * A simulated Windows behind a koffi-shaped object, for unit tests of the Windows presence
 * code on any OS. It answers the Win32 calls win32-api.ts binds (found by the function name
 * in each prototype string) by writing the same x64 structures Windows writes into the
 * Buffers passed in. The real thing runs under Wine in test/windows/.
 */
import type { KoffiModule } from '../../electron/agent/presence/windows/win32-api';
import { PDH_ITEM_SIZE, PDH_STATUS } from '../../electron/agent/presence/windows/pdh-gpu-engine';
import type { Rect } from '../../electron/agent/presence/windows/win32-structs';

export interface FakeWindow {
  hwnd: number;
  pid: number;
  className: string;
  rect: Rect;
  minimized?: boolean;
}

export interface FakeWindows {
  processes: Array<{ pid: number; parentPid: number; name: string }>;
  foreground: FakeWindow | null;
  monitor: Rect;
  /** SHQueryUserNotificationState's answer. */
  notificationState: number;
  tickCount: number;
  lastInputTick: number;
  /** null: the GPU Engine counter is missing (as under Wine); else the instances each collection reports. */
  gpuEngine: Array<{ name: string; status?: number; value: number }> | null;
  /** What PdhCollectQueryData answers (0: fine). */
  collectStatus: number;
  /** null: nvml.dll is missing. */
  nvidiaUuids: string[] | null;
  /** Every Win32 function called, in order. */
  calls: string[];
}

const BASE_ADDRESS = 0x7ff6_1234_0000n;

export function fakeWindows(overrides: Partial<FakeWindows> = {}): FakeWindows {
  return {
    processes: [
      { pid: 4, parentPid: 0, name: 'System' },
      { pid: 700, parentPid: 4, name: 'dwm.exe' },
      { pid: 1000, parentPid: 4, name: 'explorer.exe' },
    ],
    foreground: null,
    monitor: { left: 0, top: 0, right: 1920, bottom: 1080 },
    notificationState: 5,
    tickCount: 1_000_000,
    lastInputTick: 1_000_000,
    gpuEngine: null,
    collectStatus: 0,
    nvidiaUuids: null,
    calls: [],
    ...overrides,
  };
}

function writeRect(buffer: Buffer, offset: number, rect: Rect): void {
  buffer.writeInt32LE(rect.left, offset);
  buffer.writeInt32LE(rect.top, offset + 4);
  buffer.writeInt32LE(rect.right, offset + 8);
  buffer.writeInt32LE(rect.bottom, offset + 12);
}

interface FakeMemory {
  fakeMemory: Buffer;
}

/** The koffi surface the Windows code uses, over `windows`. */
export function fakeWin32Koffi(windows: FakeWindows): KoffiModule {
  let snapshotIndex = 0;
  const byHwnd = () => windows.foreground;
  const implementations: Record<string, (...args: never[]) => unknown> = {
    GetForegroundWindow: () => windows.foreground?.hwnd ?? 0,
    GetWindowRect: (_hwnd: number, rect: Buffer) => {
      const w = byHwnd();
      if (!w) return false;
      writeRect(rect, 0, w.rect);
      return true;
    },
    MonitorFromWindow: () => 0x10001,
    GetMonitorInfoW: (_monitor: number, info: Buffer) => {
      if (info.readUInt32LE(0) !== 40) return false;
      writeRect(info, 4, windows.monitor);
      writeRect(info, 20, { ...windows.monitor, bottom: windows.monitor.bottom - 40 });
      return true;
    },
    GetWindowThreadProcessId: (_hwnd: number, pid: Buffer) => {
      pid.writeUInt32LE(byHwnd()?.pid ?? 0, 0);
      return 1;
    },
    GetClassNameW: (_hwnd: number, name: Buffer) => {
      const text = byHwnd()?.className ?? '';
      name.write(`${text}\0`, 0, 'utf16le');
      return text.length;
    },
    IsIconic: () => byHwnd()?.minimized ?? false,
    GetLastInputInfo: (info: Buffer) => {
      if (info.readUInt32LE(0) !== 8) return false;
      info.writeUInt32LE(windows.lastInputTick >>> 0, 4);
      return true;
    },
    GetTickCount: () => windows.tickCount >>> 0,
    GetCurrentProcessId: () => 1,
    CreateToolhelp32Snapshot: () => 0x500,
    Process32FirstW: (_snapshot: number, entry: Buffer) => {
      snapshotIndex = 0;
      return writeEntry(entry);
    },
    Process32NextW: (_snapshot: number, entry: Buffer) => writeEntry(entry),
    OpenProcess: (_access: number, _inherit: boolean, pid: number) => (windows.processes.some((p) => p.pid === pid) ? 0x600 + pid : 0),
    QueryFullProcessImageNameW: (handle: number, _flags: number, name: Buffer, size: Buffer) => {
      const process = windows.processes.find((p) => p.pid === handle - 0x600);
      if (!process) return false;
      const path = `C:\\Games\\${process.name}`;
      name.write(`${path}\0`, 0, 'utf16le');
      size.writeUInt32LE(path.length, 0);
      return true;
    },
    CloseHandle: () => true,
    GetLastError: () => 0,
    SHQueryUserNotificationState: (state: Buffer) => {
      state.writeInt32LE(windows.notificationState, 0);
      return 0;
    },
    PdhOpenQueryW: (_source: null, _user: number, query: Buffer) => {
      query.writeBigUInt64LE(0x7000n, 0);
      return 0;
    },
    PdhAddEnglishCounterW: (_query: bigint, _path: Buffer, _user: number, counter: Buffer) => {
      if (windows.gpuEngine === null) return PDH_STATUS.CSTATUS_NO_COUNTER;
      counter.writeBigUInt64LE(0x7100n, 0);
      return 0;
    },
    PdhCollectQueryData: () => windows.collectStatus,
    PdhGetFormattedCounterArrayW: (_counter: bigint, _format: number, size: Buffer, count: Buffer, items: FakeMemory | null) => {
      // Wine aborts the process here when the counter was never added.
      if (windows.gpuEngine === null) throw new Error('PdhGetFormattedCounterArrayW called without a counter (Wine aborts here)');
      const instances = windows.gpuEngine;
      const names = instances.map((i) => Buffer.from(`${i.name}\0`, 'utf16le'));
      const needed = instances.length * PDH_ITEM_SIZE + names.reduce((sum, n) => sum + n.length, 0);
      if (!items || size.readUInt32LE(0) < needed) {
        size.writeUInt32LE(needed, 0);
        return PDH_STATUS.MORE_DATA;
      }
      let nameOffset = instances.length * PDH_ITEM_SIZE;
      instances.forEach((instance, i) => {
        const buffer = items.fakeMemory;
        buffer.writeBigUInt64LE(BASE_ADDRESS + BigInt(nameOffset), i * PDH_ITEM_SIZE);
        buffer.writeUInt32LE(instance.status ?? 0, i * PDH_ITEM_SIZE + 8);
        buffer.writeUInt32LE(0xdeadbeef, i * PDH_ITEM_SIZE + 12); // padding: never read
        buffer.writeDoubleLE(instance.value, i * PDH_ITEM_SIZE + 16);
        names[i]!.copy(buffer, nameOffset);
        nameOffset += names[i]!.length;
      });
      count.writeUInt32LE(instances.length, 0);
      return 0;
    },
    PdhCloseQuery: () => 0,
    nvmlInit_v2: () => 0,
    nvmlDeviceGetCount_v2: (count: Buffer) => {
      count.writeUInt32LE(windows.nvidiaUuids?.length ?? 0, 0);
      return 0;
    },
    nvmlDeviceGetHandleByIndex_v2: (index: number, device: Buffer) => {
      device.writeBigUInt64LE(BigInt(0x9000 + index), 0);
      return 0;
    },
    nvmlDeviceGetUUID: (device: bigint, uuid: Buffer) => {
      uuid.write(`${windows.nvidiaUuids?.[Number(device) - 0x9000] ?? ''}\0`, 0, 'latin1');
      return 0;
    },
  };

  function writeEntry(entry: Buffer): boolean {
    const process = windows.processes[snapshotIndex++];
    if (!process || entry.readUInt32LE(0) !== 568) return false;
    entry.fill(0, 4);
    entry.writeUInt32LE(process.pid, 8);
    entry.writeUInt32LE(process.parentPid, 32);
    entry.write(`${process.name}\0`, 44, 'utf16le');
    return true;
  }

  const fake = {
    load(path: string) {
      if (/nvml/i.test(path) && windows.nvidiaUuids === null) throw new Error('Failed to load shared library: Module not found.');
      return {
        func(proto: string) {
          const name = /(\w+)\s*\(/.exec(proto)?.[1] ?? '';
          const implementation = implementations[name];
          if (!implementation) throw new Error(`fake Windows has no ${name}`);
          return (...args: never[]) => {
            windows.calls.push(name);
            return implementation(...args);
          };
        },
      };
    },
    alloc: (_type: string, length: number): FakeMemory => ({ fakeMemory: Buffer.alloc(length) }),
    address: () => BASE_ADDRESS,
    view: (memory: FakeMemory, length: number) => memory.fakeMemory.buffer.slice(memory.fakeMemory.byteOffset, memory.fakeMemory.byteOffset + length),
    free: () => undefined,
  };
  return fake as unknown as KoffiModule;
}
