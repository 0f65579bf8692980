import { describe, expect, it } from 'vitest';
import { SCHEDULE_CELLS, type WeeklySchedule } from '../../../shared/domain/controls';
import {
  SCHEDULE_PRESETS,
  buildCells,
  cellIndex,
  cellIndexAt,
  dayName,
  describePause,
  describeSchedule,
  isPauseActive,
  isScheduledAt,
  nextScheduleChange,
  paintCells,
  resolvePause,
  slotLabel,
  validateSchedule,
} from '../../../shared/domain/schedule';
import { offsetAt, zonedToEpoch } from '../../../shared/domain/zoned-time';

const ZERO = '0'.repeat(SCHEDULE_CELLS);
const ONE = '1'.repeat(SCHEDULE_CELLS);
const at = (iso: string) => new Date(iso);
const iso = (d: Date | null) => d?.toISOString() ?? null;
/** A grid with exactly the given (day, slot) cells on. */
const only = (...points: Array<[number, number]>) =>
  buildCells((day, slot) => points.some(([d, s]) => d === day && s === slot));
const sched = (timeZone: string, cells: string): WeeklySchedule => ({ timeZone, cells });

describe('cellIndexAt', () => {
  it('puts Monday 00:00 first and Sunday 23:30 last', () => {
    expect(cellIndexAt(at('2025-01-06T00:00:00Z'), 'UTC')).toBe(0); // a Monday
    expect(cellIndexAt(at('2025-01-06T00:29:59.999Z'), 'UTC')).toBe(0);
    expect(cellIndexAt(at('2025-01-06T00:30:00Z'), 'UTC')).toBe(1);
    expect(cellIndexAt(at('2025-01-12T23:59:59Z'), 'UTC')).toBe(335);
    expect(cellIndexAt(at('2025-01-08T07:45:00Z'), 'UTC')).toBe(2 * 48 + 15);
  });

  it('reads the wall clock of the zone, including :30 and :45 offsets', () => {
    // 18:15 UTC on Monday is Tuesday 00:00 in Kathmandu (+05:45).
    expect(cellIndexAt(at('2025-01-06T18:15:00Z'), 'Asia/Kathmandu')).toBe(48);
    expect(cellIndexAt(at('2025-01-06T18:14:59Z'), 'Asia/Kathmandu')).toBe(47);
    // 18:30 UTC is Tuesday 00:00 in Kolkata (+05:30).
    expect(cellIndexAt(at('2025-01-06T18:30:00Z'), 'Asia/Kolkata')).toBe(48);
    // Berlin in winter is UTC+1; Sunday 23:30 UTC is Monday 00:30 there.
    expect(cellIndexAt(at('2025-01-12T23:30:00Z'), 'Europe/Berlin')).toBe(1);
  });

  it('throws a clear error for an unknown zone', () => {
    expect(() => cellIndexAt(at('2025-01-06T00:00:00Z'), 'Mars/Olympus')).toThrow(/Unknown time zone/);
  });
});

