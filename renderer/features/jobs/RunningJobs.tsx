import type { AvailabilityState } from '../../../shared/domain/availability';
import type { JobRecord } from '../../../shared/domain/job';
import { useSnapshot } from '../../app/app-context';
import { Section } from '../../components/Section';
import { AvailabilityLight } from '../availability/AvailabilityLight';
import { deviceLabel } from '../availability/availability-view';
import bannerStyles from '../availability/Availability.module.css';
import { cx } from '../../lib/cx';
import { RunningJobCard } from './RunningJobCard';
import styles from './Jobs.module.css';

export function RunningJobs({ active }: { active: JobRecord[] }) {
  return (
    <Section
      id="jobs-running"
      title="Running now"
      intro="Jobs renters are running on this PC, with their sandbox, live log and GPU readings."
    >
      {active.length === 0 ? (
        <NothingRunning />
      ) : (
        <div className={styles.jobList} data-testid="jobs-running">
          {active.map((job) => (
            <RunningJobCard key={job.id} job={job} />
          ))}
        </div>
      )}
    </Section>
  );
}

/** The availability headline says "Available" / "Renting" only: say what that means here. */
const EMPTY_WHY: Partial<Record<AvailabilityState, string>> = {
  available: 'Ready: waiting for a renter to send a job',
  renting: 'A job is starting: it will show here in a moment',
};

/** Says what would show here, and why nothing does (the availability headline per device). */
function NothingRunning() {
  const { availability, detection } = useSnapshot();
  return (
    <div className={styles.jobsEmpty} data-testid="jobs-empty">
      <p className="strong">No job is running.</p>
      <p className="muted">
        When a renter’s job runs here you will see what it is (name and image), the device it uses, how it is sandboxed,
        its network access, its live log and GPU readings, and a button to stop it.
      </p>
      {availability.gpus.length === 0 ? (
        <p className="muted">Working out whether this PC can take jobs…</p>
      ) : (
        <>
          <p className={styles.jobsEmptyWhy}>Why nothing runs now:</p>
          <ul className={cx(bannerStyles.availabilityList, styles.jobsEmptyDevices)}>
            {availability.gpus.map((entry) => (
              <li key={entry.gpuUuid} className={bannerStyles.availabilityRow} data-state={entry.state}>
                <span className={bannerStyles.availabilityDevice}>{deviceLabel(entry, detection)}</span>
                <AvailabilityLight state={entry.state} />
                <span className={bannerStyles.availabilityHeadline}>
                  {EMPTY_WHY[entry.state] ?? entry.headline}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
