import { useId, useState } from 'react';
import type { PresenceSettings } from '../../../shared/domain/controls';
import { BUILT_IN_WATCH_LIST } from '../../../shared/domain/game-watchlist';
import { useSnapshot } from '../../app/app-context';
import { Section } from '../../components/Section';
import { SaveBar } from './SaveBar';
import { Toggle } from './Toggle';
import { WatchListEditor } from './WatchListEditor';
import { type DetectorId, type Reading, parseGpuThreshold, parseIdleMinutes, presenceReadings } from './presence-view';
import { useControlsSave } from './use-controls-save';
import { cx } from '../../lib/cx';
import styles from './Controls.module.css';

interface Draft {
  settings: PresenceSettings;
  minutesText: string;
  thresholdText: string;
}

const clockTime = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** The detector's live state: what it saw and since when, through what, or why it cannot work here. */
function ReadingLine({ reading, id }: { reading: Reading; id: DetectorId }) {
  return (
    <p
      className={cx(styles.reading, reading.unavailable && styles.readingUnavailable)}
      data-testid={`reading-${id}`}
      data-unavailable={reading.unavailable}
      aria-live="polite"
    >
      <span className="visually-hidden">Latest reading: </span>
      {reading.text}
      {reading.since ? (
        <span className="small" data-testid={`reading-${id}-since`}>
          {' '}
          · since <time dateTime={reading.since}>{clockTime(reading.since)}</time>
        </span>
      ) : null}
      {reading.via ? (
        <span className="small" data-testid={`reading-${id}-via`}>
          {' '}
          · via {reading.via}
        </span>
      ) : null}
    </p>
  );
}

