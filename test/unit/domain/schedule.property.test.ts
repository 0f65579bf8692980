import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SCHEDULE_CELLS, type WeeklySchedule } from '../../../shared/domain/controls';
import {
  buildCells,
  cellIndex,
  cellIndexAt,
  isScheduledAt,
  nextScheduleChange,
  paintCells,
  resolvePause,
} from '../../../shared/domain/schedule';
import { offsetAt } from '../../../shared/domain/zoned-time';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Real offset transitions (UTC) to cluster instants around, checked below against the runtime's
 * zone data. Kolkata, Kathmandu and UTC have none: anchors there are ordinary dates.
 */
const ZONES: Record<string, string[]> = {
  'Europe/Berlin': ['2025-03-30T01:00:00Z', '2025-10-26T01:00:00Z', '2026-03-29T01:00:00Z'],
  'America/New_York': ['2025-03-09T07:00:00Z', '2025-11-02T06:00:00Z'],
  'Australia/Sydney': ['2025-04-05T16:00:00Z', '2025-10-04T16:00:00Z'],
  'Pacific/Chatham': ['2025-04-05T14:00:00Z', '2025-09-27T14:00:00Z'],
  'Asia/Kolkata': ['2025-03-30T01:00:00Z', '2025-12-31T18:30:00Z'],
  'Asia/Kathmandu': ['2025-03-30T01:00:00Z', '2025-10-26T01:00:00Z'],
  UTC: ['2025-01-12T23:30:00Z', '2025-06-01T00:00:00Z'],
};
const WITH_DST = ['Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Pacific/Chatham'];

/** A zone and an instant within ±`spread` of one of its anchors, at millisecond resolution. */
const around = (spread: number) =>
  fc
    .constantFrom(...Object.entries(ZONES).flatMap(([zone, list]) => list.map((a) => [zone, a] as const)))
    .chain(([zone, anchor]) =>
      fc.integer({ min: -spread, max: spread }).map((delta) => ({ zone, instant: new Date(Date.parse(anchor) + delta) })),
    );
/** Half of the instants land within 3 hours of a transition, so the jump itself is exercised. */
const zonedInstant = fc.oneof(around(3 * HOUR), around(4 * DAY));

/** Dense random grids (changes come soon) and sparse painted blocks (changes come late). */
const randomGrid = fc.array(fc.boolean(), { minLength: SCHEDULE_CELLS, maxLength: SCHEDULE_CELLS }).map((b) =>
  b.map((x) => (x ? '1' : '0')).join(''),
);
const point = fc.record({ day: fc.integer({ min: 0, max: 6 }), slot: fc.integer({ min: 0, max: 47 }) });
const blockGrid = fc
  .array(fc.tuple(point, point, fc.constantFrom<'0' | '1'>('0', '1')), { minLength: 1, maxLength: 4 })
  .map((rects) => rects.reduce((cells, [a, b, v]) => paintCells(cells, a, b, v), '0'.repeat(SCHEDULE_CELLS)));
const anyGrid = fc.oneof(randomGrid, blockGrid);

/** Independent wall-clock reading: a different locale and format, parsed by hand. */
const svFormatters = new Map<string, Intl.DateTimeFormat>();
function oracleCell(instant: Date, zone: string): number {
  let f = svFormatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('sv-SE', {
      timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    });
    svFormatters.set(zone, f);
  }
  const m = /(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})/.exec(f.format(instant));
  if (!m) throw new Error(`unexpected format ${f.format(instant)}`);
  const [, y, mo, d, h, mi] = m.map(Number) as [number, number, number, number, number, number];
  const weekday = (new Date(Date.UTC(y, mo - 1, d)).getUTCDay() + 6) % 7; // Monday = 0
  return weekday * 48 + h * 2 + (mi >= 30 ? 1 : 0);
}

/** Brute force: the first whole minute after `instant` where the value flips, within `horizon`. */
function oracleNextChange(s: WeeklySchedule, instant: Date, horizonMs: number): number | null {
  const now = s.cells[oracleCell(instant, s.timeZone)];
  let t = Math.floor(instant.getTime() / MINUTE) * MINUTE + MINUTE;
  const end = instant.getTime() + horizonMs;
  for (; t <= end; t += MINUTE) if (s.cells[oracleCell(new Date(t), s.timeZone)] !== now) return t;
  return null;
}

const RUNS = { numRuns: 300 };

