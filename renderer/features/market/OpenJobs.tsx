import { Fragment, useState } from 'react';
import type { MarketJob, MarketStatus } from '../../../shared/domain/market';
import { Section } from '../../components/Section';
import { DetailsToggleCell, JobDetailsRow } from './JobRowDetails';
import { RelativeTime } from './RelativeTime';
import { V2RequesterNote, V2RowNote } from './V2JobFacts';
import { V2_INTROS } from './v2-words';
import { formatSeconds, shortAddress, usdPerHour } from './market-format';
import { type OpenFilter, openJobsView } from './market-view';
import { onRowActivate, onRowKeys } from './use-row-keys';
import { UntrustedText } from '../../components/UntrustedText';
import { cx } from '../../lib/cx';
import styles from './Market.module.css';

const COLUMNS = 9;

interface Props {
  jobs: readonly MarketJob[];
  openTotal: number;
  status: MarketStatus;
}

/** Every open job this PC has seen, which ones fit, and why the others do not. */
export function OpenJobs({ jobs, openTotal, status }: Props) {
  const [filter, setFilter] = useState<OpenFilter>('all');
  const [openId, setOpenId] = useState<string | null>(null);
  const [focusId, setFocusId] = useState<string | null>(null);
  const view = openJobsView(jobs, filter);
  const rovingId = view.shown.some((j) => j.chainJobId === focusId) ? focusId : (view.shown[0]?.chainJobId ?? null);
  const toggle = (id: string) => setOpenId((current) => (current === id ? null : id));

  return (
    <Section
      id="market-open"
      title="Open jobs"
      intro={status.marketVersion === 2 ? V2_INTROS.open : 'Jobs posted on the market that nobody has claimed yet, best paid first. RigShift claims those that fit, at your price.'}
      actions={<FilterSwitch filter={filter} onChange={setFilter} open={view.open} fitting={view.fitting} />}
    >
      {view.open === 0 ? (
        <EmptyMarket status={status} />
      ) : view.shown.length === 0 ? (
        <p className={styles.empty} data-testid="market-open-none-fit">
          None of the {view.open} open jobs fits this PC now.{' '}
          <button type="button" className="button-link" onClick={() => setFilter('all')}>
            Show all to see why
          </button>
        </p>
      ) : (
        <div className="table-wrap">
          <table className={cx('table', styles.table)} data-testid="market-open" data-count={view.shown.length}>
            <caption className="visually-hidden">Open jobs. Arrow keys move between rows; Enter shows a job’s details.</caption>
            <thead>
              <tr>
                <th scope="col">Job</th>
                <th scope="col">Requester</th>
                <th scope="col" className="num">
                  Pays up to
                </th>
                <th scope="col" className="num">
                  Length
                </th>
                <th scope="col">Preemptible</th>
                <th scope="col">Claim by</th>
                <th scope="col">Run by</th>
                <th scope="col">Fits this PC</th>
                <th scope="col">
                  <span className="visually-hidden">Details</span>
                </th>
              </tr>
            </thead>
            <tbody onKeyDown={onRowKeys}>
              {view.shown.map((job) => {
                const open = openId === job.chainJobId;
                const detailsId = `market-open-details-${job.chainJobId}`;
                return (
                  <Fragment key={job.chainJobId}>
                    <tr
                      data-row
                      tabIndex={rovingId === job.chainJobId ? 0 : -1}
                      className={cx(styles.row, open && 'selected')}
                      onFocus={() => setFocusId(job.chainJobId)}
                      onClick={() => toggle(job.chainJobId)}
                      onKeyDown={(e) => onRowActivate(e, () => toggle(job.chainJobId))}
                      data-testid={`market-open-${job.chainJobId}`}
                      data-fits={job.verdict.fits}
                    >
                      <th scope="row">
                        <span className={styles.jobName}>{job.summary ? <UntrustedText text={job.summary.name} /> : `Job #${job.chainJobId}`}</span>
                        <span className={cx('muted', 'small', styles.jobSub)}>
                          #{job.chainJobId}
                          {job.summary ? ` · ${job.summary.resources.gpus > 0 ? 'GPU' : 'CPU'}` : ' · unreadable document'}
                        </span>
                      </th>
                      <td>
                        <code title={job.requester}>{shortAddress(job.requester)}</code>
                        <V2RequesterNote job={job} />
                      </td>
                      <td className="num strong">
                        {usdPerHour(job.maxPricePerHourMicros)}
                        <V2RowNote job={job} />
                      </td>
                      <td className="num">{formatSeconds(job.maxDurationSeconds)}</td>
                      <td>{job.preemptible ? 'Yes' : 'No'}</td>
                      <td>
                        <RelativeTime at={job.claimBy} />
                      </td>
                      <td>
                        <RelativeTime at={job.runBy} />
                      </td>
                      <td>
                        <FitCell job={job} />
                      </td>
                      <DetailsToggleCell open={open} onToggle={() => toggle(job.chainJobId)} jobLabel={`job #${job.chainJobId}`} controls={detailsId} />
                    </tr>
                    {open ? <JobDetailsRow job={job} status={status} id={detailsId} columns={COLUMNS} /> : null}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
          {openTotal > view.open ? (
            <p className="muted small" data-testid="market-open-capped">
              Showing {view.open} of {openTotal} open jobs.
            </p>
          ) : null}
        </div>
      )}
    </Section>
  );
}

function FitCell({ job }: { job: MarketJob }) {
  const { verdict } = job;
  if (verdict.fits) {
    return (
      <span className="badge badge-ok" data-testid={`market-fit-${job.chainJobId}`}>
        Fits
      </span>
    );
  }
  return (
    <div className={styles.fitNo} data-testid={`market-fit-${job.chainJobId}`}>
      <span className="badge badge-bad">No</span>
      <ul className={styles.reasons}>
        {verdict.reasons.map((reason) => (
          <li key={reason}>{reason}</li>
        ))}
      </ul>
    </div>
  );
}

function FilterSwitch({ filter, onChange, open, fitting }: { filter: OpenFilter; onChange: (f: OpenFilter) => void; open: number; fitting: number }) {
  const options: { value: OpenFilter; label: string }[] = [
    { value: 'all', label: `All (${open})` },
    { value: 'fits', label: `Fits this PC (${fitting})` },
  ];
  return (
    <div className={styles.filter} role="radiogroup" aria-label="Show">
      {options.map((o) => (
        <label key={o.value} className={cx(styles.filterOption, filter === o.value && styles.checked)}>
          <input
            type="radio"
            name="market-open-filter"
            value={o.value}
            checked={filter === o.value}
            onChange={() => onChange(o.value)}
            data-testid={`market-filter-${o.value}`}
          />
          {o.label}
        </label>
      ))}
    </div>
  );
}

/** Says why the list is empty and, on the devnet, how to get jobs onto it. */
function EmptyMarket({ status }: { status: MarketStatus }) {
  const online = status.chain.state === 'online';
  return (
    <div className={styles.empty} data-testid="market-empty" data-online={online}>
      {!online ? (
        <p className="strong">Not connected to the chain: jobs appear here once it is online.</p>
      ) : status.indexer.syncing ? (
        <p className="strong">Reading the market’s history… jobs appear here as they are found.</p>
      ) : status.chain.isDevnet ? (
        <>
          <p className="strong">No jobs on the market yet.</p>
          <p className="muted">
            On the local devnet, run <code>npm run devnet -- --demo</code> to post demo jobs, or post your own with{' '}
            <code>rigshift market post job.json --max-price 0.50 --max-hours 1</code>.
          </p>
        </>
      ) : (
        <>
          <p className="strong">No open jobs on {status.chain.label ?? 'this network'} right now.</p>
          <p className="muted">New jobs show up here as soon as they are posted; RigShift claims those that fit.</p>
        </>
      )}
    </div>
  );
}
