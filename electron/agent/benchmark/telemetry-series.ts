/**
 * Telemetry sampled during a benchmark: kept in full while the run lasts, then reduced to
 * at most `max` points for the result (the UI plots it; history stores every result).
 */
import type { TelemetrySample } from '../../../shared/domain/benchmark';

export const MAX_TELEMETRY_SAMPLES = 240;

type NumericKey = 'powerW' | 'temperatureC' | 'smClockMHz' | 'memClockMHz' | 'cpuPercent' | 'memMiB';
const NUMERIC_KEYS: NumericKey[] = ['powerW', 'temperatureC', 'smClockMHz', 'memClockMHz', 'cpuPercent', 'memMiB'];

/**
 * Splits the samples into `max` consecutive buckets and averages each one. Averaging (not
 * picking every n-th sample) keeps energy and mean clocks right; throttle reasons are the
 * union over the bucket, so a short throttle event is never dropped. Clocks' minimum would
 * hide the trend, so the mean is used there too.
 */
export function downsampleTelemetry(samples: readonly TelemetrySample[], max = MAX_TELEMETRY_SAMPLES): TelemetrySample[] {
  if (samples.length <= max) return samples.map((s) => ({ ...s }));
  const out: TelemetrySample[] = [];
  for (let b = 0; b < max; b++) {
    const from = Math.floor((b * samples.length) / max);
    const to = Math.floor(((b + 1) * samples.length) / max);
    const bucket = samples.slice(from, to);
    if (bucket.length === 0) continue;
    const merged: TelemetrySample = { t: Math.round(bucket.reduce((a, s) => a + s.t, 0) / bucket.length) };
    for (const key of NUMERIC_KEYS) {
      const values = bucket.map((s) => s[key]).filter((v): v is number => typeof v === 'number');
      if (values.length) merged[key] = values.reduce((a, v) => a + v, 0) / values.length;
      else if (bucket.some((s) => s[key] === null)) merged[key] = null;
    }
    const reasons = new Set(bucket.flatMap((s) => s.throttleReasons ?? []));
    if (bucket.some((s) => s.throttleReasons !== undefined)) merged.throttleReasons = [...reasons].sort();
    out.push(merged);
  }
  return out;
}
