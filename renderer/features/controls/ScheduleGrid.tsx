import { memo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import {
  DAYS_PER_WEEK,
  DAY_NAMES_LONG,
  DAY_NAMES_SHORT,
  SLOTS_PER_DAY,
  type GridPoint,
  cellIndex,
  paintCells,
  slotLabel,
} from '../../../shared/domain/schedule';
import { cx } from '../../lib/cx';
import styles from './Controls.module.css';

interface Props {
  cells: string;
  /** The cell "now" falls in (in the schedule's zone), marked on the grid. */
  nowIndex: number | null;
  onChange: (cells: string) => void;
}

interface Drag {
  pointerId: number;
  start: GridPoint;
  current: GridPoint;
  value: '0' | '1';
}

const DAYS = Array.from({ length: DAYS_PER_WEEK }, (_, day) => day);
const SLOTS = Array.from({ length: SLOTS_PER_DAY }, (_, slot) => slot);
/** Every 2 hours (4 columns) a label over the grid. */
const HOUR_LABELS = Array.from({ length: SLOTS_PER_DAY / 4 }, (_, i) => slotLabel(i * 4));

function pointOf(element: Element | null): GridPoint | null {
  const cell = element?.closest<HTMLElement>('[data-slot]');
  if (!cell) return null;
  const day = Number(cell.dataset.day);
  const slot = Number(cell.dataset.slot);
  return Number.isInteger(day) && Number.isInteger(slot) ? { day, slot } : null;
}

const same = (a: GridPoint, b: GridPoint) => a.day === b.day && a.slot === b.slot;
const flip = (value: string | undefined): '0' | '1' => (value === '1' ? '0' : '1');

/**
 * 7 × 48 half-hour cells. A pointer drag paints the rectangle it spans with the opposite
 * of the cell it started on (a click toggles one cell); arrow keys move the focused cell,
 * Space or Enter toggles it. One set of handlers on the grid, none on the cells.
 */
export const ScheduleGrid = memo(function ScheduleGrid({ cells, nowIndex, onChange }: Props) {
  const gridRef = useRef<HTMLDivElement>(null);
  const [drag, setDrag] = useState<Drag | null>(null);
  const [focus, setFocus] = useState<GridPoint>({ day: 0, slot: 0 });
  const shown = drag ? paintCells(cells, drag.start, drag.current, drag.value) : cells;

  const focusCell = (point: GridPoint) => {
    setFocus(point);
    gridRef.current?.querySelector<HTMLElement>(`[data-day="${point.day}"][data-slot="${point.slot}"]`)?.focus();
  };

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0 || drag) return;
    const start = pointOf(e.target as Element);
    if (!start) return;
    e.preventDefault(); // no text selection while painting
    e.currentTarget.setPointerCapture(e.pointerId);
    focusCell(start);
    setDrag({ pointerId: e.pointerId, start, current: start, value: flip(cells[cellIndex(start.day, start.slot)]) });
  };

  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (!drag || e.pointerId !== drag.pointerId) return;
    // The grid holds the pointer capture, so the target is the grid: ask what lies under it.
    const point = pointOf(document.elementFromPoint(e.clientX, e.clientY));
    if (point && !same(point, drag.current)) setDrag({ ...drag, current: point });
  };

  const onPointerUp = (e: PointerEvent<HTMLDivElement>) => {
    if (!drag || e.pointerId !== drag.pointerId) return;
    setDrag(null);
    if (shown !== cells) onChange(shown);
  };

  const onPointerCancel = () => setDrag(null);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const point = pointOf(e.target as Element);
    if (!point) return;
    let next: GridPoint;
    switch (e.key) {
      case 'ArrowLeft':
        next = { ...point, slot: Math.max(0, point.slot - 1) };
        break;
      case 'ArrowRight':
        next = { ...point, slot: Math.min(SLOTS_PER_DAY - 1, point.slot + 1) };
        break;
      case 'ArrowUp':
        next = { ...point, day: Math.max(0, point.day - 1) };
        break;
      case 'ArrowDown':
        next = { ...point, day: Math.min(DAYS_PER_WEEK - 1, point.day + 1) };
        break;
      case 'Home':
        next = { ...point, slot: 0 };
        break;
      case 'End':
        next = { ...point, slot: SLOTS_PER_DAY - 1 };
        break;
      case ' ':
      case 'Enter':
        e.preventDefault();
        onChange(paintCells(cells, point, point, flip(cells[cellIndex(point.day, point.slot)])));
        return;
      default:
        return;
    }
    e.preventDefault();
    focusCell(next);
  };

  return (
    <div
      ref={gridRef}
      className={cx(styles.scheduleGrid, drag && styles.painting)}
      role="grid"
      aria-label="Weekly hours: selected half hours may be rented"
      aria-multiselectable="true"
      data-testid="schedule-grid"
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerCancel}
      onLostPointerCapture={onPointerCancel}
      onKeyDown={onKeyDown}
    >
      <div className={cx(styles.scheduleRow, 'schedule-hours')} aria-hidden="true">
        <span className="schedule-corner" />
        {HOUR_LABELS.map((label) => (
          <span key={label} className={styles.scheduleHour}>
            {label}
          </span>
        ))}
      </div>
      {DAYS.map((day) => (
        <div key={day} className={styles.scheduleRow} role="row">
          <span className={styles.scheduleDay} role="rowheader" aria-label={DAY_NAMES_LONG[day]}>
            {DAY_NAMES_SHORT[day]}
          </span>
          {SLOTS.map((slot) => {
            const index = cellIndex(day, slot);
            const on = shown[index] === '1';
            const focused = focus.day === day && focus.slot === slot;
            return (
              <div
                key={slot}
                role="gridcell"
                className={cx(styles.scheduleCell, index === nowIndex && styles.now)}
                aria-selected={on}
                aria-label={`${DAY_NAMES_LONG[day]} ${slotLabel(slot)} to ${slotLabel(slot + 1)}`}
                tabIndex={focused ? 0 : -1}
                data-day={day}
                data-slot={slot}
                data-on={on ? '1' : '0'}
                data-testid={`cell-${day}-${slot}`}
              />
            );
          })}
        </div>
      ))}
    </div>
  );
});
