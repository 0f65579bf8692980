import { type JobRestarts, restartNote } from '../../../shared/domain/job-restarts';

interface Props {
  restarts: JobRestarts;
  testId: string;
  /** A notice paragraph (details) rather than a line in a table cell. */
  block?: boolean;
}

/** A non-preemptible job that ran again from the beginning says so: the Market row and detail, the Jobs page. */
export function RestartNote({ restarts, testId, block = false }: Props) {
  return block ? (
    <p className="notice small" role="note" data-testid={testId}>
      {restartNote(restarts)}
    </p>
  ) : (
    <span className="small" role="note" data-testid={testId}>
      {restartNote(restarts)}
    </span>
  );
}