describe('schedule properties around DST, odd offsets and the week wrap', () => {
  it('the anchors are real transitions where the zone has DST', () => {
    for (const zone of WITH_DST) {
      for (const a of ZONES[zone]!) expect(offsetAt(Date.parse(a) - 1, zone)).not.toBe(offsetAt(Date.parse(a), zone));
    }
  });

  it('cellIndexAt agrees with an independent wall-clock reading, and isScheduledAt with cellIndexAt', () => {
    fc.assert(
      fc.property(zonedInstant, anyGrid, ({ zone, instant }, cells) => {
        const cell = cellIndexAt(instant, zone);
        expect(cell).toBe(oracleCell(instant, zone));
        expect(isScheduledAt({ timeZone: zone, cells }, instant)).toBe(cells[cell] === '1');
      }),
      RUNS,
    );
  });

  it('nextScheduleChange equals a minute-by-minute scan (dense grids)', () => {
    fc.assert(
      fc.property(zonedInstant, randomGrid, ({ zone, instant }, cells) => {
        const s = { timeZone: zone, cells };
        const expected = oracleNextChange(s, instant, 12 * HOUR);
        const got = nextScheduleChange(s, instant);
        if (expected !== null) expect(got?.getTime()).toBe(expected);
        else expect(got === null || got.getTime() > instant.getTime() + 12 * HOUR).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('nothing flips between now and the change; at the change the value differs', () => {
    fc.assert(
      fc.property(
        zonedInstant,
        anyGrid,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 8, maxLength: 8 }),
        ({ zone, instant }, cells, fractions) => {
          const s = { timeZone: zone, cells };
          const now = isScheduledAt(s, instant);
          const change = nextScheduleChange(s, instant);
          if (change === null) {
            expect(cells.includes('0') && cells.includes('1')).toBe(false);
            return;
          }
          const t0 = instant.getTime();
          const t1 = change.getTime();
          expect(t1).toBeGreaterThan(t0);
          // A week plus the largest DST shift is the farthest a change can be.
          expect(t1 - t0).toBeLessThanOrEqual(7 * DAY + 2 * HOUR);
          expect(isScheduledAt(s, change)).toBe(!now);
          expect(isScheduledAt(s, new Date(t1 - 1))).toBe(now);
          for (const f of fractions) {
            const t = t0 + Math.floor(f * (t1 - t0));
            if (t < t1) expect(isScheduledAt(s, new Date(t))).toBe(now);
          }
          // Every whole minute in the last 90 minutes before the change keeps the value too.
          for (let b = Math.floor(t1 / MINUTE) * MINUTE - MINUTE, n = 0; b > t0 && n < 90; b -= MINUTE, n += 1) {
            expect(isScheduledAt(s, new Date(b))).toBe(now);
          }
        },
      ),
      RUNS,
    );
  });

  it('wraps from Sunday 23:30 to Monday 00:00 on the local clock, in every zone', () => {
    const cells = buildCells((day, slot) => !(day === 6 && slot === 47)); // all on but Sunday 23:30
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(ZONES)), fc.integer({ min: 0, max: 80 }), fc.integer({ min: 0, max: 29 }), (zone, week, minute) => {
        const s = { timeZone: zone, cells };
        // Find the start of a local Sunday 23:30 cell (UTC half-hour steps hit every local cell once).
        let t = Date.UTC(2024, 0, 1) + week * 7 * DAY;
        while (cellIndexAt(new Date(t), zone) !== cellIndex(6, 47)) t += 30 * MINUTE;
        while (cellIndexAt(new Date(t - MINUTE), zone) === cellIndex(6, 47)) t -= MINUTE;
        const instant = new Date(t + minute * MINUTE);
        expect(isScheduledAt(s, instant)).toBe(false);
        const change = nextScheduleChange(s, instant);
        expect(change).not.toBeNull();
        expect(cellIndexAt(change!, zone)).toBe(0);
        expect(change!.getTime() - t).toBe(30 * MINUTE);
      }),
      { numRuns: 60 },
    );
  });

  it('all-0 and all-1 grids never change', () => {
    fc.assert(
      fc.property(zonedInstant, fc.constantFrom('0', '1'), ({ zone, instant }, c) => {
        expect(nextScheduleChange({ timeZone: zone, cells: c.repeat(SCHEDULE_CELLS) }, instant)).toBeNull();
      }),
      { numRuns: 100 },
    );
  });

  it('"until tomorrow" ends at the first instant of the next local day', () => {
    fc.assert(
      fc.property(zonedInstant, ({ zone, instant }) => {
        const pause = resolvePause('tomorrow', instant, zone);
        if (pause.kind !== 'until') throw new Error('expected a timed pause');
        const end = Date.parse(pause.until);
        expect(end).toBeGreaterThan(instant.getTime());
        expect(end - instant.getTime()).toBeLessThanOrEqual(25 * HOUR);
        const dayOf = (t: number) => Math.floor(cellIndexAt(new Date(t), zone) / 48);
        expect(dayOf(end)).toBe((dayOf(instant.getTime()) + 1) % 7);
        expect(dayOf(end - 1)).toBe(dayOf(instant.getTime()));
      }),
      RUNS,
    );
  });

  it('paintCells sets exactly the rectangle', () => {
    fc.assert(
      fc.property(anyGrid, point, point, fc.constantFrom<'0' | '1'>('0', '1'), (cells, a, b, v) => {
        const out = paintCells(cells, a, b, v);
        for (let day = 0; day < 7; day += 1) {
          for (let slot = 0; slot < 48; slot += 1) {
            const inside =
              day >= Math.min(a.day, b.day) && day <= Math.max(a.day, b.day) && slot >= Math.min(a.slot, b.slot) && slot <= Math.max(a.slot, b.slot);
            expect(out[cellIndex(day, slot)]).toBe(inside ? v : cells[cellIndex(day, slot)]);
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});
