import { Fragment, useState } from 'react';
import type { JobRecord } from '../../../shared/domain/job';
import { useSnapshot } from '../../app/app-context';
import { Section } from '../../components/Section';
import { formatDateTime } from '../../lib/format';
import { JobDetails } from './JobDetails';
import { formatSpan, jobDeviceLabel, jobDurationMs, reasonView, runtimeView } from './job-view';
import { UntrustedText } from '../../components/UntrustedText';
import { cx } from '../../lib/cx';
import styles from './Jobs.module.css';

const COLUMNS = 8;

export function JobHistory({ history }: { history: JobRecord[] }) {
  const { detection } = useSnapshot();
  const [openIds, setOpenIds] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string) =>
    setOpenIds((open) => {
      const next = new Set(open);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  return (
    <Section id="job-history" title="History" intro="Jobs that finished on this PC, newest first.">
      {history.length === 0 ? (
        <p className="muted" data-testid="jobs-history" data-count={0}>
          No job has run here yet.
        </p>
      ) : (
        <div className="table-wrap">
          <table className={cx('table', styles.jobHistory)} data-testid="jobs-history" data-count={history.length}>
            <caption className="visually-hidden">Finished jobs</caption>
            <thead>
              <tr>
                <th scope="col">Finished</th>
                <th scope="col">Job</th>
                <th scope="col">Device</th>
                <th scope="col">Result</th>
                <th scope="col" className="num">
                  Ran for
                </th>
                <th scope="col">Runtime</th>
                <th scope="col" className="num">
                  Outputs
                </th>
                <th scope="col">
                  <span className="visually-hidden">Details</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {history.map((job) => {
                const open = openIds.has(job.id);
                const reason = reasonView(job.reason);
                const duration = jobDurationMs(job);
                const detailsId = `job-details-${job.id}`;
                return (
                  <Fragment key={job.id}>
                    <tr
                      className={open ? 'selected' : undefined}
                      data-testid={`history-job-${job.id}`}
                      data-reason={job.reason ?? 'unknown'}
                    >
                      <td className="nowrap">{formatDateTime(job.timings.finishedAt ?? job.timings.createdAt)}</td>
                      <th scope="row">
                        <UntrustedText text={job.name} />
                      </th>
                      <td>{jobDeviceLabel(job.deviceId, detection)}</td>
                      <td>
                        <span className={`badge badge-reason badge-${reason.tone}`}>{reason.label}</span>
                      </td>
                      <td className="num">{duration === null ? '—' : formatSpan(duration)}</td>
                      <td className={styles.jobRuntime}>{runtimeView(job.runtime).short}</td>
                      <td className="num">{job.outputs.length}</td>
                      <td>
                        <button
                          type="button"
                          className="button-small"
                          aria-expanded={open}
                          aria-controls={open ? detailsId : undefined}
                          onClick={() => toggle(job.id)}
                          data-testid={`history-toggle-${job.id}`}
                        >
                          {open ? 'Hide' : 'Details'}
                        </button>
                      </td>
                    </tr>
                    {open ? (
                      <tr className={styles.jobDetailsRow} id={detailsId}>
                        <td colSpan={COLUMNS}>
                          <JobDetails job={job} />
                        </td>
                      </tr>
                    ) : null}
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
