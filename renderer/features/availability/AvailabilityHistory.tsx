import { useSnapshot } from '../../app/app-context';
import { Section } from '../../components/Section';
import { formatDateTime } from '../../lib/format';
import { AvailabilityLight } from './AvailabilityLight';
import { nameForUuid } from './availability-view';
import { cx } from '../../lib/cx';
import styles from './Availability.module.css';

const SHOWN = 25;

/** The newest availability transitions, so the owner can see why renting stopped or started. */
export function AvailabilityHistory() {
  const { availability, detection } = useSnapshot();
  const rows = availability.history.slice(0, SHOWN);
  return (
    <Section id="availability-history" title="Availability history" intro="The latest changes, newest first.">
      {rows.length === 0 ? (
        <p className="muted" data-testid="availability-history">
          Nothing has changed yet.
        </p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="availability-history">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Device</th>
                <th scope="col">Change</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((t, i) => (
                <tr key={`${t.at}-${t.gpuUuid}-${i}`} data-testid="availability-transition" data-to={t.to}>
                  <td className="nowrap">{formatDateTime(t.at)}</td>
                  <td>{nameForUuid(t.gpuUuid, availability.gpus, detection)}</td>
                  <td className={cx('nowrap', styles.transition)}>
                    <AvailabilityLight state={t.from} />
                    <span aria-label="to"> → </span>
                    <AvailabilityLight state={t.to} />
                  </td>
                  <td>{t.headline}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}
