/**
 * Where nvidia-smi lives. Linux packages put it on PATH. On Windows the driver installs
 * it into System32 (since R418 or so); very new or OEM driver packages sometimes leave it
 * only in the DriverStore, which is where systeminformation looks too.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export const WINDOWS_SYSTEM32_NVIDIA_SMI = 'C:\\Windows\\System32\\nvidia-smi.exe';
const WINDOWS_DRIVER_STORE = 'C:\\Windows\\System32\\DriverStore\\FileRepository';

/** Candidates in the order they are tried; a plain name means "search PATH". */
export function nvidiaSmiCandidates(platform: NodeJS.Platform, driverStoreHits: readonly string[] = []): string[] {
  if (platform === 'win32') return [WINDOWS_SYSTEM32_NVIDIA_SMI, ...driverStoreHits, 'nvidia-smi'];
  return ['nvidia-smi'];
}

/**
 * nvidia-smi.exe copies under DriverStore\FileRepository\nv*\, newest first (an old
 * driver's folder can survive an upgrade). Never throws: a missing folder means none.
 */
export async function findDriverStoreNvidiaSmi(root: string = WINDOWS_DRIVER_STORE): Promise<string[]> {
  let folders: string[];
  try {
    folders = (await readdir(root)).filter((name) => /^nv/i.test(name));
  } catch {
    return [];
  }
  const found: Array<{ path: string; mtimeMs: number }> = [];
  for (const folder of folders) {
    const path = join(root, folder, 'nvidia-smi.exe');
    try {
      const info = await stat(path);
      if (info.isFile()) found.push({ path, mtimeMs: info.mtimeMs });
    } catch {
      // not in this folder
    }
  }
  return found.sort((a, b) => b.mtimeMs - a.mtimeMs).map((entry) => entry.path);
}
