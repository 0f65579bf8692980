/**
 * koffi, loaded only when the Windows detectors are wanted (never on Linux or macOS), and
 * without failing the agent when its native part is missing (a broken install): the caller
 * gets the reason and falls back to the command-line sources.
 */
import { createRequire } from 'node:module';
import type { KoffiModule } from './win32-api';

export type KoffiLoad = { ok: true; koffi: KoffiModule } | { ok: false; reason: string };

export function loadKoffi(): KoffiLoad {
  try {
    return { ok: true, koffi: createRequire(import.meta.url)('koffi') as KoffiModule };
  } catch (error) {
    return { ok: false, reason: `koffi could not be loaded: ${(error as Error).message}` };
  }
}
