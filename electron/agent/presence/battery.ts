/**
 * Running on battery?
 *  - Linux: /sys/class/power_supply/<name>/{type,online,status,capacity,scope}. "Mains"/"USB"
 *    supplies with online=1 mean plugged in; a system battery with status "Discharging"
 *    means on battery. Batteries with scope=Device (wireless mice, game pads, headsets) are
 *    not the computer's and are ignored, or a desktop with a wireless mouse would look
 *    like a laptop on battery.
 *  - Windows: Win32_Battery through PowerShell (a cold PowerShell start costs a few hundred
 *    ms of CPU, so it is polled rarely, and a machine found without a battery is only asked
 *    again every `recheckNoBatteryMs`: desktops do not grow batteries).
 *  - No battery → { available: false, reason: 'no battery' } (normal for desktop PCs).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandRunner } from '../ports';
import type { BatteryReading, BatterySource } from './presence-ports';

export const NO_BATTERY: BatteryReading = { available: false, reason: 'no battery' };

export const WIN32_BATTERY_COMMAND = 'powershell';
export const WIN32_BATTERY_ARGS = [
  '-NoProfile',
  '-Command',
  '(Get-CimInstance Win32_Battery | Select-Object -First 1 BatteryStatus,EstimatedChargeRemaining | ConvertTo-Json)',
];

export interface PowerSupply {
  name: string;
  type: string;
  online?: string;
  status?: string;
  capacity?: string;
  scope?: string;
}

export function readLinuxPowerSupplies(root = '/sys/class/power_supply'): PowerSupply[] {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  const read = (name: string, file: string): string | undefined => {
    try {
      return readFileSync(join(root, name, file), 'utf8').trim();
    } catch {
      return undefined;
    }
  };
  return names.map((name) => ({
    name,
    type: read(name, 'type') ?? '',
    online: read(name, 'online'),
    status: read(name, 'status'),
    capacity: read(name, 'capacity'),
    scope: read(name, 'scope'),
  }));
}

export function batteryFromSupplies(supplies: readonly PowerSupply[]): BatteryReading {
  const batteries = supplies.filter((s) => s.type === 'Battery' && s.scope !== 'Device');
  if (batteries.length === 0) return NO_BATTERY;
  const plugged = supplies.some((s) => (s.type === 'Mains' || s.type.startsWith('USB')) && s.online === '1');
  const discharging = batteries.some((b) => b.status === 'Discharging');
  const capacities = batteries.map((b) => Number(b.capacity)).filter(isPercent);
  const percent = capacities.length ? Math.round(capacities.reduce((a, b) => a + b, 0) / capacities.length) : null;
  return { available: true, onBattery: discharging && !plugged, percent };
}

const isPercent = (value: number) => Number.isFinite(value) && value >= 0 && value <= 100;

/**
 * Win32_Battery.BatteryStatus: 1 discharging, 2 on AC, 3 fully charged, 4 low, 5 critical,
 * 6–9 charging, 10 undefined, 11 partially charged. 4 and 5 are reported while discharging.
 */
export function parseWin32Battery(stdout: string): BatteryReading {
  const text = stdout.trim();
  if (text === '') return NO_BATTERY;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`unexpected Win32_Battery output: ${text.slice(0, 120)}`);
  }
  const record = (Array.isArray(value) ? value[0] : value) as { BatteryStatus?: unknown; EstimatedChargeRemaining?: unknown } | null;
  if (!record || typeof record !== 'object') return NO_BATTERY;
  const status = Number(record.BatteryStatus);
  const charge = Number(record.EstimatedChargeRemaining);
  return {
    available: true,
    onBattery: status === 1 || status === 4 || status === 5,
    percent: record.EstimatedChargeRemaining != null && isPercent(charge) ? charge : null,
  };
}

export interface BatterySourceOptions {
  platform: NodeJS.Platform;
  runner: CommandRunner;
  sysRoot?: string;
  nowMs?: () => number;
  recheckNoBatteryMs?: number;
}

export function createBatterySource(options: BatterySourceOptions): BatterySource {
  const { platform, runner } = options;
  const nowMs = options.nowMs ?? (() => performance.now());
  const recheckNoBatteryMs = options.recheckNoBatteryMs ?? 10 * 60_000;
  let noBatterySince: number | null = null;

  return {
    async read() {
      if (platform === 'linux') return batteryFromSupplies(readLinuxPowerSupplies(options.sysRoot));
      if (platform !== 'win32') return { available: false, reason: `battery detection is not available on ${platform} yet` };
      if (noBatterySince !== null && nowMs() - noBatterySince < recheckNoBatteryMs) return NO_BATTERY;
      const result = await runner.run(WIN32_BATTERY_COMMAND, WIN32_BATTERY_ARGS, { timeoutMs: 15_000 });
      if (result.kind !== 'exited' || result.code !== 0) {
        return { available: false, reason: `cannot ask Windows about the battery (PowerShell: ${result.kind === 'exited' ? `exit ${result.code}` : result.kind})` };
      }
      const reading = parseWin32Battery(result.stdout);
      noBatterySince = reading.available ? null : nowMs();
      return reading;
    },
  };
}