export function PresenceSection() {
  const { settings, availability } = useSnapshot();
  const saved = settings.controls.presence;
  const saver = useControlsSave();
  const [draft, setDraft] = useState<Draft | null>(null);
  const [showErrors, setShowErrors] = useState(false);
  const minutesId = useId();
  const minutesErrorId = useId();
  const thresholdId = useId();
  const thresholdErrorId = useId();

  const current: Draft = draft ?? {
    settings: saved,
    minutesText: String(saved.idle.minutes),
    thresholdText: String(saved.gpuInUse.thresholdPercent),
  };
  const p = current.settings;
  const minutes = parseIdleMinutes(current.minutesText);
  const threshold = parseGpuThreshold(current.thresholdText);
  const candidate: PresenceSettings | null =
    minutes.ok && threshold.ok
      ? { ...p, idle: { ...p.idle, minutes: minutes.minutes }, gpuInUse: { ...p.gpuInUse, thresholdPercent: threshold.percent } }
      : null;
  const dirty = draft !== null && (candidate === null || JSON.stringify(candidate) !== JSON.stringify(saved));
  const readings = presenceReadings(availability.presence, saved.gpuInUse.thresholdPercent);
  const minutesError = showErrors && !minutes.ok ? minutes.message : null;
  const thresholdError = showErrors && !threshold.ok ? threshold.message : null;

  const edit = (next: Partial<Draft>) => setDraft({ ...current, ...next });
  const set = <K extends keyof PresenceSettings>(key: K, value: PresenceSettings[K]) =>
    edit({ settings: { ...p, [key]: value } });

  const onSave = async () => {
    if (!candidate) {
      setShowErrors(true);
      return;
    }
    const result = await saver.save({ presence: candidate });
    if (result.ok) {
      setDraft(null);
      setShowErrors(false);
    }
  };

  return (
    <Section
      id="presence"
      title="When you are using the PC"
      intro="RigShift pauses renting, and hands a running job's GPU back, as soon as one of these says you are here."
    >
      <div className={styles.detectors}>
        <div className={styles.detector} data-testid="detector-idle">
          <Toggle
            checked={p.idle.enabled}
            onChange={(enabled) => set('idle', { ...p.idle, enabled })}
            label="Only when the PC is idle"
            help="No keyboard or mouse input for a while."
            testId="presence-idle"
          />
          <div className={styles.detectorExtra}>
            <label htmlFor={minutesId} className="small">
              Idle for at least
            </label>
            <input
              id={minutesId}
              type="number"
              className="input-narrow"
              min={1}
              max={240}
              step={1}
              inputMode="numeric"
              value={current.minutesText}
              disabled={!p.idle.enabled}
              aria-invalid={minutesError !== null}
              aria-describedby={minutesError ? minutesErrorId : undefined}
              onChange={(e) => edit({ minutesText: e.target.value })}
              data-testid="idle-minutes"
            />
            <span className="small">minutes</span>
          </div>
          {minutesError ? (
            <p className="field-error" id={minutesErrorId} role="alert">
              {minutesError}
            </p>
          ) : null}
          <ReadingLine reading={readings.idle} id="idle" />
        </div>

        <div className={styles.detector} data-testid="detector-processes">
          <Toggle
            checked={p.processes.enabled}
            onChange={(enabled) => set('processes', { ...p.processes, enabled })}
            label="Pause for games and apps"
            help="While a watched program runs."
            testId="presence-processes"
          />
          <div className={cx(styles.detectorExtra, styles.detectorNested)}>
            <Toggle
              checked={p.processes.builtIn}
              disabled={!p.processes.enabled}
              onChange={(builtIn) => set('processes', { ...p.processes, builtIn })}
              label={`Built-in list of games and engines (${BUILT_IN_WATCH_LIST.length} names)`}
              help="Steam, Epic, EA, Ubisoft, Battle.net games and common engines, not their launchers."
              testId="presence-builtin"
            />
            <WatchListEditor
              list={p.processes.watchList}
              running={availability.presence?.runningWatched ?? []}
              onChange={(watchList) => set('processes', { ...p.processes, watchList })}
            />
          </div>
          <ReadingLine reading={readings.processes} id="processes" />
        </div>

        <div className={styles.detector} data-testid="detector-fullscreen">
          <Toggle
            checked={p.fullscreen.enabled}
            onChange={(enabled) => set('fullscreen', { enabled })}
            label="Pause while something is full-screen"
            help="A game or a video in front, even without input."
            testId="presence-fullscreen"
          />
          <ReadingLine reading={readings.fullscreen} id="fullscreen" />
        </div>

        <div className={styles.detector} data-testid="detector-gpu-in-use">
          <Toggle
            checked={p.gpuInUse.enabled}
            onChange={(enabled) => set('gpuInUse', { ...p.gpuInUse, enabled })}
            label="Pause while other apps use the GPU"
            help="A game or any other program drawing or computing on the card (not a rental job, not the desktop itself)."
            testId="presence-gpu-in-use"
          />
          <div className={styles.detectorExtra}>
            <label htmlFor={thresholdId} className="small">
              When one uses at least
            </label>
            <input
              id={thresholdId}
              type="number"
              className="input-narrow"
              min={1}
              max={100}
              step={1}
              inputMode="numeric"
              value={current.thresholdText}
              disabled={!p.gpuInUse.enabled}
              aria-invalid={thresholdError !== null}
              aria-describedby={thresholdError ? thresholdErrorId : undefined}
              onChange={(e) => edit({ thresholdText: e.target.value })}
              data-testid="gpu-threshold"
            />
            <span className="small">% of the GPU</span>
          </div>
          {thresholdError ? (
            <p className="field-error" id={thresholdErrorId} role="alert">
              {thresholdError}
            </p>
          ) : null}
          <ReadingLine reading={readings.gpuInUse} id="gpuInUse" />
        </div>

        <div className={styles.detector} data-testid="detector-battery">
          <Toggle
            checked={p.battery.enabled}
            onChange={(enabled) => set('battery', { enabled })}
            label="Pause on battery"
            help="Laptops: only rent on mains power."
            testId="presence-battery"
          />
          <ReadingLine reading={readings.battery} id="battery" />
        </div>
      </div>
      <SaveBar
        id="presence"
        saver={saver}
        dirty={dirty}
        problem={
          minutesError
            ? 'Fix the idle minutes before saving; nothing was saved.'
            : thresholdError
              ? 'Fix the GPU-use threshold before saving; nothing was saved.'
              : null
        }
        onSave={() => void onSave()}
        onDiscard={() => {
          setDraft(null);
          setShowErrors(false);
        }}
      />
    </Section>
  );
}
