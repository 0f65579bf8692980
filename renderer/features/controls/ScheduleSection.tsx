import { useCallback, useMemo, useState } from 'react';
import type { WeeklySchedule } from '../../../shared/domain/controls';
import {
  SCHEDULE_PRESETS,
  cellIndexAt,
  describeSchedule,
  validateSchedule,
} from '../../../shared/domain/schedule';
import { localTimeZone } from '../../../shared/domain/settings';
import { useSnapshot } from '../../app/app-context';
import { Section } from '../../components/Section';
import { useNow } from '../../lib/use-now';
import { SaveBar } from './SaveBar';
import { ScheduleGrid } from './ScheduleGrid';
import { useUnsavedEdit } from './unsaved-edits';
import { timeZoneOptions, zoneLabel } from './time-zones';
import { useControlsSave } from './use-controls-save';
import { cx } from '../../lib/cx';
import styles from './Controls.module.css';

function safeDescribe(schedule: WeeklySchedule, now: number): { text: string; nowIndex: number | null } {
  try {
    return { text: describeSchedule(schedule, new Date(now)).text, nowIndex: cellIndexAt(new Date(now), schedule.timeZone) };
  } catch {
    return { text: 'The time zone is not known to this browser.', nowIndex: null };
  }
}

export function ScheduleSection() {
  const saved = useSnapshot().settings.controls.schedule;
  const saver = useControlsSave();
  const [draft, setDraft] = useState<WeeklySchedule | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const now = useNow();
  const schedule = draft ?? saved;
  const dirty = draft !== null && (draft.cells !== saved.cells || draft.timeZone !== saved.timeZone);
  const zones = useMemo(() => timeZoneOptions(saved.timeZone), [saved.timeZone]);
  const { text, nowIndex } = safeDescribe(schedule, now);

  // Stable, so the memoised grid does not re-render on every tick of the clock.
  const edit = useCallback(
    (next: Partial<WeeklySchedule>) => {
      setProblem(null);
      setDraft((current) => ({ ...(current ?? saved), ...next }));
    },
    [saved],
  );
  const onCells = useCallback((cells: string) => edit({ cells }), [edit]);

  const onSave = async (): Promise<boolean> => {
    const verdict = validateSchedule(schedule);
    if (!verdict.ok) {
      setProblem(verdict.message);
      return false;
    }
    const result = await saver.save({ schedule });
    if (result.ok) setDraft(null);
    return result.ok;
  };
  const onDiscard = () => {
    setDraft(null);
    setProblem(null);
  };
  useUnsavedEdit('schedule', dirty, { label: 'Schedule', save: onSave, discard: onDiscard });

  const local = localTimeZone();
  return (
    <Section
      id="schedule"
      title="Schedule"
      intro="The hours your GPU may be rented, in half hours. Outside them RigShift never rents, even when the PC is idle."
    >
      <div className={styles.scheduleTools}>
        <div className={styles.presetButtons} role="group" aria-label="Presets">
          {SCHEDULE_PRESETS.map((preset) => (
            <button
              key={preset.id}
              type="button"
              className="button-small"
              aria-pressed={schedule.cells === preset.cells}
              title={preset.description}
              onClick={() => onCells(preset.cells)}
              data-testid={`schedule-preset-${preset.id}`}
            >
              {preset.label}
            </button>
          ))}
          <button
            type="button"
            className="button-small"
            onClick={() => onCells('0'.repeat(schedule.cells.length))}
            data-testid="schedule-clear"
          >
            Clear
          </button>
        </div>
        <label className={cx('field', styles.fieldInline)}>
          <span className="field-label">Time zone</span>
          <select
            value={schedule.timeZone}
            onChange={(e) => edit({ timeZone: e.target.value })}
            data-testid="schedule-timezone"
          >
            {zones.map((zone) => (
              <option key={zone} value={zone}>
                {zoneLabel(zone)}
                {zone === local ? ' (this computer)' : ''}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p className={styles.scheduleSummary} data-testid="schedule-summary" aria-live="polite">
        Right now: <strong>{text}</strong>
      </p>
      <div className={styles.scheduleScroll}>
        <ScheduleGrid cells={schedule.cells} nowIndex={nowIndex} onChange={onCells} />
      </div>
      <p className="muted small schedule-help">
        <span className={cx(styles.legendSwatch, styles.legendOn)} aria-hidden="true" /> may rent{' '}
        <span className={cx(styles.legendSwatch, styles.legendOff)} aria-hidden="true" /> never rents{' '}
        <span className={cx(styles.legendSwatch, styles.legendNow)} aria-hidden="true" /> now. Drag across cells to paint them (a drag
        that starts on a selected cell clears); with the keyboard, arrow keys move and Space toggles.
      </p>
      <SaveBar
        id="schedule"
        saver={saver}
        dirty={dirty}
        problem={problem}
        onSave={() => void onSave()}
        onDiscard={onDiscard}
      />
    </Section>
  );
}
