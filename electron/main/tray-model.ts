/**
 * What the tray shows, as pure functions of the agent's state: the status icon, the
 * tooltip and the menu. The Electron tray (electron-adapters.ts) only draws the result.
 */
import type { AttentionItem } from '../../shared/domain/attention';
import type { AvailabilityReport } from '../../shared/domain/availability';
import type { ManualPause } from '../../shared/domain/controls';
import { describePause, isPauseActive } from '../../shared/domain/schedule';
import type { TrayMenuItem, TrayStatus } from './desktop-ports';

export interface TrayInput {
  availability: AvailabilityReport;
  pause: ManualPause;
  timeZone: string;
  attention: readonly AttentionItem[];
  now: Date;
}

export interface TrayView {
  status: TrayStatus;
  tooltip: string;
  menu: TrayMenuItem[];
}

/**
 * Renting wins (the owner should always see that the card is busy); then a problem the
 * owner must fix; then paused (by the owner, or every device paused by its reasons);
 * otherwise available.
 */
export function trayStatus(input: TrayInput): TrayStatus {
  const devices = input.availability.gpus;
  if (devices.some((d) => d.state === 'renting' || d.state === 'yielding')) return 'renting';
  if (input.attention.some((item) => item.severity === 'problem')) return 'attention';
  if (isPauseActive(input.pause, input.now)) return 'paused';
  if (devices.length > 0 && devices.every((d) => d.state === 'paused')) return 'paused';
  return devices.length > 0 ? 'available' : 'paused';
}

const STATUS_WORDS: Record<TrayStatus, string> = {
  available: 'Ready to rent',
  renting: 'Renting',
  paused: 'Paused',
  attention: 'Needs your attention',
};

/** One line per state: the headline of the device that explains it best. */
function headline(status: TrayStatus, input: TrayInput): string {
  if (status === 'attention') return input.attention.find((i) => i.severity === 'problem')?.title ?? STATUS_WORDS.attention;
  if (status === 'paused' && isPauseActive(input.pause, input.now)) return describePause(input.pause, input.now, input.timeZone);
  const device =
    input.availability.gpus.find((d) => (status === 'renting' ? d.state === 'renting' || d.state === 'yielding' : d.state !== 'available')) ??
    input.availability.gpus[0];
  return device?.headline ?? 'Working out availability…';
}

export function trayView(input: TrayInput): TrayView {
  const status = trayStatus(input);
  const line = headline(status, input);
  const manualPause = isPauseActive(input.pause, input.now);
  const menu: TrayMenuItem[] = [{ kind: 'label', label: `${STATUS_WORDS[status]} — ${line}` }];
  if (status === 'attention') menu.push({ kind: 'action', action: 'open-attention', label: 'Show what needs attention…', enabled: true });
  menu.push(
    { kind: 'separator' },
    { kind: 'action', action: 'pause-hour', label: 'Pause for 1 hour', enabled: true },
    { kind: 'action', action: 'pause-tomorrow', label: 'Pause until tomorrow', enabled: true },
    { kind: 'action', action: 'resume', label: 'Resume renting', enabled: manualPause },
    { kind: 'separator' },
    { kind: 'action', action: 'open', label: 'Open RigShift', enabled: true },
    { kind: 'action', action: 'quit', label: 'Quit RigShift', enabled: true },
  );
  // Tooltips are capped at 127 characters on Windows.
  const tooltip = `RigShift: ${STATUS_WORDS[status]} — ${line}`.slice(0, 127);
  return { status, tooltip, menu };
}
