import { AgentError } from '../../../shared/api/result';

/**
 * A benchmark beside a rented job measures a busy machine (issue 13: 15.9 instead of 40
 * GFLOP/s on the same CPU), and its result would become the reference for the suggested
 * price. Refused while any job runs.
 */
export function refuseBenchmarkBesideJobs(runningJobs: number): void {
  if (runningJobs === 0) return;
  throw new AgentError(
    'job_running',
    'A job is running on this PC: a benchmark now would measure a busy machine, and its figures would suggest a wrong price.',
    'Run it when no job runs: wait for the job to finish, or pause renting first.',
  );
}
