import type { PresenceReadings } from '../../../shared/domain/availability';
import {
  DEFAULT_GPU_USE_THRESHOLD_PERCENT,
  overGpuUseThreshold,
  type PresenceDetectorId,
} from '../../../shared/domain/presence';

export type DetectorId = PresenceDetectorId;

export interface Reading {
  text: string;
  /** The detector cannot work on this machine (the text says why). */
  unavailable: boolean;
  /** How it looks ("NVML", "xprop (X11 …)"), when the agent says. */
  via?: string;
  /** Since when this has been so (ISO time), for a live "since 14:02:07". */
  since?: string;
}

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.floor(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

const list = (names: string[]): string => {
  const unique = [...new Set(names)];
  return unique.length <= 3 ? unique.join(', ') : `${unique.slice(0, 3).join(', ')} and ${unique.length - 3} more`;
};

/**
 * What each presence detector last saw, in words, for the line next to its switch: from the
 * shared detector model (state, what it saw, through what, since when, or why it cannot work).
 */
export function presenceReadings(
  presence: PresenceReadings | null,
  gpuThresholdPercent: number = DEFAULT_GPU_USE_THRESHOLD_PERCENT,
): Record<DetectorId, Reading> {
  if (!presence) {
    const none = { text: 'no reading yet', unavailable: false };
    return { idle: none, processes: none, fullscreen: none, gpuInUse: none, battery: none };
  }
  const word = (id: DetectorId, watching: (saw: string | null) => string): Reading => {
    const status = presence.detectors[id];
    if (status.state === 'off') return { text: 'off', unavailable: false, since: status.since };
    if (status.state === 'unavailable') return { text: `unavailable: ${status.reason}`, unavailable: true, since: status.since };
    return { text: watching(status.saw), unavailable: false, since: status.since, ...(status.via ? { via: status.via } : {}) };
  };
  const { idle, battery } = presence;
  const under = presence.gpuForeignProcesses.filter((p) => !overGpuUseThreshold(p, gpuThresholdPercent));
  return {
    idle: word('idle', () => (idle.available ? `last input ${duration(idle.idleSeconds)} ago` : 'no reading yet')),
    processes: word('processes', (saw) => (saw ? `running now: ${list(presence.runningWatched)}` : 'none running now')),
    fullscreen: word('fullscreen', (saw) => (saw ? `full-screen now: ${saw}` : 'nothing full-screen now')),
    gpuInUse: word('gpuInUse', (saw) => {
      const quiet = under.length > 0 ? ` (${list(under.map((p) => p.name))} under ${gpuThresholdPercent} %)` : '';
      return saw ? `in use by ${saw}${quiet}` : `no other app uses the GPU now${quiet}`;
    }),
    battery: word('battery', () =>
      battery.available
        ? battery.onBattery
          ? `on battery${battery.percent === null ? '' : ` (${Math.round(battery.percent)} %)`}`
          : 'on mains power'
        : 'no reading yet',
    ),
  };
}

export type PercentParse = { ok: true; percent: number } | { ok: false; message: string };

/** The GPU-use threshold the owner typed: a whole percent, 1 to 100 (the agent's schema). */
export function parseGpuThreshold(text: string): PercentParse {
  const t = text.trim();
  const message = 'Enter a whole percentage between 1 and 100.';
  if (!/^\d+$/.test(t)) return { ok: false, message };
  const percent = Number(t);
  if (percent < 1 || percent > 100) return { ok: false, message };
  return { ok: true, percent };
}

export const MAX_WATCH_NAME = 128;
export const MAX_WATCH_LIST = 200;

export type WatchAdd = { ok: true; list: string[] } | { ok: false; message: string };

/** Adds an executable name the owner typed, with the same limits the agent applies. */
export function addWatchName(list: readonly string[], typed: string): WatchAdd {
  const name = typed.trim();
  if (name === '') return { ok: false, message: 'Type the name of a program, e.g. eldenring.exe or blender.' };
  if (name.length > MAX_WATCH_NAME) return { ok: false, message: `Names are at most ${MAX_WATCH_NAME} characters.` };
  if (/[\\/]/.test(name)) return { ok: false, message: 'Enter the program name only (eldenring.exe), not its folder.' };
  if (list.some((n) => n.toLowerCase() === name.toLowerCase())) {
    return { ok: false, message: `"${name}" is already on your list.` };
  }
  if (list.length >= MAX_WATCH_LIST) return { ok: false, message: `The list holds at most ${MAX_WATCH_LIST} names.` };
  return { ok: true, list: [...list, name] };
}

export type MinutesParse = { ok: true; minutes: number } | { ok: false; message: string };

export function parseIdleMinutes(text: string): MinutesParse {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return { ok: false, message: 'Enter a whole number of minutes between 1 and 240.' };
  const minutes = Number(t);
  if (minutes < 1 || minutes > 240) return { ok: false, message: 'Enter a whole number of minutes between 1 and 240.' };
  return { ok: true, minutes };
}
