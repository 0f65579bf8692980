import { type ManualPause, SCHEDULE_CELLS, ScheduleCellsSchema, type WeeklySchedule } from './controls';
import {
  DAY_MS,
  HALF_HOUR_MS,
  HOUR_MS,
  firstOffsetChange,
  isKnownTimeZone,
  localFieldsToMs,
  zonedParts,
  zonedToEpoch,
  type ZonedParts,
} from './zoned-time';

/**
 * The owner's weekly hours: 7 × 48 half-hour cells, Monday 00:00 first, read on the wall
 * clock of the schedule's IANA zone. A cell is looked up by the local weekday, hour and
 * minute, so DST needs no special case when asking "is now inside?":
 *  - spring-forward: the skipped local half hours are simply never reached;
 *  - fall-back: the repeated local hour is read through its wall-clock cells both times.
 * Only "when does it change next?" has to walk the time line (see nextScheduleChange).
 */

export const SLOTS_PER_DAY = 48;
export const DAYS_PER_WEEK = 7;
export const DAY_NAMES_SHORT = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
export const DAY_NAMES_LONG = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

/** "Mon" for 0 … "Sun" for 6 (wraps). */
export function dayName(day: number, style: 'short' | 'long' = 'short'): string {
  const i = (((Math.trunc(day) % DAYS_PER_WEEK) + DAYS_PER_WEEK) % DAYS_PER_WEEK) as 0;
  return style === 'short' ? DAY_NAMES_SHORT[i] : DAY_NAMES_LONG[i];
}

/** "07:30" for slot 15; slot 48 gives "24:00" (the end of the last cell). */
export function slotLabel(slot: number): string {
  const s = Math.max(0, Math.min(SLOTS_PER_DAY, Math.trunc(slot)));
  return `${pad2(Math.floor(s / 2))}:${s % 2 === 0 ? '00' : '30'}`;
}

