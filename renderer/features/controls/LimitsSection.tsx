import { useId, useState } from 'react';
import type { PowerLimitStatus } from '../../../shared/domain/availability';
import { TEMPERATURE_HYSTERESIS_C } from '../../../shared/domain/controls';
import type { GpuInfo } from '../../../shared/domain/gpu';
import { useSnapshot } from '../../app/app-context';
import { Section } from '../../components/Section';
import { SaveBar } from './SaveBar';
import { useUnsavedEdit } from './unsaved-edits';
import { Toggle } from './Toggle';
import {
  type GpuLimitForm,
  type LimitsForm,
  TEMPERATURE_MAX_C,
  TEMPERATURE_MIN_C,
  limitsFormFrom,
  parseLimitsForm,
  powerRange,
} from './limits-form';
import { useControlsSave } from './use-controls-save';
import { cx } from '../../lib/cx';
import styles from './Controls.module.css';

interface GpuRowProps {
  gpu: GpuInfo;
  form: GpuLimitForm;
  error: string | undefined;
  /** What happened to the limit at the last rental, as the agent reported it. */
  status: PowerLimitStatus | undefined;
  /** Latest temperature reading, if any. */
  temperatureC: number | undefined;
  onChange: (next: GpuLimitForm) => void;
}

function GpuLimitRow({ gpu, form, error, status, temperatureC, onChange }: GpuRowProps) {
  const inputId = useId();
  const errorId = useId();
  const { min, max } = powerRange(gpu);
  const hasRange = min !== null && max !== null && max > min;
  return (
    <fieldset className={styles.gpuLimit} data-testid={`gpu-limits-${gpu.uuid}`}>
      <legend>
        <span className="gpu-index">GPU {gpu.index}</span> {gpu.name}
        {temperatureC === undefined ? null : (
          <span className="muted small" data-testid={`gpu-temperature-${gpu.uuid}`}>
            {' '}
            · {Math.round(temperatureC)} °C now
          </span>
        )}
      </legend>
      <Toggle
        checked={form.enabled}
        onChange={(enabled) => onChange({ ...form, enabled })}
        label="Rent this card"
        help="Off: this card is never rented, whatever the schedule says."
        testId={`gpu-enabled-${gpu.uuid}`}
      />
      <div className="field">
        <span className="field-label" id={`${inputId}-label`}>
          Power limit while rented
        </span>
        <label className={cx('field-check', styles.fieldCheckSmall)}>
          <input
            type="checkbox"
            checked={form.leaveAsIs}
            onChange={(e) => onChange({ ...form, leaveAsIs: e.target.checked })}
            data-testid={`power-leave-${gpu.uuid}`}
          />
          <span>Leave as is</span>
        </label>
        <div className={styles.powerInputs}>
          {hasRange ? (
            <input
              type="range"
              min={min}
              max={max}
              step={1}
              value={Number(form.powerText) || min}
              disabled={form.leaveAsIs}
              aria-labelledby={`${inputId}-label`}
              onChange={(e) => onChange({ ...form, powerText: e.target.value })}
              data-testid={`power-slider-${gpu.uuid}`}
            />
          ) : null}
          <input
            id={inputId}
            type="number"
            className="input-narrow"
            min={min ?? undefined}
            max={max ?? undefined}
            step={1}
            value={form.powerText}
            disabled={form.leaveAsIs}
            aria-labelledby={`${inputId}-label`}
            aria-invalid={error !== undefined}
            aria-describedby={error ? errorId : undefined}
            onChange={(e) => onChange({ ...form, powerText: e.target.value })}
            data-testid={`power-limit-${gpu.uuid}`}
          />
          <span className="muted small">W</span>
        </div>
        <span className="field-help">
          {min !== null && max !== null
            ? `This card accepts ${min}–${max} W (default ${gpu.power.default === null ? 'not reported' : `${Math.round(gpu.power.default)} W`}). Restored when the rental ends.`
            : 'The driver does not report this card’s range; the agent checks the value.'}
        </span>
        {error ? (
          <p className="field-error" id={errorId} role="alert" data-testid={`power-error-${gpu.uuid}`}>
            {error}
          </p>
        ) : null}
        {status ? (
          <p
            className={cx(styles.reading, status.state.endsWith('failed') && styles.readingUnavailable)}
            data-testid={`power-status-${gpu.uuid}`}
            data-state={status.state}
          >
            Last rental: {status.message}
          </p>
        ) : null}
      </div>
    </fieldset>
  );
}