describe('nextScheduleChange', () => {
  it('is null for an all-0 or all-1 grid', () => {
    expect(nextScheduleChange(sched('Europe/Berlin', ZERO), at('2025-03-30T00:30:00Z'))).toBeNull();
    expect(nextScheduleChange(sched('Pacific/Chatham', ONE), at('2025-04-05T14:00:00Z'))).toBeNull();
  });

  it('finds the next boundary in the same day and across the week wrap', () => {
    const overnight = sched('UTC', SCHEDULE_PRESETS[0]!.cells);
    expect(iso(nextScheduleChange(overnight, at('2025-01-08T12:00:00Z')))).toBe('2025-01-08T23:00:00.000Z');
    expect(iso(nextScheduleChange(overnight, at('2025-01-08T23:00:00Z')))).toBe('2025-01-09T07:00:00.000Z');
    // Sunday 23:30 on, Monday 00:00 off: the change is at Monday 00:00.
    const sundayLate = sched('UTC', only([6, 47]));
    expect(iso(nextScheduleChange(sundayLate, at('2025-01-12T23:45:00Z')))).toBe('2025-01-13T00:00:00.000Z');
    // Only Monday 00:00 on: from Sunday 23:30 the change is the wrap itself.
    const mondayFirst = sched('UTC', only([0, 0]));
    expect(iso(nextScheduleChange(mondayFirst, at('2025-01-12T23:30:00Z')))).toBe('2025-01-13T00:00:00.000Z');
    // From right after it, a whole week away.
    expect(iso(nextScheduleChange(mondayFirst, at('2025-01-13T00:30:00Z')))).toBe('2025-01-20T00:00:00.000Z');
  });

  it('is strictly after the instant, also when the instant is on a boundary', () => {
    const s = sched('UTC', only([0, 1]));
    expect(iso(nextScheduleChange(s, at('2025-01-06T00:30:00Z')))).toBe('2025-01-06T01:00:00.000Z');
    expect(iso(nextScheduleChange(s, at('2025-01-06T00:29:59.999Z')))).toBe('2025-01-06T00:30:00.000Z');
  });

  it('puts local boundaries at UTC :15/:45 for Kathmandu (+05:45)', () => {
    const s = sched('Asia/Kathmandu', SCHEDULE_PRESETS[0]!.cells);
    // 23:00 local is 17:15 UTC, 07:00 local is 01:15 UTC.
    expect(iso(nextScheduleChange(s, at('2025-01-08T12:00:00Z')))).toBe('2025-01-08T17:15:00.000Z');
    expect(iso(nextScheduleChange(s, at('2025-01-08T17:15:00Z')))).toBe('2025-01-09T01:15:00.000Z');
  });

  describe('spring-forward (Europe/Berlin, 2025-03-30 02:00 → 03:00 local at 01:00 UTC)', () => {
    it('skips a local half hour that does not exist', () => {
      // Only Sunday 02:00–02:30 is on: it does not exist that Sunday, so the next one is a week later.
      const s = sched('Europe/Berlin', only([6, 4]));
      expect(iso(nextScheduleChange(s, at('2025-03-29T12:00:00Z')))).toBe('2025-04-06T00:00:00.000Z');
      expect(isScheduledAt(s, at('2025-03-30T00:59:59Z'))).toBe(false);
      expect(isScheduledAt(s, at('2025-03-30T01:00:00Z'))).toBe(false);
    });

    it('changes exactly at the jump when the cells on both sides differ', () => {
      const s = sched('Europe/Berlin', only([6, 3])); // Sunday 01:30 on, 03:00 off
      expect(isScheduledAt(s, at('2025-03-30T00:45:00Z'))).toBe(true);
      expect(iso(nextScheduleChange(s, at('2025-03-30T00:45:00Z')))).toBe('2025-03-30T01:00:00.000Z');
    });

    it('does not stop at the jump when the cells on both sides agree', () => {
      const s = sched('Europe/Berlin', only([6, 3], [6, 6])); // 01:30 and 03:00 on, 02:xx off
      expect(iso(nextScheduleChange(s, at('2025-03-30T00:45:00Z')))).toBe('2025-03-30T01:30:00.000Z');
    });
  });

  describe('fall-back (Europe/Berlin, 2025-10-26 03:00 → 02:00 local at 01:00 UTC)', () => {
    it('schedules the repeated hour by its wall-clock cells both times', () => {
      const s = sched('Europe/Berlin', only([6, 4], [6, 5])); // Sunday 02:00–03:00
      expect(iso(nextScheduleChange(s, at('2025-10-25T12:00:00Z')))).toBe('2025-10-26T00:00:00.000Z');
      expect(isScheduledAt(s, at('2025-10-26T00:00:00Z'))).toBe(true); // 02:00 CEST
      expect(isScheduledAt(s, at('2025-10-26T01:00:00Z'))).toBe(true); // 02:00 CET
      expect(iso(nextScheduleChange(s, at('2025-10-26T00:00:00Z')))).toBe('2025-10-26T02:00:00.000Z');
    });

    it('flips at the fall-back when the clock goes back into a cell of the other value', () => {
      const s = sched('Europe/Berlin', only([6, 5], [6, 6])); // Sunday 02:30–03:30
      expect(iso(nextScheduleChange(s, at('2025-10-26T00:40:00Z')))).toBe('2025-10-26T01:00:00.000Z');
      expect(iso(nextScheduleChange(s, at('2025-10-26T01:00:00Z')))).toBe('2025-10-26T01:30:00.000Z');
      expect(iso(nextScheduleChange(s, at('2025-10-26T01:30:00Z')))).toBe('2025-10-26T02:30:00.000Z');
    });
  });

  it('follows New York, Sydney, Adelaide and Chatham across their DST changes', () => {
    const overnight = SCHEDULE_PRESETS[0]!.cells;
    // New York springs forward on 2025-03-09: 07:00 local is 11:00 UTC that day (EDT), 12:00 UTC the day before.
    expect(iso(nextScheduleChange(sched('America/New_York', overnight), at('2025-03-08T20:00:00Z')))).toBe('2025-03-09T04:00:00.000Z');
    expect(iso(nextScheduleChange(sched('America/New_York', overnight), at('2025-03-09T04:00:00Z')))).toBe('2025-03-09T11:00:00.000Z');
    // Sydney leaves DST on 2025-04-06 03:00 AEDT (16:00 UTC the day before): 07:00 AEST is 21:00 UTC.
    expect(iso(nextScheduleChange(sched('Australia/Sydney', overnight), at('2025-04-05T14:00:00Z')))).toBe('2025-04-05T21:00:00.000Z');
    // Adelaide is +10:30 in DST: 23:00 local on 2025-01-08 is 12:30 UTC.
    expect(iso(nextScheduleChange(sched('Australia/Adelaide', overnight), at('2025-01-08T05:00:00Z')))).toBe('2025-01-08T12:30:00.000Z');
    // Chatham leaves DST (+13:45 → +12:45) on 2025-04-06 at 03:45 local (14:00 UTC the day before).
    expect(iso(nextScheduleChange(sched('Pacific/Chatham', overnight), at('2025-04-05T12:00:00Z')))).toBe('2025-04-05T18:15:00.000Z');
  });

  it('is fast: well under a millisecond per call', () => {
    const s = sched('Europe/Berlin', SCHEDULE_PRESETS[1]!.cells);
    const start = performance.now();
    const n = 500;
    for (let i = 0; i < n; i += 1) nextScheduleChange(s, new Date(Date.UTC(2025, 2, 20) + i * 1_234_567));
    expect((performance.now() - start) / n).toBeLessThan(1);
  });
});

