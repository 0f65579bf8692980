/**
 * The desktop app's ways of stopping work: the tray's pause items and every quit path
 * (the tray's Quit, Cmd-Q, the last window closed without a tray, the OS asking the app to
 * quit all arrive as one `before-quit`). They follow the dashboard's rule
 * (shared/domain/stopping-jobs.ts): a non-preemptible job's unpaid work is never thrown away
 * without asking. Finishing first pauses renting (nothing new is claimed), waits until the
 * job's result is handed in, puts the owner's own pause back and then quits; a second quit
 * meanwhile stops at once, as a second Ctrl-C does in headless. Electron stays behind `ask`
 * (a native dialog in electron-adapters.ts), so this is unit-tested with a fake.
 */
import type { Result } from '../../shared/api/result';
import type { ManualPause } from '../../shared/domain/controls';
import { jobsLostByStopping, type StopAction } from '../../shared/domain/stopping-jobs';
import type { JobRecord } from '../../shared/domain/job';
import type { ShellAgent } from './agent-watch';

export type StopChoice = 'finish-first' | 'stop-now' | 'cancel';

export interface StopGuardDeps {
  agent: ShellAgent;
  /** Asks the owner; resolves with their choice (closing the question is 'cancel'). */
  ask(action: StopAction, jobs: readonly JobRecord[]): Promise<StopChoice>;
  /** Resolves once these jobs have ended and their results are handed in. */
  untilDelivered(jobIds: readonly string[]): Promise<void>;
  /** Says what is happening while a job finishes before the app quits. */
  notify(message: string): void;
}

export interface StopGuard {
  /** Pauses renting, asking first when a job would lose its unpaid work; null when the owner cancelled. */
  pause(duration: 'hour' | 'tomorrow' | 'indefinite'): Promise<Result<unknown> | null>;
  /** Whether the app may quit now (after asking, and after a job the owner let finish). */
  mayQuit(): Promise<boolean>;
}

export function createStopGuard(deps: StopGuardDeps): StopGuard {
  const { agent } = deps;
  /** Set while the app waits for a job to finish before it quits. */
  let finishing: { stopNow(): void } | null = null;

  const finishThenQuit = async (jobs: readonly JobRecord[]): Promise<boolean> => {
    const before: ManualPause = agent.snapshot().settings.controls.pause;
    const paused = await agent.call('pauseRenting', { duration: 'indefinite', finishRunningJob: true });
    if (!paused.ok) return false;
    deps.notify(`RigShift quits when ${jobs.length === 1 ? `"${jobs[0]!.name}" has` : `${jobs.length} jobs have`} finished. Quit again to stop now.`);
    let stopNow = () => undefined as void;
    const stopped = new Promise<void>((resolve) => (stopNow = resolve));
    finishing = { stopNow };
    try {
      await Promise.race([deps.untilDelivered(agent.snapshot().jobs.active.map((job) => job.id)), stopped]);
    } finally {
      finishing = null;
    }
    // The pause was only for quitting: the next start keeps the owner's own choice.
    await agent.call('updateSettings', { patch: { controls: { pause: before } } });
    return true;
  };

  return {
    async pause(duration) {
      const jobs = jobsLostByStopping(agent.snapshot().jobs.active);
      if (jobs.length === 0) return agent.call('pauseRenting', { duration });
      const choice = await deps.ask('pause', jobs);
      if (choice === 'cancel') return null;
      return agent.call('pauseRenting', choice === 'finish-first' ? { duration, finishRunningJob: true } : { duration });
    },
    async mayQuit() {
      if (finishing) {
        // The second quit while a job finishes: stop now.
        finishing.stopNow();
        return false;
      }
      const jobs = jobsLostByStopping(agent.snapshot().jobs.active);
      if (jobs.length === 0) return true;
      const choice = await deps.ask('quit', jobs);
      if (choice === 'cancel') return false;
      if (choice === 'stop-now') return true;
      return finishThenQuit(jobs);
    },
  };
}
