import { useId, useState } from 'react';
import type { PriceSettings } from '../../../shared/domain/controls';
import { breakEvenMicrosPerHour, effectiveFloor, formatMicros } from '../../../shared/domain/price-floor';
import { useSnapshot } from '../../app/app-context';
import { Section } from '../../components/Section';
import { SaveBar } from './SaveBar';
import { Toggle } from './Toggle';
import {
  type GpuPower,
  type PriceField,
  type PriceForm,
  latestSuggestion,
  parsePriceForm,
  pricedDevices,
  priceFormFrom,
} from './price-form';
import { MarketPrices } from './market-prices/MarketPrices';
import { useUnsavedEdit } from './unsaved-edits';
import { useControlsSave } from './use-controls-save';
import { cx } from '../../lib/cx';
import styles from './Controls.module.css';

const usdPerHour = (micros: bigint) => `${formatMicros(micros)} USD/h`;

function powerText(gpu: GpuPower): string {
  if (gpu.cpu) return 'CPU jobs: no graphics card draws power, so only';
  if (gpu.powerW === null) return 'power draw unknown';
  return gpu.estimated
    ? `estimated from the ${Math.round(gpu.powerW)} W default power limit`
    : `measured ${Math.round(gpu.powerW)} W in the last benchmark`;
}

function BreakEven({ price, gpus }: { price: PriceSettings; gpus: GpuPower[] }) {
  return (
    <ul className={styles.breakEven} data-testid="break-even" data-estimated={gpus.some((g) => g.estimated)}>
      {gpus.map((gpu) => {
        const micros =
          gpu.powerW === null
            ? null
            : breakEvenMicrosPerHour({
                gpuPowerW: gpu.powerW,
                systemOverheadW: price.systemOverheadW,
                electricityMicrosPerKwh: BigInt(price.electricityMicrosPerKwh),
              });
        return (
          <li key={gpu.uuid}>
            {gpus.length > 1 ? <strong>{gpu.name}: </strong> : null}
            Break-even <strong>{micros === null ? 'unknown' : usdPerHour(micros)}</strong>
            {gpu.estimated ? <span className={cx('badge', styles.badgeEstimated)}>estimated</span> : null}{' '}
            <span className="muted small">
              {gpu.cpu
                ? `(${powerText(gpu)} the rest of the PC counts: ${price.systemOverheadW} W)`
                : `(${powerText(gpu)}, plus ${price.systemOverheadW} W for the rest of the PC)`}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

export function PriceSection() {
  const { settings, detection, benchmark } = useSnapshot();
  const saved = settings.controls.price;
  const saver = useControlsSave();
  const [form, setForm] = useState<PriceForm | null>(null);
  const [showErrors, setShowErrors] = useState(false);
  const ids = { floor: useId(), electricity: useId(), overhead: useId(), margin: useId() };

  const current = form ?? priceFormFrom(saved);
  const parsed = parsePriceForm(current);
  const candidate = parsed.ok ? parsed.price : null;
  const dirty = form !== null && (candidate === null || JSON.stringify(candidate) !== JSON.stringify(saved));
  const errors = showErrors && !parsed.ok ? parsed.errors : {};
  const shown = candidate ?? saved;
  const gpus = pricedDevices(detection, benchmark.history);
  const suggestion = latestSuggestion(benchmark.history);

  const edit = (next: Partial<PriceForm>) => setForm({ ...current, ...next });

  const onSave = async (): Promise<boolean> => {
    if (!candidate) {
      setShowErrors(true);
      return false;
    }
    const result = await saver.save({ price: candidate });
    if (result.ok) {
      setForm(null);
      setShowErrors(false);
    }
    return result.ok;
  };
  const onDiscard = () => {
    setForm(null);
    setShowErrors(false);
  };
  useUnsavedEdit('price', dirty, { label: 'Price floor', save: onSave, discard: onDiscard });

  const field = (key: PriceField, label: string, unit: string, testId: string, help?: string) => {
    const error = errors[key];
    const errorId = `${ids[key]}-error`;
    return (
      <div className="field">
        <label className="field-label" htmlFor={ids[key]}>
          {label}
        </label>
        <div className="input-unit">
          <input
            id={ids[key]}
            type="text"
            inputMode="decimal"
            className="input-narrow"
            value={current[key]}
            aria-invalid={error !== undefined}
            aria-describedby={error ? errorId : undefined}
            onChange={(e) => edit({ [key]: e.target.value })}
            data-testid={testId}
          />
          <span className="muted small">{unit}</span>
        </div>
        {help ? <span className="field-help">{help}</span> : null}
        {error ? (
          <p className="field-error" id={errorId} role="alert" data-testid={`${testId}-error`}>
            {error}
          </p>
        ) : null}
      </div>
    );
  };

  const floors = gpus.map((g) => effectiveFloor(shown, g.powerW));

  return (
    <Section
      id="price"
      title="Price floor"
      intro="The lowest price you accept per GPU-hour. RigShift never rents for less."
    >
      <div className={styles.priceGrid}>
        {field('floor', 'Your minimum', 'USD per GPU-hour', 'floor-input')}
        {field('electricity', 'Electricity price', 'USD per kWh', 'electricity-input', 'From your power bill; 0 if you do not pay for it.')}
        {field('overhead', 'Rest of the PC while rented', 'W', 'overhead-input', 'CPU, board and fans; about 60–120 W.')}
      </div>
      <MarketPrices price={shown} devices={gpus} reference={suggestion} onUse={(floor) => edit({ floor })} />
      <div className={styles.breakEvenRow}>
        <Toggle
          checked={current.neverBelowBreakEven}
          onChange={(neverBelowBreakEven) => edit({ neverBelowBreakEven })}
          label="Never below the electricity break-even plus a margin"
          testId="never-below-break-even"
        />
        {field('margin', 'Margin', '%', 'margin-input')}
      </div>
      <BreakEven price={shown} gpus={gpus} />
      <p className={styles.effectiveFloor} data-testid="effective-floor" aria-live="polite">
        {floors.map((f, i) => (
          <span key={gpus[i]?.uuid ?? 'cpu'} className={styles.effectiveFloorLine}>
            {gpus.length > 1 ? `${gpus[i]?.name}: ` : ''}
            {f.text}
          </span>
        ))}
      </p>
      <SaveBar
        id="price"
        saver={saver}
        dirty={dirty}
        problem={showErrors && !parsed.ok ? 'Fix the highlighted values; nothing was saved.' : null}
        onSave={() => void onSave()}
        onDiscard={onDiscard}
      />
    </Section>
  );
}
