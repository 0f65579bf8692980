/**
 * The one rule every way of stopping work follows (the dashboard's pause, the tray's pause,
 * every quit path of the desktop app, Ctrl-C in headless): a non-preemptible job pays only
 * when it completes, so stopping it throws its unpaid work away; that is never done without
 * asking (finish it first, or stop now and lose it). A preemptible job is released either
 * way and paid for the time it ran, so it needs no question.
 */
import type { JobRecord } from './job';

/** The running jobs a stop now would throw away the unpaid work of. */
export function jobsLostByStopping(active: readonly JobRecord[]): JobRecord[] {
  return active.filter((job) => !job.preemptible && job.state !== 'finished');
}

export type StopAction = 'pause' | 'quit';

/** How the question reads wherever it is asked (a native dialog, the terminal). */
export function stopQuestion(action: StopAction, jobs: readonly Pick<JobRecord, 'name'>[]): { message: string; detail: string; finish: string; stopNow: string } {
  const which = jobs.length === 1 ? `The job "${jobs[0]!.name}" is` : `${jobs.length} jobs are`;
  const verb = action === 'pause' ? 'Pause' : 'Quit';
  return {
    message: `${which} not preemptible`,
    detail:
      `It pays only when it completes. ${verb === 'Pause' ? 'Pausing' : 'Quitting'} now stops it and its unpaid work is lost. ` +
      'Nothing new is claimed while it finishes.',
    finish: action === 'pause' ? 'Let it finish, then pause' : 'Let it finish, then quit',
    stopNow: `${verb} now and lose its unpaid work`,
  };
}