describe('describeSchedule', () => {
  const overnight = sched('Europe/Berlin', SCHEDULE_PRESETS[0]!.cells);
  it('says inside/outside and when it changes, on the schedule’s 24 h clock', () => {
    expect(describeSchedule(overnight, at('2025-01-08T12:00:00Z'))).toEqual({
      inside: false,
      changesAt: at('2025-01-08T22:00:00Z'),
      text: 'outside your hours (resumes 23:00)',
    });
    expect(describeSchedule(overnight, at('2025-01-08T23:00:00Z')).text).toBe('inside your hours (until 07:00)');
  });
  it('names the day when the change is a day or more away', () => {
    const s = sched('UTC', only([0, 46]));
    expect(describeSchedule(s, at('2025-01-08T12:00:00Z')).text).toBe('outside your hours (resumes Mon 23:00)');
  });
  it('handles grids without changes', () => {
    expect(describeSchedule(sched('UTC', ONE), at('2025-01-08T12:00:00Z')).text).toBe('inside your hours (all week)');
    expect(describeSchedule(sched('UTC', ZERO), at('2025-01-08T12:00:00Z')).text).toBe('outside your hours (no hours chosen)');
  });
});

describe('presets', () => {
  const byId = Object.fromEntries(SCHEDULE_PRESETS.map((p) => [p.id, p]));
  it('are valid grids with the advertised hours', () => {
    for (const p of SCHEDULE_PRESETS) {
      expect(p.cells).toMatch(/^[01]{336}$/);
      expect(p.label).not.toBe('');
    }
    const overnight = byId.overnight!.cells;
    expect([...overnight].filter((c) => c === '1')).toHaveLength(7 * 16);
    expect(overnight[cellIndex(0, 0)]).toBe('1');
    expect(overnight[cellIndex(0, 13)]).toBe('1'); // 06:30
    expect(overnight[cellIndex(0, 14)]).toBe('0'); // 07:00
    expect(overnight[cellIndex(6, 45)]).toBe('0'); // 22:30
    expect(overnight[cellIndex(6, 46)]).toBe('1'); // 23:00
    const work = byId['work-hours']!.cells;
    expect([...work].filter((c) => c === '1')).toHaveLength(5 * 16);
    expect(work[cellIndex(4, 18)]).toBe('1'); // Friday 09:00
    expect(work[cellIndex(4, 33)]).toBe('1'); // Friday 16:30
    expect(work[cellIndex(4, 34)]).toBe('0'); // Friday 17:00
    expect(work[cellIndex(5, 20)]).toBe('0'); // Saturday
    expect(byId.always!.cells).toBe(ONE);
    expect(byId.always!.label).toBe('Always (when idle)');
  });
});

