import { describe, expect, it } from 'vitest';
import {
  describePdhStatus,
  descendantsOf,
  parseGpuEngineInstance,
  parsePdhItemArray,
  PDH_ITEM_SIZE,
  sum3dUsePerPid,
} from '../../../electron/agent/presence/windows/pdh-gpu-engine';
import { classifyForeground, coversMonitor, QUNS } from '../../../electron/agent/presence/windows/foreground';
import {
  idleSecondsFromTicks,
  newProcessEntryBuffer,
  parseProcessEntry,
  PROCESSENTRY32W_SIZE,
  readWideString,
} from '../../../electron/agent/presence/windows/win32-structs';

/**
 * A PdhGetFormattedCounterArrayW buffer as Windows lays it out on x64, built byte by byte:
 * the item array (24 bytes each: name pointer, CStatus, 4 bytes padding, double), then the
 * UTF-16 names the pointers point at. Base address 0x0000_01f2_3456_0000.
 */
function pdhBuffer(items: Array<{ name: string; status: number; value: number }>, base: bigint): Buffer {
  const names = items.map((i) => Buffer.from(`${i.name}\0`, 'utf16le'));
  const buffer = Buffer.alloc(items.length * 24 + names.reduce((s, n) => s + n.length, 0), 0xcc);
  let offset = items.length * 24;
  items.forEach((item, i) => {
    buffer.writeBigUInt64LE(base + BigInt(offset), i * 24);
    buffer.writeUInt32LE(item.status, i * 24 + 8);
    buffer.writeDoubleLE(item.value, i * 24 + 16);
    names[i]!.copy(buffer, offset);
    offset += names[i]!.length;
  });
  return buffer;
}

const BASE = 0x0000_01f2_3456_0000n;
const GAME_3D_ENG0 = 'pid_4242_luid_0x00000000_0x0000C5B4_phys_0_eng_0_engtype_3D';
const GAME_3D_ENG1 = 'pid_4242_luid_0x00000000_0x0000C5B4_phys_0_eng_1_engtype_3D';

describe('PDH GPU Engine counter array (PDH_FMT_COUNTERVALUE_ITEM_W, x64)', () => {
  it('has the x64 item size: pointer + DWORD + padding + double', () => {
    expect(PDH_ITEM_SIZE).toBe(24);
  });

  it('decodes names through their pointers, statuses and doubles, skipping the padding', () => {
    const items = [
      { name: GAME_3D_ENG0, status: 0, value: 31.5 },
      { name: 'pid_700_luid_0x00000000_0x0000C5B4_phys_0_eng_0_engtype_3D', status: 1, value: 2.25 },
    ];
    expect(parsePdhItemArray(pdhBuffer(items, BASE), 2, BASE)).toEqual(items);
  });

  it('refuses a name pointer outside the buffer instead of reading elsewhere', () => {
    const buffer = pdhBuffer([{ name: GAME_3D_ENG0, status: 0, value: 1 }], BASE);
    expect(() => parsePdhItemArray(buffer, 1, BASE + 0x10000n)).toThrow(/outside the buffer/);
    expect(() => parsePdhItemArray(buffer, 99, BASE)).toThrow(/do not fit/);
  });

  it('parses instance names and sums a process over its 3D engines, capped at 100', () => {
    expect(parseGpuEngineInstance(GAME_3D_ENG0)).toEqual({ pid: 4242, luid: '0x00000000_0x0000c5b4', engineType: '3D' });
    expect(parseGpuEngineInstance('_Total')).toBeNull();
    const perPid = sum3dUsePerPid([
      { name: GAME_3D_ENG0, status: 0, value: 30 },
      { name: GAME_3D_ENG1, status: 0, value: 12.5 },
      { name: 'pid_4242_luid_0x00000000_0x0000C5B4_phys_0_eng_3_engtype_VideoDecode', status: 0, value: 50 },
      { name: 'pid_9_luid_0x00000000_0x0000C5B4_phys_0_eng_0_engtype_3D', status: 0, value: 70 },
      { name: 'pid_9_luid_0x00000000_0x0000D000_phys_0_eng_0_engtype_3D', status: 0, value: 60 },
      { name: 'pid_77_luid_0x00000000_0x0000C5B4_phys_0_eng_0_engtype_3D', status: 0xc0000bba, value: 99 },
      { name: 'pid_0_luid_0x00000000_0x0000C5B4_phys_0_eng_0_engtype_3D', status: 0, value: 80 },
    ]);
    expect([...perPid.entries()]).toEqual([
      [4242, 42.5],
      [9, 100],
    ]);
  });

  it('names PDH statuses the way the reason shows them', () => {
    expect(describePdhStatus(0xc0000bb9)).toBe('0xC0000BB9 (PDH_CSTATUS_NO_COUNTER)');
    expect(describePdhStatus(0x12)).toBe('0x00000012');
  });

  it('finds our own process tree (the Electron GPU process is a child of ours)', () => {
    const tree = descendantsOf(10, [
      { pid: 10, parentPid: 1 },
      { pid: 11, parentPid: 10 },
      { pid: 12, parentPid: 11 },
      { pid: 13, parentPid: 1 },
      { pid: 0, parentPid: 0 },
    ]);
    expect([...tree].sort()).toEqual([10, 11, 12]);
  });
});

