import { Fragment, useState } from 'react';
import type { MarketJob, MarketStatus, ProviderJob } from '../../../shared/domain/market';
import { useSnapshot } from '../../app/app-context';
import { Section } from '../../components/Section';
import { jobDeviceLabel } from '../jobs/job-view';
import { DetailsToggleCell, JobDetailsRow } from './JobRowDetails';
import { RelativeTime } from './RelativeTime';
import { usdPerHour } from './market-format';
import { type AmountView, amountView, LIFECYCLE, lifecycleStep, myJobsView, PROVIDER_STATES } from './market-view';
import { onRowActivate, onRowKeys } from './use-row-keys';
import { UntrustedText } from '../../components/UntrustedText';
import { cx } from '../../lib/cx';
import styles from './Market.module.css';
import { RestartNote } from './RestartNote';
import { V2RowNote } from './V2JobFacts';
import { V2_INTROS, v2StateLabel } from './v2-words';
import type { MarketJobV2 } from '../../../shared/domain/market-v2-view';

const COLUMNS = 7;

interface Props {
  jobs: readonly MarketJob[];
  status: MarketStatus;
}

/** Jobs this PC claimed: where each one is between claim and payment, with the money. */
const AMOUNT_CLASSES: Record<AmountView['kind'], string | undefined> = {
  paid: styles.amountPaid,
  expected: undefined,
  max: styles.amountMax,
  none: styles.amountNone,
};

export function MyJobs({ jobs, status }: Props) {
  const { detection } = useSnapshot();
  const [openId, setOpenId] = useState<string | null>(null);
  const [focusId, setFocusId] = useState<string | null>(null);
  const mine = myJobsView(jobs);
  const rovingId = mine.some((j) => j.chainJobId === focusId) ? focusId : (mine[0]?.chainJobId ?? null);
  const toggle = (id: string) => setOpenId((current) => (current === id ? null : id));

  return (
    <Section id="market-mine" title="My jobs" intro={status.marketVersion === 2 ? V2_INTROS.mine : 'Jobs this PC claimed, newest first: running, waiting for payment, paid.'}>
      {mine.length === 0 ? (
        <p className="muted" data-testid="market-mine-empty">
          No job claimed yet. When one that fits is posted, RigShift claims it at your price and it shows here, from the claim to
          the payment.
        </p>
      ) : (
        <div className="table-wrap">
          <table className={cx('table', styles.table)} data-testid="market-mine" data-count={mine.length}>
            <caption className="visually-hidden">My jobs. Arrow keys move between rows; Enter shows a job’s details.</caption>
            <thead>
              <tr>
                <th scope="col">Job</th>
                <th scope="col">State</th>
                <th scope="col" className="num">
                  Your price
                </th>
                <th scope="col" className="num">
                  Amount
                </th>
                <th scope="col">Device</th>
                <th scope="col">Updated</th>
                <th scope="col">
                  <span className="visually-hidden">Details</span>
                </th>
              </tr>
            </thead>
            <tbody onKeyDown={onRowKeys}>
              {mine.map((job) => {
                const open = openId === job.chainJobId;
                const detailsId = `market-mine-details-${job.chainJobId}`;
                const amount = amountView(job.mine);
                return (
                  <Fragment key={job.chainJobId}>
                    <tr
                      data-row
                      tabIndex={rovingId === job.chainJobId ? 0 : -1}
                      className={cx(styles.row, open && 'selected')}
                      onFocus={() => setFocusId(job.chainJobId)}
                      onClick={() => toggle(job.chainJobId)}
                      onKeyDown={(e) => onRowActivate(e, () => toggle(job.chainJobId))}
                      data-testid={`market-mine-${job.chainJobId}`}
                      data-state={job.mine.state}
                    >
                      <th scope="row">
                        <span className={styles.jobName}>{job.summary ? <UntrustedText text={job.summary.name} /> : `Job #${job.chainJobId}`}</span>
                        <span className={cx('muted', 'small', styles.jobSub)}>#{job.chainJobId}</span>
                      </th>
                      <td>
                        <StateCell mine={job.mine} v2={job.v2} />
                        <V2RowNote job={job} />
                      </td>
                      <td className="num">{usdPerHour(job.mine.askMicrosPerHour)}</td>
                      <td className={cx('num', AMOUNT_CLASSES[amount.kind])}>{amount.text}</td>
                      <td>{job.mine.deviceId ? jobDeviceLabel(job.mine.deviceId, detection) : '—'}</td>
                      <td>
                        <RelativeTime at={job.mine.updatedAt} />
                      </td>
                      <DetailsToggleCell open={open} onToggle={() => toggle(job.chainJobId)} jobLabel={`job #${job.chainJobId}`} controls={detailsId} />
                    </tr>
                    {open ? <JobDetailsRow job={job} status={status} id={detailsId} columns={COLUMNS} /> : null}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}

function StateCell({ mine, v2 }: { mine: ProviderJob; v2?: MarketJobV2 }) {
  const state = v2StateLabel(mine.state, v2) ?? PROVIDER_STATES[mine.state];
  const step = lifecycleStep(mine.state);
  return (
    <div className={styles.state}>
      <span className={`badge badge-reason badge-${state.tone === 'active' ? 'neutral' : state.tone}`} data-testid={`market-state-${mine.chainJobId}`}>
        {state.label}
      </span>
      {step !== null ? (
        <ol className={styles.steps} aria-label={`Step ${Math.min(step + 1, LIFECYCLE.length)} of ${LIFECYCLE.length}`}>
          {LIFECYCLE.map((s, i) => (
            <li key={s} className={i < step ? styles.done : i === step ? styles.current : undefined} title={PROVIDER_STATES[s].label} />
          ))}
        </ol>
      ) : null}
      {mine.state === 'running' && mine.localJobId ? (
        <a href="#/jobs" className="small" onClick={(e) => e.stopPropagation()} data-testid={`market-running-link-${mine.chainJobId}`}>
          Watch it run on the Jobs page
        </a>
      ) : null}
      {mine.problem ? <span className="field-error small">{mine.problem}</span> : null}
      {mine.restarts ? (
        <RestartNote restarts={mine.restarts} testId={`market-restarts-${mine.chainJobId}`} />
      ) : null}
    </div>
  );
}
