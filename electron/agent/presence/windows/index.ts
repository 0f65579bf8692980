/**
 * The Windows presence sources as one set, for node-presence-sources.ts (headless agent
 * and desktop app alike). Binding the Win32 calls can fail only on a broken install; then
 * the reason comes back and the caller keeps its command-line sources.
 */
import type { Logger } from '../../ports';
import type { NativeFullscreenCheck } from '../fullscreen';
import type { GpuProcessSource, IdleSource, ProcessLister } from '../presence-ports';
import { type KoffiModule, loadWin32Api } from './win32-api';
import {
  createWindowsFullscreenCheck,
  createWindowsGpuProcessSource,
  createWindowsGpuUse,
  createWindowsIdleSource,
  createWindowsProcessLister,
  listNvidiaGpus,
  type WindowsGpuUseReading,
} from './windows-presence';

export interface WindowsPresenceSources {
  idle: IdleSource;
  processes: ProcessLister;
  fullscreen: NativeFullscreenCheck;
  gpuProcesses: GpuProcessSource & { reading(): Promise<WindowsGpuUseReading> };
}

export interface WindowsPresenceOptions {
  logger: Logger;
  /** Percent of the 3D engine at or over which another process means "the owner uses the GPU" (default 5). */
  gpuUseThresholdPercent?: number | (() => number);
  ownPid?: number;
}

export function createWindowsPresenceSources(
  koffi: KoffiModule,
  options: WindowsPresenceOptions,
): { ok: true; sources: WindowsPresenceSources } | { ok: false; reason: string } {
  let api;
  try {
    api = loadWin32Api(koffi);
  } catch (error) {
    return { ok: false, reason: `the Win32 calls could not be bound: ${(error as Error).message}` };
  }
  const ownPid = options.ownPid ?? process.pid;
  return {
    ok: true,
    sources: {
      idle: createWindowsIdleSource(api),
      processes: createWindowsProcessLister(api),
      fullscreen: createWindowsFullscreenCheck(api, { ownPid }),
      gpuProcesses: createWindowsGpuProcessSource({
        gpuUse: createWindowsGpuUse(api, { ownPid }),
        nvidiaGpus: () => listNvidiaGpus(koffi),
        thresholdPercent: options.gpuUseThresholdPercent,
        logger: options.logger,
      }),
    },
  };
}
