/**
 * The presence detectors' ports: each detector is a small source the monitor polls.
 * The agent gets a Node implementation of each (this folder); the desktop app swaps in an
 * Electron one where Electron knows better (idle time: electron/main/electron-idle-source.ts).
 */
import type { PresenceReadings } from '../../../shared/domain/availability';

export type IdleReading = PresenceReadings['idle'];
export type FullscreenReading = PresenceReadings['fullscreen'];
export type BatteryReading = PresenceReadings['battery'];
export type GpuForeignProcess = PresenceReadings['gpuForeignProcesses'][number];

/** Seconds since the owner last touched keyboard or mouse, or why that cannot be known. */
export interface IdleSource {
  read(): Promise<IdleReading>;
}

/** Names of the running processes, as the OS reports them (deduplicated). */
export interface ProcessLister {
  list(): Promise<string[]>;
}

/** Whether the window in front is full-screen. */
export interface FullscreenSource {
  read(): Promise<FullscreenReading>;
}

/** Processes using an NVIDIA GPU that are not RigShift's own rental containers. */
export interface GpuProcessSource {
  read(): Promise<GpuForeignProcess[]>;
}

export interface BatterySource {
  read(): Promise<BatteryReading>;
}

/** Which OS the Node sources speak to; injectable so every branch is unit-testable. */
export type PresencePlatform = NodeJS.Platform;
