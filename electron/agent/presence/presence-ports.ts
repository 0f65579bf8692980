/**
 * The presence detectors' ports: each detector is a small source the monitor polls.
 * The agent gets a Node implementation of each (this folder); the desktop app swaps in an
 * Electron one where Electron knows better (idle time: electron/main/electron-idle-source.ts).
 */
import type { PresenceReadings } from '../../../shared/domain/availability';
import type { GpuForeignProcess as GpuForeignProcessType } from '../../../shared/domain/presence';

export type IdleReading = PresenceReadings['idle'];
export type FullscreenReading = PresenceReadings['fullscreen'];
export type BatteryReading = PresenceReadings['battery'];
export type GpuForeignProcess = GpuForeignProcessType;

/** Every GPU process that is not ours nor the compositor, and how it was read; or why it cannot be. */
export type GpuUseReading =
  | { available: true; processes: GpuForeignProcess[]; via: string }
  | { available: false; reason: string };

/** Seconds since the owner last touched keyboard or mouse, or why that cannot be known. */
export interface IdleSource {
  read(): Promise<IdleReading>;
}

/** Names of the running processes, as the OS reports them (deduplicated). */
export interface ProcessLister {
  list(): Promise<readonly string[]>;
  /** How it lists them ("/proc", "ps", a Toolhelp snapshot…), for the Controls page. */
  readonly via?: string;
}

/** Whether the window in front is full-screen. */
export interface FullscreenSource {
  read(): Promise<FullscreenReading>;
  /** How it looks ("xprop (X11 _NET_WM_STATE)", a Win32 window check…), for the Controls page. */
  readonly via?: string;
  /** Ends anything it keeps running between reads (the X11 `xprop -spy` children). */
  close?(): void;
}

/**
 * Processes using a GPU that are not RigShift's own rental containers nor the compositor,
 * each with its share of the GPU where known (the engine applies the owner's threshold).
 */
export interface GpuProcessSource {
  read(): Promise<GpuUseReading>;
}

export interface BatterySource {
  read(): Promise<BatteryReading>;
}

/** Which OS the Node sources speak to; injectable so every branch is unit-testable. */
export type PresencePlatform = NodeJS.Platform;