/** Index into `cells` for a grid point (day 0 = Monday, slot 0 = 00:00–00:30). */
export function cellIndex(day: number, slot: number): number {
  return day * SLOTS_PER_DAY + slot;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function cellOfParts(p: ZonedParts): number {
  return p.weekday * SLOTS_PER_DAY + p.hour * 2 + (p.minute >= 30 ? 1 : 0);
}

/** The cell (0..335) that `instant` falls in, on the wall clock of `timeZone`. */
export function cellIndexAt(instant: Date, timeZone: string): number {
  return cellOfParts(zonedParts(instant.getTime(), timeZone));
}

/** Whether renting is allowed by the weekly hours at `instant`. */
export function isScheduledAt(schedule: WeeklySchedule, instant: Date): boolean {
  return schedule.cells[cellIndexAt(instant, schedule.timeZone)] === '1';
}

/**
 * The first instant after `instant` at which isScheduledAt gives the other answer (at that
 * instant it already does), or null when the grid is all 0 or all 1.
 *
 * How: while the zone's offset stays the same, local time is UTC + offset, so the next cell
 * with the other value is found in the string itself (wrapping Sunday 23:30 → Monday 00:00)
 * and turned into an instant with one subtraction — local half-hour boundaries fall at UTC
 * :15/:45 for +05:45, which the arithmetic gives for free. Before trusting that instant, we
 * check that the offset did not change on the way (firstOffsetChange samples once a day and
 * bisects). If it did, the wall clock jumps at that transition; we look at the cell right
 * after the jump (a change may happen exactly there) and carry on from it with the new
 * offset. A typical call costs a handful of Intl lookups.
 */
export function nextScheduleChange(schedule: WeeklySchedule, instant: Date): Date | null {
  const { cells, timeZone } = schedule;
  if (!cells.includes('0') || !cells.includes('1')) return null;
  let t = instant.getTime();
  let parts = zonedParts(t, timeZone);
  const now = cells[cellOfParts(parts)];
  // Each round either answers or moves past one offset transition; a week holds at most a few.
  for (let round = 0; round < 16; round += 1) {
    const cell = cellOfParts(parts);
    let k = 1;
    while (cells[(cell + k) % SCHEDULE_CELLS] === now) k += 1;
    const local = t + parts.offsetMs;
    const candidate = Math.floor(local / HALF_HOUR_MS) * HALF_HOUR_MS + k * HALF_HOUR_MS - parts.offsetMs;
    const jump = firstOffsetChange(t, candidate, parts.offsetMs, timeZone);
    if (jump === null) return new Date(candidate);
    parts = zonedParts(jump, timeZone);
    if (cells[cellOfParts(parts)] !== now) return new Date(jump);
    t = jump;
  }
  return null;
}

/** "07:00" on the schedule's wall clock, with the weekday when it is a day or more away. */
function clockText(at: Date, from: Date, timeZone: string): string {
  const p = zonedParts(at.getTime(), timeZone);
  const hm = `${pad2(p.hour)}:${pad2(p.minute)}`;
  return at.getTime() - from.getTime() >= DAY_MS ? `${dayName(p.weekday)} ${hm}` : hm;
}

/**
 * One line for the status view and the availability reasons:
 * "inside your hours (until 07:00)", "outside your hours (resumes 23:00)",
 * "outside your hours (resumes Mon 23:00)" when more than a day away.
 */
export function describeSchedule(
  schedule: WeeklySchedule,
  instant: Date,
): { inside: boolean; changesAt: Date | null; text: string } {
  const inside = isScheduledAt(schedule, instant);
  const changesAt = nextScheduleChange(schedule, instant);
  let text: string;
  if (changesAt === null) {
    text = inside ? 'inside your hours (all week)' : 'outside your hours (no hours chosen)';
  } else {
    const when = clockText(changesAt, instant, schedule.timeZone);
    text = inside ? `inside your hours (until ${when})` : `outside your hours (resumes ${when})`;
  }
  return { inside, changesAt, text };
}

export type SchedulePresetId = 'overnight' | 'work-hours' | 'always';
export interface SchedulePreset {
  id: SchedulePresetId;
  label: string;
  description: string;
  cells: string;
}

/** Cells set to '1' where `on(day, slot)` holds. */
export function buildCells(on: (day: number, slot: number) => boolean): string {
  let out = '';
  for (let day = 0; day < DAYS_PER_WEEK; day += 1) {
    for (let slot = 0; slot < SLOTS_PER_DAY; slot += 1) out += on(day, slot) ? '1' : '0';
  }
  return out;
}

export const SCHEDULE_PRESETS: readonly SchedulePreset[] = Object.freeze([
  {
    id: 'overnight',
    label: 'Overnight',
    description: 'Every night from 23:00 to 07:00, while you sleep.',
    // 23:00 is slot 46, 07:00 is slot 14: Sunday night runs on into Monday morning.
    cells: buildCells((_day, slot) => slot >= 46 || slot < 14),
  },
  {
    id: 'work-hours',
    label: 'Work hours',
    description: 'Monday to Friday from 09:00 to 17:00, while you are at work.',
    cells: buildCells((day, slot) => day < 5 && slot >= 18 && slot < 34),
  },
  {
    id: 'always',
    label: 'Always (when idle)',
    description: 'Any time the PC is idle and you are not gaming.',
    cells: '1'.repeat(SCHEDULE_CELLS),
  },
] as const satisfies readonly SchedulePreset[]);

export interface GridPoint {
  day: number; // 0..6, Monday first
  slot: number; // 0..47
}

function clampInt(n: number, max: number): number {
  if (!Number.isFinite(n)) return 0;
  return Math.max(0, Math.min(max, Math.trunc(n)));
}

/** Sets every cell of the rectangle spanned by two grid points (in any order) to `value`. */
export function paintCells(cells: string, from: GridPoint, to: GridPoint, value: '0' | '1'): string {
  if (cells.length !== SCHEDULE_CELLS) throw new RangeError(`The schedule must have ${SCHEDULE_CELLS} cells.`);
  if (value !== '0' && value !== '1') throw new RangeError('A cell is "0" or "1".');
  const d0 = clampInt(Math.min(from.day, to.day), DAYS_PER_WEEK - 1);
  const d1 = clampInt(Math.max(from.day, to.day), DAYS_PER_WEEK - 1);
  const s0 = clampInt(Math.min(from.slot, to.slot), SLOTS_PER_DAY - 1);
  const s1 = clampInt(Math.max(from.slot, to.slot), SLOTS_PER_DAY - 1);
  const out = cells.split('');
  for (let day = d0; day <= d1; day += 1) {
    for (let slot = s0; slot <= s1; slot += 1) out[cellIndex(day, slot)] = value;
  }
  return out.join('');
}

export type ScheduleValidation = { ok: true } | { ok: false; message: string };

export function validateSchedule(schedule: WeeklySchedule): ScheduleValidation {
  if (!isKnownTimeZone(schedule.timeZone)) {
    return { ok: false, message: `Unknown time zone "${schedule.timeZone}". Choose one from the list.` };
  }
  const cells = ScheduleCellsSchema.safeParse(schedule.cells);
  if (!cells.success) return { ok: false, message: cells.error.issues[0]?.message ?? 'The schedule is malformed.' };
  if (!schedule.cells.includes('1')) {
    return { ok: false, message: 'Choose at least one half hour, or pause renting instead.' };
  }
  return { ok: true };
}

export type PauseDuration = 'hour' | 'tomorrow' | 'indefinite';

/** The first instant of the next local day in `timeZone` (skipped midnights included). */
export function nextLocalMidnight(now: Date, timeZone: string): Date {
  const p = zonedParts(now.getTime(), timeZone);
  const target = localFieldsToMs(p.year, p.month, p.day + 1);
  return new Date(zonedToEpoch(target, timeZone));
}

/** What the "Pause" menu stores: 1 hour from now, until the next local midnight, or until resumed. */
export function resolvePause(duration: PauseDuration, now: Date, timeZone: string): ManualPause {
  switch (duration) {
    case 'hour':
      return { kind: 'until', until: new Date(now.getTime() + HOUR_MS).toISOString() };
    case 'tomorrow':
      return { kind: 'until', until: nextLocalMidnight(now, timeZone).toISOString() };
    case 'indefinite':
      return { kind: 'indefinite', since: now.toISOString() };
    default:
      throw new RangeError(`Unknown pause duration "${String(duration)}".`);
  }
}

/** A timed pause ends at its `until` instant (exclusive). */
export function isPauseActive(pause: ManualPause, now: Date): boolean {
  switch (pause.kind) {
    case 'none':
      return false;
    case 'indefinite':
      return true;
    case 'until':
      return now.getTime() < Date.parse(pause.until);
    default:
      return false;
  }
}

/** "Paused by you until 14:30" (weekday added when not today), "Paused by you until you resume". */
export function describePause(pause: ManualPause, now: Date, timeZone: string): string {
  if (!isPauseActive(pause, now)) return 'Not paused';
  if (pause.kind === 'indefinite') return 'Paused by you until you resume';
  if (pause.kind !== 'until') return 'Not paused';
  const until = Date.parse(pause.until);
  const u = zonedParts(until, timeZone);
  const n = zonedParts(now.getTime(), timeZone);
  const hm = `${pad2(u.hour)}:${pad2(u.minute)}`;
  const sameDay = u.year === n.year && u.month === n.month && u.day === n.day;
  return `Paused by you until ${sameDay ? hm : `${dayName(u.weekday)} ${hm}`}`;
}