describe('paintCells', () => {
  it('paints the rectangle between two points, in either order', () => {
    const a = paintCells(ZERO, { day: 1, slot: 10 }, { day: 3, slot: 12 }, '1');
    const b = paintCells(ZERO, { day: 3, slot: 12 }, { day: 1, slot: 10 }, '1');
    expect(a).toBe(b);
    expect([...a].filter((c) => c === '1')).toHaveLength(3 * 3);
    expect(a[cellIndex(2, 11)]).toBe('1');
    expect(a[cellIndex(0, 11)]).toBe('0');
    expect(a[cellIndex(2, 13)]).toBe('0');
    expect(paintCells(a, { day: 2, slot: 11 }, { day: 2, slot: 11 }, '0')[cellIndex(2, 11)]).toBe('0');
  });
  it('clamps points outside the grid and refuses a malformed grid', () => {
    expect(paintCells(ZERO, { day: -3, slot: -1 }, { day: 99, slot: 99 }, '1')).toBe(ONE);
    expect(() => paintCells('01', { day: 0, slot: 0 }, { day: 0, slot: 0 }, '1')).toThrow();
  });
});

describe('validateSchedule', () => {
  it('accepts a normal grid and refuses an empty one or an unknown zone', () => {
    expect(validateSchedule(sched('Europe/Berlin', SCHEDULE_PRESETS[0]!.cells))).toEqual({ ok: true });
    expect(validateSchedule(sched('UTC', ZERO))).toEqual({ ok: false, message: 'Choose at least one half hour, or pause renting instead.' });
    const bad = validateSchedule(sched('Europe/Atlantis', ONE));
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.message).toMatch(/^Unknown time zone "Europe\/Atlantis"/);
    expect(validateSchedule(sched('', ONE)).ok).toBe(false);
    expect(validateSchedule(sched('UTC', '01')).ok).toBe(false);
  });
});

