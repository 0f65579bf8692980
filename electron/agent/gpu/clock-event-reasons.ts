/**
 * Decoding of `clocks_event_reasons.active` (formerly `clocks_throttle_reasons.active`), a
 * hex bitmask such as 0x0000000000000004. Bit values are NVML's nvmlClocksEventReasons
 * constants (nvml.h; https://docs.nvidia.com/deploy/nvml-api/group__nvmlClocksEventReasons.html):
 * GpuIdle 0x1, ApplicationsClocksSetting 0x2, SwPowerCap 0x4, HwSlowdown 0x8, SyncBoost 0x10,
 * SwThermalSlowdown 0x20, HwThermalSlowdown 0x40, HwPowerBrakeSlowdown 0x80,
 * DisplayClockSetting 0x100.
 */
export const CLOCK_EVENT_REASON_BITS = [
  { bit: 0x1n, name: 'gpu_idle' },
  { bit: 0x2n, name: 'applications_clocks_setting' },
  { bit: 0x4n, name: 'sw_power_cap' },
  { bit: 0x8n, name: 'hw_slowdown' },
  { bit: 0x10n, name: 'sync_boost' },
  { bit: 0x20n, name: 'sw_thermal_slowdown' },
  { bit: 0x40n, name: 'hw_thermal_slowdown' },
  { bit: 0x80n, name: 'hw_power_brake_slowdown' },
  { bit: 0x100n, name: 'display_clock_setting' },
] as const;

export type ClockEventReason = (typeof CLOCK_EVENT_REASON_BITS)[number]['name'];

/**
 * Names of the active reasons, in bit order. Bits NVML may add later come back as
 * `unknown_0x...` rather than being dropped, so a new limiter is still visible.
 * Returns null when the text is not a hex mask (e.g. `[N/A]`).
 */
export function decodeClockEventReasons(mask: string): string[] | null {
  const text = mask.trim();
  if (!/^0x[0-9a-f]{1,16}$/i.test(text)) return null;
  let rest = BigInt(text);
  const names: string[] = [];
  for (const { bit, name } of CLOCK_EVENT_REASON_BITS) {
    if (rest & bit) {
      names.push(name);
      rest &= ~bit;
    }
  }
  for (let bit = 1n; rest !== 0n; bit <<= 1n) {
    if (rest & bit) {
      names.push(`unknown_0x${bit.toString(16)}`);
      rest &= ~bit;
    }
  }
  return names;
}