export function LimitsSection() {
  const { settings, detection, availability } = useSnapshot();
  const { temperatureLimitC, gpus: savedGpus } = settings.controls;
  const gpus = detection?.gpus ?? [];
  const saver = useControlsSave();
  const [form, setForm] = useState<LimitsForm | null>(null);
  const [showErrors, setShowErrors] = useState(false);
  const tempId = useId();
  const tempErrorId = useId();

  const base = limitsFormFrom(settings.controls, gpus);
  // A card detected after editing began gets its saved values.
  const current = form ? { ...form, gpus: { ...base.gpus, ...form.gpus } } : base;
  const parsed = parseLimitsForm(current, gpus, savedGpus);
  const dirty =
    form !== null &&
    (!parsed.ok ||
      parsed.temperatureLimitC !== temperatureLimitC ||
      JSON.stringify(parsed.gpus) !== JSON.stringify(savedGpus));
  const errors = showErrors && !parsed.ok ? parsed.errors : { gpus: {} as Record<string, string> };
  const limit = Number(current.temperature);
  const validLimit = Number.isInteger(limit) && limit >= TEMPERATURE_MIN_C && limit <= TEMPERATURE_MAX_C;

  const onSave = async (): Promise<boolean> => {
    if (!parsed.ok) {
      setShowErrors(true);
      return false;
    }
    const result = await saver.save({ temperatureLimitC: parsed.temperatureLimitC, gpus: parsed.gpus });
    if (result.ok) {
      setForm(null);
      setShowErrors(false);
    }
    return result.ok;
  };
  useUnsavedEdit('limits', dirty, {
    label: 'Power and temperature',
    save: onSave,
    discard: () => {
      setForm(null);
      setShowErrors(false);
    },
  });

  return (
    <Section
      id="limits"
      title="Power and temperature"
      intro="Keep your card cool and quiet while it is rented."
    >
      {gpus.length === 0 ? (
        <p className="notice notice-neutral" data-testid="limits-no-gpu">
          These settings apply to NVIDIA graphics cards. RigShift found none on this machine, so they have no effect
          for now; they are kept for when a card is installed.
        </p>
      ) : null}
      <div className="field">
        <label className="field-label" htmlFor={tempId}>
          Temperature limit
        </label>
        <div className="input-unit">
          <input
            id={tempId}
            type="number"
            className="input-narrow"
            min={TEMPERATURE_MIN_C}
            max={TEMPERATURE_MAX_C}
            step={1}
            value={current.temperature}
            aria-invalid={errors.temperature !== undefined}
            aria-describedby={`${tempId}-help${errors.temperature ? ` ${tempErrorId}` : ''}`}
            onChange={(e) => setForm({ ...current, temperature: e.target.value })}
            data-testid="temperature-input"
          />
          <span className="muted small">°C</span>
        </div>
        <span className="field-help" id={`${tempId}-help`} data-testid="temperature-note">
          {validLimit
            ? `Pauses at ${limit} °C, resumes below ${limit - TEMPERATURE_HYSTERESIS_C} °C.`
            : `Pauses at T, resumes below T−${TEMPERATURE_HYSTERESIS_C} °C (T between ${TEMPERATURE_MIN_C} and ${TEMPERATURE_MAX_C}).`}
        </span>
        {errors.temperature ? (
          <p className="field-error" id={tempErrorId} role="alert" data-testid="temperature-error">
            {errors.temperature}
          </p>
        ) : null}
      </div>
      {gpus.map((gpu) => {
        const entry = current.gpus[gpu.uuid];
        if (!entry) return null;
        return (
          <GpuLimitRow
            key={gpu.uuid}
            gpu={gpu}
            form={entry}
            error={errors.gpus[gpu.uuid]}
            status={availability.powerLimits.find((p) => p.gpuUuid === gpu.uuid)}
            temperatureC={availability.presence?.temperaturesC[gpu.uuid]}
            onChange={(next) => setForm({ ...current, gpus: { ...current.gpus, [gpu.uuid]: next } })}
          />
        );
      })}
      <SaveBar
        id="limits"
        saver={saver}
        dirty={dirty}
        problem={showErrors && !parsed.ok ? 'Fix the highlighted values; nothing was saved.' : null}
        onSave={() => void onSave()}
        onDiscard={() => {
          setForm(null);
          setShowErrors(false);
        }}
      />
    </Section>
  );
}
