import type { PresenceReadings } from '../../../shared/domain/availability';

export type DetectorId = 'idle' | 'processes' | 'fullscreen' | 'gpuInUse' | 'battery';

export interface Reading {
  text: string;
  /** The detector cannot work on this machine (the text says why). */
  unavailable: boolean;
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

/** What each presence detector last saw, in words, for the line next to its switch. */
export function presenceReadings(presence: PresenceReadings | null): Record<DetectorId, Reading> {
  if (!presence) {
    const none = { text: 'no reading yet', unavailable: false };
    return { idle: none, processes: none, fullscreen: none, gpuInUse: none, battery: none };
  }
  const { idle, fullscreen, battery } = presence;
  return {
    idle: idle.available
      ? { text: `last input ${duration(idle.idleSeconds)} ago (${idle.source})`, unavailable: false }
      : { text: `unavailable: ${idle.reason}`, unavailable: true },
    processes: {
      text: presence.runningWatched.length > 0 ? `running now: ${list(presence.runningWatched)}` : 'none running now',
      unavailable: false,
    },
    fullscreen: fullscreen.available
      ? {
          text: fullscreen.active ? `full-screen now${fullscreen.app ? `: ${fullscreen.app}` : ''}` : 'nothing full-screen now',
          unavailable: false,
        }
      : { text: `unavailable: ${fullscreen.reason}`, unavailable: true },
    gpuInUse: {
      text:
        presence.gpuForeignProcesses.length > 0
          ? `in use by ${list(presence.gpuForeignProcesses.map((p) => p.name))}`
          : 'no other app uses the GPU now',
      unavailable: false,
    },
    battery: battery.available
      ? {
          text: battery.onBattery
            ? `on battery${battery.percent === null ? '' : ` (${Math.round(battery.percent)} %)`}`
            : 'on mains power',
          unavailable: false,
        }
      : { text: `unavailable: ${battery.reason}`, unavailable: true },
  };
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
