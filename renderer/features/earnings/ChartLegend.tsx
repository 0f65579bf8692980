import { cx } from '../../lib/cx';
import styles from './Earnings.module.css';

/** The swatch of each series, the same colour as its bars or line (Earnings.module.css). */
const SWATCHES: Record<string, string | undefined> = {
  net: styles.swatchNet,
  electricity: styles.swatchElectricity,
  gas: styles.swatchGas,
  fee: styles.swatchFee,
  stake: styles.swatchStake,
  projection: styles.swatchProjection,
  available: styles.swatchAvailable,
  rented: styles.swatchRented,
  rate: styles.swatchRate,
  power: styles.swatchPower,
  temperature: styles.swatchTemperature,
};

/** A legend whose colours come from the stylesheet (recharts' own legend copies SVG fills, which CSS sets here). */
export function ChartLegend({ items }: { items: { key: string; label: string }[] }) {
  return (
    <span className={cx('legend', styles.earningsLegend)}>
      {items.map((item) => (
        <span key={item.key}>
          <span className={cx('swatch', SWATCHES[item.key])} aria-hidden="true" /> {item.label}
        </span>
      ))}
    </span>
  );
}