describe('Win32 structures', () => {
  it('reads PROCESSENTRY32W at its x64 offsets', () => {
    const entry = newProcessEntryBuffer();
    expect(entry.length).toBe(PROCESSENTRY32W_SIZE);
    expect(entry.readUInt32LE(0)).toBe(568);
    entry.writeUInt32LE(4242, 8);
    entry.writeUInt32LE(1000, 32);
    entry.write('eldenring.exe\0', 44, 'utf16le');
    expect(parseProcessEntry(entry)).toEqual({ pid: 4242, parentPid: 1000, name: 'eldenring.exe' });
  });

  it('stops a wide string at NUL or at its limit', () => {
    expect(readWideString(Buffer.from('abc\0def', 'utf16le'), 0, 10)).toBe('abc');
    expect(readWideString(Buffer.from('abcdef', 'utf16le'), 0, 2)).toBe('ab');
  });

  it('counts idle seconds across the 49.7-day tick wrap', () => {
    expect(idleSecondsFromTicks(10_500, 9_000)).toBe(1);
    expect(idleSecondsFromTicks(2_000, 0xffff_ffff - 3_000)).toBe(5);
  });
});

describe('full screen from the foreground window', () => {
  const monitor = { left: 0, top: 0, right: 2560, bottom: 1440 };
  const facts = {
    className: 'UnrealWindow',
    pid: 4242,
    ownPid: 1,
    minimized: false,
    windowRect: monitor,
    monitorRect: monitor,
    notificationState: QUNS.ACCEPTS_NOTIFICATIONS,
  };

  it('a borderless window the size of its monitor is full screen, a smaller one is not', () => {
    expect(classifyForeground(facts)).toEqual({ fullscreen: true, by: 'rect' });
    expect(classifyForeground({ ...facts, windowRect: { left: 0, top: 0, right: 2560, bottom: 1400 } })).toEqual({
      fullscreen: false,
      why: 'smaller',
    });
  });

  it('on a second monitor, against that monitor', () => {
    const second = { left: 2560, top: 0, right: 4480, bottom: 1080 };
    expect(coversMonitor(second, second)).toBe(true);
    expect(coversMonitor(monitor, second)).toBe(false);
  });

  it('skips the shell, our own windows and minimized ones', () => {
    for (const className of ['Progman', 'WorkerW', '#32769', 'Shell_TrayWnd']) {
      expect(classifyForeground({ ...facts, className })).toEqual({ fullscreen: false, why: 'shell' });
    }
    expect(classifyForeground({ ...facts, pid: 1 })).toEqual({ fullscreen: false, why: 'own' });
    expect(classifyForeground({ ...facts, minimized: true })).toEqual({ fullscreen: false, why: 'minimized' });
  });

  it('takes SHQueryUserNotificationState only as a hint for exclusive Direct3D full screen', () => {
    const small = { ...facts, windowRect: { left: 0, top: 0, right: 800, bottom: 600 } };
    expect(classifyForeground({ ...small, notificationState: QUNS.RUNNING_D3D_FULL_SCREEN })).toEqual({ fullscreen: true, by: 'd3d-hint' });
    expect(classifyForeground({ ...small, notificationState: QUNS.BUSY })).toEqual({ fullscreen: false, why: 'smaller' });
  });
});
