/**
 * Win32 structures read from raw little-endian buffers (x64 layouts). The koffi bindings
 * pass plain Buffers for every pointer argument and these pure functions decode them, so
 * the layouts are unit-tested on any OS and no koffi struct type is registered globally.
 */

/** PROCESSENTRY32W on x64: dwSize@0, th32ProcessID@8, th32ParentProcessID@32, szExeFile@44 (WCHAR[260]). */
export const PROCESSENTRY32W_SIZE = 568;
const PE_PID = 8;
const PE_PARENT_PID = 32;
const PE_EXE = 44;
const MAX_PATH = 260;

export interface ProcessEntry {
  pid: number;
  parentPid: number;
  /** Executable file name as Windows reports it ("eldenring.exe"). */
  name: string;
}

/** A NUL-terminated UTF-16LE string starting at `offset`, at most `maxChars` long. */
export function readWideString(buffer: Buffer, offset: number, maxChars: number): string {
  const limit = Math.min(buffer.length, offset + maxChars * 2);
  let end = offset;
  while (end + 1 < limit && (buffer[end] !== 0 || buffer[end + 1] !== 0)) end += 2;
  return buffer.toString('utf16le', offset, end);
}

/** Writes `text` + NUL as UTF-16LE (for LPCWSTR arguments). */
export const wideString = (text: string): Buffer => Buffer.from(`${text}\0`, 'utf16le');

export function newProcessEntryBuffer(): Buffer {
  const buffer = Buffer.alloc(PROCESSENTRY32W_SIZE);
  buffer.writeUInt32LE(PROCESSENTRY32W_SIZE, 0);
  return buffer;
}

export function parseProcessEntry(buffer: Buffer): ProcessEntry {
  return {
    pid: buffer.readUInt32LE(PE_PID),
    parentPid: buffer.readUInt32LE(PE_PARENT_PID),
    name: readWideString(buffer, PE_EXE, MAX_PATH),
  };
}

export interface Rect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** RECT: four LONGs. */
export function parseRect(buffer: Buffer, offset = 0): Rect {
  return {
    left: buffer.readInt32LE(offset),
    top: buffer.readInt32LE(offset + 4),
    right: buffer.readInt32LE(offset + 8),
    bottom: buffer.readInt32LE(offset + 12),
  };
}

/** MONITORINFO: cbSize@0, rcMonitor@4, rcWork@20, dwFlags@36; 40 bytes. */
export const MONITORINFO_SIZE = 40;
export function newMonitorInfoBuffer(): Buffer {
  const buffer = Buffer.alloc(MONITORINFO_SIZE);
  buffer.writeUInt32LE(MONITORINFO_SIZE, 0);
  return buffer;
}
export const monitorRect = (buffer: Buffer): Rect => parseRect(buffer, 4);

/** LASTINPUTINFO: cbSize, dwTime (GetTickCount at the last input). */
export const LASTINPUTINFO_SIZE = 8;
export function newLastInputInfoBuffer(): Buffer {
  const buffer = Buffer.alloc(LASTINPUTINFO_SIZE);
  buffer.writeUInt32LE(LASTINPUTINFO_SIZE, 0);
  return buffer;
}
export const lastInputTick = (buffer: Buffer): number => buffer.readUInt32LE(4);

/**
 * Whole seconds since the last input. Both are 32-bit millisecond tick counts that wrap
 * every 49.7 days, so the difference is taken modulo 2^32.
 */
export function idleSecondsFromTicks(nowTick: number, lastInputTickValue: number): number {
  const elapsedMs = (nowTick - lastInputTickValue) >>> 0;
  return Math.floor(elapsedMs / 1000);
}
