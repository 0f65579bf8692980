/**
 * The Win32 calls the Windows presence detectors make, bound through koffi (prebuilt, no
 * compile step). Every pointer argument is a plain Buffer decoded by win32-structs.ts, and
 * handles travel as integers (uintptr_t), so no koffi type is registered by name and the
 * bindings can be made more than once per process.
 *
 * koffi is passed in rather than imported: the desktop app and the headless agent load it
 * from node_modules (load-koffi.ts), the Wine test harness loads the win32 build it fetched.
 */
import type * as Koffi from 'koffi';

export type KoffiModule = typeof Koffi;
/** HWND, HMONITOR, HANDLE, PDH_HQUERY: integers as koffi returns uintptr_t. */
export type Handle = number | bigint;

export interface User32 {
  GetForegroundWindow(): Handle;
  GetWindowRect(hwnd: Handle, rect: Buffer): boolean;
  MonitorFromWindow(hwnd: Handle, flags: number): Handle;
  GetMonitorInfoW(monitor: Handle, info: Buffer): boolean;
  GetWindowThreadProcessId(hwnd: Handle, pid: Buffer): number;
  GetClassNameW(hwnd: Handle, name: Buffer, maxChars: number): number;
  IsIconic(hwnd: Handle): boolean;
  GetLastInputInfo(info: Buffer): boolean;
}

export interface Kernel32 {
  GetTickCount(): number;
  GetCurrentProcessId(): number;
  CreateToolhelp32Snapshot(flags: number, pid: number): Handle;
  Process32FirstW(snapshot: Handle, entry: Buffer): boolean;
  Process32NextW(snapshot: Handle, entry: Buffer): boolean;
  OpenProcess(access: number, inherit: boolean, pid: number): Handle;
  QueryFullProcessImageNameW(process: Handle, flags: number, name: Buffer, size: Buffer): boolean;
  CloseHandle(handle: Handle): boolean;
  GetLastError(): number;
}

export interface Shell32 {
  /** Writes a QUERY_USER_NOTIFICATION_STATE into `state` (4 bytes); returns an HRESULT. */
  SHQueryUserNotificationState(state: Buffer): number;
}

export interface Pdh {
  PdhOpenQueryW(dataSource: null, userData: number, query: Buffer): number;
  PdhAddEnglishCounterW(query: Handle, path: Buffer, userData: number, counter: Buffer): number;
  PdhCollectQueryData(query: Handle): number;
  /** Never called after PdhAddEnglishCounterW failed: under Wine it aborts the process. */
  PdhGetFormattedCounterArrayW(counter: Handle, format: number, size: Buffer, count: Buffer, items: unknown): number;
  PdhCloseQuery(query: Handle): number;
}

export interface Win32Api {
  koffi: KoffiModule;
  user32: User32;
  kernel32: Kernel32;
  shell32: Shell32;
  /** pdh.dll, loaded on first use; throws when it cannot be loaded. */
  pdh(): Pdh;
}

export const INVALID_HANDLE_VALUE = 0xffffffffffffffffn;
export const TH32CS_SNAPPROCESS = 0x2;
export const PROCESS_QUERY_LIMITED_INFORMATION = 0x1000;
export const MONITOR_DEFAULTTONEAREST = 0x2;

const isInvalidHandle = (handle: Handle): boolean =>
  handle === 0 || handle === 0n || BigInt(handle) === INVALID_HANDLE_VALUE || handle === -1 || handle === -1n;
export { isInvalidHandle };

/** Binds the calls. Windows only: user32/kernel32/shell32 exist on every Windows desktop. */
export function loadWin32Api(koffi: KoffiModule): Win32Api {
  const user32Lib = koffi.load('user32.dll');
  const kernel32Lib = koffi.load('kernel32.dll');
  const shell32Lib = koffi.load('shell32.dll');
  const u = (proto: string) => user32Lib.func(proto);
  const k = (proto: string) => kernel32Lib.func(proto);

  const user32: User32 = {
    GetForegroundWindow: u('uintptr_t __stdcall GetForegroundWindow()'),
    GetWindowRect: u('bool __stdcall GetWindowRect(uintptr_t hwnd, void *rect)'),
    MonitorFromWindow: u('uintptr_t __stdcall MonitorFromWindow(uintptr_t hwnd, uint32_t flags)'),
    GetMonitorInfoW: u('bool __stdcall GetMonitorInfoW(uintptr_t monitor, void *info)'),
    GetWindowThreadProcessId: u('uint32_t __stdcall GetWindowThreadProcessId(uintptr_t hwnd, void *pid)'),
    GetClassNameW: u('int __stdcall GetClassNameW(uintptr_t hwnd, void *name, int maxChars)'),
    IsIconic: u('bool __stdcall IsIconic(uintptr_t hwnd)'),
    GetLastInputInfo: u('bool __stdcall GetLastInputInfo(void *info)'),
  };
  const kernel32: Kernel32 = {
    GetTickCount: k('uint32_t __stdcall GetTickCount()'),
    GetCurrentProcessId: k('uint32_t __stdcall GetCurrentProcessId()'),
    CreateToolhelp32Snapshot: k('uintptr_t __stdcall CreateToolhelp32Snapshot(uint32_t flags, uint32_t pid)'),
    Process32FirstW: k('bool __stdcall Process32FirstW(uintptr_t snapshot, void *entry)'),
    Process32NextW: k('bool __stdcall Process32NextW(uintptr_t snapshot, void *entry)'),
    OpenProcess: k('uintptr_t __stdcall OpenProcess(uint32_t access, bool inherit, uint32_t pid)'),
    QueryFullProcessImageNameW: k(
      'bool __stdcall QueryFullProcessImageNameW(uintptr_t process, uint32_t flags, void *name, void *size)',
    ),
    CloseHandle: k('bool __stdcall CloseHandle(uintptr_t handle)'),
    GetLastError: k('uint32_t __stdcall GetLastError()'),
  };
  const shell32: Shell32 = {
    SHQueryUserNotificationState: shell32Lib.func('int32_t __stdcall SHQueryUserNotificationState(void *state)'),
  };

  let pdh: Pdh | null = null;
  return {
    koffi,
    user32,
    kernel32,
    shell32,
    pdh() {
      if (pdh) return pdh;
      const lib = koffi.load('pdh.dll');
      const p = (proto: string) => lib.func(proto);
      pdh = {
        PdhOpenQueryW: p('uint32_t __stdcall PdhOpenQueryW(void *dataSource, uintptr_t userData, void *query)'),
        PdhAddEnglishCounterW: p(
          'uint32_t __stdcall PdhAddEnglishCounterW(uintptr_t query, void *path, uintptr_t userData, void *counter)',
        ),
        PdhCollectQueryData: p('uint32_t __stdcall PdhCollectQueryData(uintptr_t query)'),
        PdhGetFormattedCounterArrayW: p(
          'uint32_t __stdcall PdhGetFormattedCounterArrayW(uintptr_t counter, uint32_t format, void *size, void *count, void *items)',
        ),
        PdhCloseQuery: p('uint32_t __stdcall PdhCloseQuery(uintptr_t query)'),
      };
      return pdh;
    },
  };
}
