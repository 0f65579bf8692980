/**
 * The "GPU Engine" performance counters (what Task Manager's GPU column, System Informer
 * and PresentMon read): one instance per process × adapter × engine, named
 * "pid_1234_luid_0x00000000_0x0000C5B4_phys_0_eng_0_engtype_3D". Their "Utilization
 * Percentage" is a rate counter, so a value exists only from the second collection on and
 * covers the time between the last two. A process's 3D use is the sum over its 3D
 * instances (several engines, several adapters).
 *
 * This file is pure: PdhGetFormattedCounterArrayW's buffer is decoded here from bytes, so
 * the layout is tested against constructed structures on any OS.
 */

/** The wildcard counter path, added with PdhAddEnglishCounterW (language-independent). */
export const GPU_ENGINE_3D_COUNTER = '\\GPU Engine(*engtype_3D)\\Utilization Percentage';

export const PDH_STATUS = {
  CSTATUS_VALID_DATA: 0x0,
  CSTATUS_NEW_DATA: 0x1,
  MORE_DATA: 0x800007d2,
  NO_DATA: 0x800007d5,
  CSTATUS_NO_OBJECT: 0xc0000bb8,
  CSTATUS_NO_COUNTER: 0xc0000bb9,
  CSTATUS_INVALID_DATA: 0xc0000bba,
  INVALID_DATA: 0xc0000bc6,
  CSTATUS_BAD_COUNTERNAME: 0xc0000bc0,
} as const;

const STATUS_NAMES = new Map<number, string>(Object.entries(PDH_STATUS).map(([name, code]) => [code, `PDH_${name}`]));

/** "0xC0000BB9 (PDH_CSTATUS_NO_COUNTER)" */
export function describePdhStatus(status: number): string {
  const hex = `0x${(status >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
  const name = STATUS_NAMES.get(status >>> 0);
  return name ? `${hex} (${name})` : hex;
}

/** PDH_FMT_DOUBLE | PDH_FMT_NOCAP100: a process's engines may add up past 100 before we cap. */
export const PDH_FMT_DOUBLE_NOCAP100 = 0x00000200 | 0x00008000;

/**
 * PDH_FMT_COUNTERVALUE_ITEM_W on x64: LPWSTR szName @0, then PDH_FMT_COUNTERVALUE
 * { DWORD CStatus @8; (4 bytes padding); union { double doubleValue; ... } @16 }.
 */
export const PDH_ITEM_SIZE = 24;

export interface PdhItem {
  name: string;
  /** CStatus: 0 (valid) or 1 (new data) means the value is usable. */
  status: number;
  value: number;
}

/**
 * Decodes `itemCount` items from the buffer PdhGetFormattedCounterArrayW filled. Each name
 * is a pointer into the same buffer (after the item array), so `bufferAddress` (where the
 * buffer lives in memory) turns it back into an offset. A pointer outside the buffer is a
 * layout error and throws rather than reading elsewhere.
 */
export function parsePdhItemArray(buffer: Buffer, itemCount: number, bufferAddress: bigint): PdhItem[] {
  if (itemCount * PDH_ITEM_SIZE > buffer.length) {
    throw new Error(`PDH item array: ${itemCount} items do not fit in ${buffer.length} bytes`);
  }
  const items: PdhItem[] = [];
  for (let i = 0; i < itemCount; i++) {
    const base = i * PDH_ITEM_SIZE;
    const namePointer = buffer.readBigUInt64LE(base);
    const offset = namePointer - bufferAddress;
    if (offset < BigInt(itemCount * PDH_ITEM_SIZE) || offset >= BigInt(buffer.length)) {
      throw new Error(`PDH item ${i}: name pointer 0x${namePointer.toString(16)} is outside the buffer`);
    }
    const start = Number(offset);
    let end = start;
    while (end + 1 < buffer.length && (buffer[end] !== 0 || buffer[end + 1] !== 0)) end += 2;
    items.push({
      name: buffer.toString('utf16le', start, end),
      status: buffer.readUInt32LE(base + 8),
      value: buffer.readDoubleLE(base + 16),
    });
  }
  return items;
}

export interface GpuEngineInstance {
  pid: number;
  luid: string;
  engineType: string;
}

/** "pid_1234_luid_0x00000000_0x0000C5B4_phys_0_eng_0_engtype_3D" → its parts; null when not that shape. */
export function parseGpuEngineInstance(name: string): GpuEngineInstance | null {
  const match = /^pid_(\d+)_luid_(0x[0-9a-fA-F]+_0x[0-9a-fA-F]+)_phys_\d+_eng_\d+_engtype_(.+)$/.exec(name);
  if (!match?.[1] || !match[2] || !match[3]) return null;
  return { pid: Number(match[1]), luid: match[2].toLowerCase(), engineType: match[3] };
}

/**
 * Percent of the 3D engine per pid: the sum over that pid's valid engtype_3D instances,
 * capped at 100. Instances with an invalid status (first sample, process just exited) are
 * left out; pid 0 (the idle/system pseudo-process) too.
 */
export function sum3dUsePerPid(items: readonly PdhItem[]): Map<number, number> {
  const perPid = new Map<number, number>();
  for (const item of items) {
    if (item.status !== PDH_STATUS.CSTATUS_VALID_DATA && item.status !== PDH_STATUS.CSTATUS_NEW_DATA) continue;
    const instance = parseGpuEngineInstance(item.name);
    if (!instance || instance.pid === 0 || instance.engineType !== '3D' || !Number.isFinite(item.value)) continue;
    perPid.set(instance.pid, (perPid.get(instance.pid) ?? 0) + Math.max(0, item.value));
  }
  for (const [pid, percent] of perPid) perPid.set(pid, Math.min(100, percent));
  return perPid;
}

/**
 * GPU use that never means "the owner": WSL2's VM (our rental containers run in it), the
 * desktop compositor (dwm.exe composes every window, always a little busy).
 */
export const WINDOWS_NOT_OWNER_GPU_PROCESSES = new Set(['vmmem', 'vmmem.exe', 'vmmemwsl', 'vmmemwsl.exe', 'dwm.exe']);

/** Every pid descended from `rootPid` (itself included), from a pid → parent list. */
export function descendantsOf(rootPid: number, processes: ReadonlyArray<{ pid: number; parentPid: number }>): Set<number> {
  const children = new Map<number, number[]>();
  for (const p of processes) {
    if (p.pid === p.parentPid) continue;
    children.set(p.parentPid, [...(children.get(p.parentPid) ?? []), p.pid]);
  }
  const found = new Set<number>([rootPid]);
  const queue = [rootPid];
  while (queue.length > 0) {
    for (const child of children.get(queue.pop()!) ?? []) {
      if (!found.has(child)) {
        found.add(child);
        queue.push(child);
      }
    }
  }
  return found;
}
