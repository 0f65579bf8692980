import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  batteryFromSupplies,
  createBatterySource,
  NO_BATTERY,
  parseWin32Battery,
  readLinuxPowerSupplies,
  WIN32_BATTERY_ARGS,
} from '../../../electron/agent/presence/battery';
import { exited, FakeCommandRunner } from '../../fakes/fake-command-runner';
import { tempDir } from '../../helpers/temp-dir';

describe('Linux power supplies', () => {
  let dir: ReturnType<typeof tempDir> | null = null;
  afterEach(() => dir?.cleanup());

  const supply = (root: string, name: string, files: Record<string, string>) => {
    mkdirSync(join(root, name), { recursive: true });
    for (const [file, value] of Object.entries(files)) writeFileSync(join(root, name, file), `${value}\n`);
  };

  it('laptop unplugged: on battery with its capacity', async () => {
    dir = tempDir();
    supply(dir.path, 'AC', { type: 'Mains', online: '0' });
    supply(dir.path, 'BAT0', { type: 'Battery', status: 'Discharging', capacity: '73', scope: 'System' });
    const reading = await createBatterySource({ platform: 'linux', runner: new FakeCommandRunner(), sysRoot: dir.path }).read();
    expect(reading).toEqual({ available: true, onBattery: true, percent: 73 });
  });

  it('plugged in (Mains or USB-C online) is not on battery', () => {
    expect(
      batteryFromSupplies([
        { name: 'AC', type: 'Mains', online: '1' },
        { name: 'BAT0', type: 'Battery', status: 'Charging', capacity: '50' },
      ]),
    ).toEqual({ available: true, onBattery: false, percent: 50 });
    expect(
      batteryFromSupplies([
        { name: 'ucsi-source-psy-USBC000:001', type: 'USB', online: '1' },
        { name: 'BAT0', type: 'Battery', status: 'Discharging', capacity: '90' },
      ]),
    ).toEqual({ available: true, onBattery: false, percent: 90 });
  });

  it('a desktop with a wireless mouse battery (scope=Device) has no battery', async () => {
    dir = tempDir();
    supply(dir.path, 'hidpp_battery_0', { type: 'Battery', status: 'Discharging', capacity: '20', scope: 'Device' });
    expect(batteryFromSupplies(readLinuxPowerSupplies(dir.path))).toEqual(NO_BATTERY);
  });

  it('no /sys/class/power_supply entries (this VM) → no battery', () => {
    expect(readLinuxPowerSupplies('/nonexistent')).toEqual([]);
    expect(batteryFromSupplies([])).toEqual({ available: false, reason: 'no battery' });
  });
});

describe('Windows battery', () => {
  it('parses Win32_Battery JSON', () => {
    expect(parseWin32Battery('{\r\n  "BatteryStatus": 1,\r\n  "EstimatedChargeRemaining": 64\r\n}\r\n')).toEqual({
      available: true,
      onBattery: true,
      percent: 64,
    });
    expect(parseWin32Battery('{"BatteryStatus":2,"EstimatedChargeRemaining":100}')).toEqual({ available: true, onBattery: false, percent: 100 });
    expect(parseWin32Battery('{"BatteryStatus":5,"EstimatedChargeRemaining":null}')).toEqual({ available: true, onBattery: true, percent: null });
    expect(parseWin32Battery('\r\n')).toEqual(NO_BATTERY);
    expect(() => parseWin32Battery('Get-CimInstance : Access denied')).toThrow(/unexpected/);
  });

  it('sends the exact PowerShell command, and asks a battery-less PC again only after the recheck period', async () => {
    let now = 0;
    const runner = new FakeCommandRunner().on('powershell', WIN32_BATTERY_ARGS, exited(''));
    const source = createBatterySource({ platform: 'win32', runner, nowMs: () => now, recheckNoBatteryMs: 600_000 });
    expect(await source.read()).toEqual(NO_BATTERY);
    now = 300_000;
    expect(await source.read()).toEqual(NO_BATTERY);
    expect(runner.runs).toHaveLength(1);
    expect(runner.runs[0]).toMatchObject({
      command: 'powershell',
      args: ['-NoProfile', '-Command', '(Get-CimInstance Win32_Battery | Select-Object -First 1 BatteryStatus,EstimatedChargeRemaining | ConvertTo-Json)'],
    });
    now = 600_000;
    await source.read();
    expect(runner.runs).toHaveLength(2);
  });

  it('PowerShell missing: unavailable with a reason', async () => {
    const reading = await createBatterySource({ platform: 'win32', runner: new FakeCommandRunner() }).read();
    expect(reading).toEqual({ available: false, reason: 'cannot ask Windows about the battery (PowerShell: missing)' });
  });
});