describe('pause', () => {
  const now = at('2025-10-26T10:00:00Z'); // Berlin fall-back day, 11:00 CET
  it('resolves "1 hour", "until tomorrow" and "until I resume"', () => {
    expect(resolvePause('hour', now, 'Europe/Berlin')).toEqual({ kind: 'until', until: '2025-10-26T11:00:00.000Z' });
    expect(resolvePause('tomorrow', now, 'Europe/Berlin')).toEqual({ kind: 'until', until: '2025-10-26T23:00:00.000Z' });
    expect(resolvePause('indefinite', now, 'Europe/Berlin')).toEqual({ kind: 'indefinite', since: '2025-10-26T10:00:00.000Z' });
  });
  it('finds the next local midnight across DST and odd offsets', () => {
    const tomorrow = (iso: string, tz: string) => (resolvePause('tomorrow', at(iso), tz) as { until: string }).until;
    // Spring-forward day in Berlin: before the jump it is CET, midnight after it is CEST.
    expect(tomorrow('2025-03-29T23:30:00Z', 'Europe/Berlin')).toBe('2025-03-30T22:00:00.000Z');
    expect(tomorrow('2025-01-06T10:00:00Z', 'Asia/Kathmandu')).toBe('2025-01-06T18:15:00.000Z');
    expect(tomorrow('2025-04-05T10:00:00Z', 'Australia/Sydney')).toBe('2025-04-05T13:00:00.000Z');
    // Santiago skips midnight on 2024-09-08 (00:00 → 01:00): the pause ends at the first instant of that day.
    expect(tomorrow('2024-09-07T12:00:00Z', 'America/Santiago')).toBe('2024-09-08T04:00:00.000Z');
    // At midnight exactly, "tomorrow" is the next midnight, a full day later.
    expect(tomorrow('2025-01-06T00:00:00Z', 'UTC')).toBe('2025-01-07T00:00:00.000Z');
    expect(tomorrow('2025-01-06T23:59:59Z', 'UTC')).toBe('2025-01-07T00:00:00.000Z');
  });
  it('knows when a pause is active and says so', () => {
    const pause = resolvePause('hour', at('2025-01-06T13:30:00Z'), 'UTC');
    expect(isPauseActive(pause, at('2025-01-06T14:29:59Z'))).toBe(true);
    expect(isPauseActive(pause, at('2025-01-06T14:30:00Z'))).toBe(false);
    expect(isPauseActive({ kind: 'none' }, now)).toBe(false);
    expect(isPauseActive({ kind: 'indefinite', since: now.toISOString() }, at('2030-01-01T00:00:00Z'))).toBe(true);
    expect(describePause(pause, at('2025-01-06T13:30:00Z'), 'UTC')).toBe('Paused by you until 14:30');
    expect(describePause(pause, at('2025-01-06T13:30:00Z'), 'Asia/Kolkata')).toBe('Paused by you until 20:00');
    expect(describePause(resolvePause('tomorrow', at('2025-01-06T13:30:00Z'), 'UTC'), at('2025-01-06T13:30:00Z'), 'UTC')).toBe(
      'Paused by you until Tue 00:00',
    );
    expect(describePause({ kind: 'indefinite', since: now.toISOString() }, now, 'UTC')).toBe('Paused by you until you resume');
    expect(describePause(pause, at('2025-01-06T15:00:00Z'), 'UTC')).toBe('Not paused');
  });
});

describe('labels', () => {
  it('names slots and days', () => {
    expect(slotLabel(0)).toBe('00:00');
    expect(slotLabel(15)).toBe('07:30');
    expect(slotLabel(47)).toBe('23:30');
    expect(slotLabel(48)).toBe('24:00');
    expect(dayName(0)).toBe('Mon');
    expect(dayName(6, 'long')).toBe('Sunday');
    expect(dayName(7)).toBe('Mon');
  });
  it('has a zone-time helper that agrees with the fixtures above', () => {
    expect(offsetAt(Date.parse('2025-03-30T00:59:59Z'), 'Europe/Berlin')).toBe(3_600_000);
    expect(offsetAt(Date.parse('2025-03-30T01:00:00Z'), 'Europe/Berlin')).toBe(7_200_000);
    expect(offsetAt(Date.parse('2025-01-06T00:00:00Z'), 'Asia/Kathmandu')).toBe(20_700_000);
    // 02:30 on the fall-back day exists twice: the earlier one is picked.
    expect(new Date(zonedToEpoch(Date.UTC(2025, 9, 26, 2, 30), 'Europe/Berlin')).toISOString()).toBe('2025-10-26T00:30:00.000Z');
    // 02:30 on the spring-forward day does not exist: read with the offset before the jump.
    expect(new Date(zonedToEpoch(Date.UTC(2025, 2, 30, 2, 30), 'Europe/Berlin')).toISOString()).toBe('2025-03-30T01:30:00.000Z');
  });
});
