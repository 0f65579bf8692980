/** Display helpers. `null` means the driver did not report the value. */
export const NOT_REPORTED = 'not reported';

export function formatMiB(mib: number | null): string {
  if (mib === null) return NOT_REPORTED;
  if (mib < 1024) return `${Math.round(mib)} MiB`;
  const gib = mib / 1024;
  return `${Number.isInteger(gib) ? gib : gib.toFixed(1)} GiB`;
}

export function formatWatts(watts: number | null): string {
  return watts === null ? NOT_REPORTED : `${Math.round(watts)} W`;
}

export function formatNumber(value: number, digits = 3): string {
  // Three significant figures reads well for TFLOPS and GB/s alike.
  if (value === 0) return '0';
  const abs = Math.abs(value);
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(abs)));
  return value.toLocaleString('en-US', { maximumFractionDigits: Math.min(decimals, 3) });
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${formatNumber(value)} ${units[unit]}`;
}

export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return `${minutes}:${String(seconds).padStart(2, '0')}`;
}

export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatPercent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

export function formatUsd(value: number): string {
  // Sub-cent prices (a CPU's worth of compute) keep two significant digits instead of
  // rounding to a misleading $0.00.
  if (value > 0 && value < 0.01) {
    return value.toLocaleString('en-US', { style: 'currency', currency: 'USD', maximumSignificantDigits: 2 });
  }
  return value.toLocaleString('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 3 });
}
