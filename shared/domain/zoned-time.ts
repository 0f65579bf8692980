/**
 * Wall-clock time in an IANA time zone, with nothing but Intl (shared/ stays pure).
 * Used by the weekly schedule and the manual pause; DST and :30/:45 offsets included.
 */

export const MINUTE_MS = 60_000;
export const HALF_HOUR_MS = 30 * MINUTE_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** Wall-clock fields of one instant in one zone. `weekday`: 0 = Monday … 6 = Sunday. */
export interface ZonedParts {
  year: number;
  month: number; // 1..12
  day: number; // 1..31
  weekday: number; // 0 = Monday
  hour: number; // 0..23
  minute: number;
  second: number;
  /** Local time minus UTC, in milliseconds (whole seconds), e.g. +05:45 → 20_700_000. */
  offsetMs: number;
}

const WEEKDAYS: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

/** One formatter per zone: building a DateTimeFormat costs far more than using one. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        weekday: 'short',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new RangeError(`Unknown time zone "${timeZone}".`);
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when the runtime knows this IANA zone ("Europe/Berlin", "UTC"). */
export function isKnownTimeZone(timeZone: string): boolean {
  if (typeof timeZone !== 'string' || timeZone.trim() === '') return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock fields of `epochMs` in `timeZone`. Throws a RangeError for an unknown zone. */
export function zonedParts(epochMs: number, timeZone: string): ZonedParts {
  if (!Number.isFinite(epochMs)) throw new RangeError('Invalid date.');
  const parts = formatterFor(timeZone).formatToParts(epochMs);
  let year = 0;
  let month = 1;
  let day = 1;
  let weekday = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  for (const p of parts) {
    switch (p.type) {
      case 'year':
        year = Number(p.value);
        break;
      case 'month':
        month = Number(p.value);
        break;
      case 'day':
        day = Number(p.value);
        break;
      case 'weekday':
        weekday = WEEKDAYS[p.value] ?? 0;
        break;
      case 'hour':
        // Some engines still print midnight as "24" even with h23.
        hour = Number(p.value) % 24;
        break;
      case 'minute':
        minute = Number(p.value);
        break;
      case 'second':
        second = Number(p.value);
        break;
      default:
        break;
    }
  }
  const wholeSecond = Math.floor(epochMs / 1000) * 1000;
  const offsetMs = localFieldsToMs(year, month, day, hour, minute, second) - wholeSecond;
  return { year, month, day, weekday, hour, minute, second, offsetMs };
}

/** Local fields read as if they were UTC ("local milliseconds"); handles years 0..99 too. */
export function localFieldsToMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const d = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  d.setUTCFullYear(year + d.getUTCFullYear() - 2000);
  return d.getTime();
}

/** Offset of the zone at `epochMs` (local − UTC) in milliseconds. */
export function offsetAt(epochMs: number, timeZone: string): number {
  return zonedParts(epochMs, timeZone).offsetMs;
}

/**
 * The instant whose wall clock in `timeZone` reads `localMs` (local fields as UTC ms).
 * Repeated wall time (fall-back): the earlier instant. Skipped wall time (spring-forward):
 * the instant the clock jumps over it, i.e. the wall time is read with the offset before
 * the jump (as Temporal's "compatible" disambiguation does), so 02:30 → 03:30 in Berlin and
 * a skipped midnight gives the first instant of that day.
 */
export function zonedToEpoch(localMs: number, timeZone: string): number {
  const before = offsetAt(localMs - DAY_MS, timeZone);
  const after = offsetAt(localMs + DAY_MS, timeZone);
  const candidates = [localMs - before, localMs - after].sort((a, b) => a - b);
  for (const c of candidates) {
    if (c + offsetAt(c, timeZone) === localMs) return c;
  }
  // In a gap: read with the earlier offset, which lands after the jump.
  return localMs - before;
}

/**
 * The first instant in (fromMs, toMs] whose offset differs from `offsetMs`, or null.
 * Samples at most one day apart (no zone changes offset twice within a day), then bisects to
 * the millisecond; transitions fall on whole seconds, so the answer is exact.
 */
export function firstOffsetChange(fromMs: number, toMs: number, offsetMs: number, timeZone: string): number | null {
  let lo = fromMs;
  while (lo < toMs) {
    let hi = Math.min(toMs, lo + DAY_MS);
    if (offsetAt(hi, timeZone) !== offsetMs) {
      while (hi - lo > 1) {
        const mid = lo + Math.floor((hi - lo) / 2);
        if (offsetAt(mid, timeZone) !== offsetMs) hi = mid;
        else lo = mid;
      }
      return hi;
    }
    lo = hi;
  }
  return null;
}
