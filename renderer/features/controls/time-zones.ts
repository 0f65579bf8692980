import { localTimeZone } from '../../../shared/domain/settings';

let cached: string[] | null = null;

function supportedZones(): string[] {
  if (cached) return cached;
  try {
    cached = Intl.supportedValuesOf('timeZone');
  } catch {
    cached = [];
  }
  return cached;
}

/** The zone in use first, then this machine's zone, then every zone the browser knows (A–Z). */
export function timeZoneOptions(current: string): string[] {
  const first = [current, localTimeZone(), 'UTC'];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const zone of [...first, ...supportedZones()]) {
    if (!zone || seen.has(zone)) continue;
    seen.add(zone);
    out.push(zone);
  }
  return out;
}

export const zoneLabel = (zone: string): string => zone.replace(/_/g, ' ');
