import type { AgentEvent } from '../../shared/api/contract';
import type { BenchmarkResult } from '../../shared/domain/benchmark';
import type { JobProgress, JobRecord } from '../../shared/domain/job';
import type { Snapshot } from '../../shared/domain/snapshot';

/**
 * Folds one pushed event into the snapshot (the `snapshot` query's fold, live-events.ts).
 * Pure, and safe to apply twice: events that raced with a snapshot request are replayed on
 * top of the fresh snapshot (lib/query/follow.ts).
 */
export function applyEvent(snapshot: Snapshot, event: AgentEvent): Snapshot {
  switch (event.name) {
    case 'detection':
      return { ...snapshot, detection: event.payload };
    case 'detecting':
      return { ...snapshot, detecting: event.payload.detecting };
    case 'checks':
      return {
        ...snapshot,
        // A "running" event carries the previous report or null: keep what we show.
        checks: event.payload.report ?? snapshot.checks,
        checksRunning: event.payload.running,
      };
    case 'benchmarkProgress': {
      const { history } = snapshot.benchmark;
      // Progress that arrives after its run finished is stale.
      if (history.some((run) => run.id === event.payload.runId)) return snapshot;
      return { ...snapshot, benchmark: { ...snapshot.benchmark, active: event.payload } };
    }
    case 'benchmarkFinished':
      return { ...snapshot, benchmark: finishRun(snapshot.benchmark, event.payload) };
    case 'settings':
      return { ...snapshot, settings: event.payload };
    case 'availability':
      // Each report is complete (states, readings, recent history): the newest one wins.
      return { ...snapshot, availability: event.payload };
    case 'telemetry':
      // A live stream (up to once a second per GPU) the snapshot does not carry: the same
      // snapshot comes back, so the store notifies nobody and nothing re-renders.
      return snapshot;
    case 'jobStarted': {
      const jobs = startJob(snapshot.jobs, event.payload);
      return jobs === snapshot.jobs ? snapshot : { ...snapshot, jobs };
    }
    case 'jobProgress': {
      const jobs = progressJob(snapshot.jobs, event.payload);
      return jobs === snapshot.jobs ? snapshot : { ...snapshot, jobs };
    }
    case 'jobFinished': {
      const jobs = finishJob(snapshot.jobs, event.payload);
      return jobs === snapshot.jobs ? snapshot : { ...snapshot, jobs };
    }
    case 'jobLog':
    case 'walletState':
    case 'walletTx':
    case 'walletUnlockProgress':
    case 'walletIncoming':
    case 'chainStatus':
    case 'marketStatus':
    case 'marketJob':
    case 'marketJobs':
    case 'ledgerUpdated':
    case 'marketPricesUpdated':
      // Not part of the snapshot: their own queries fold them (lib/query/live-events.ts).
      return snapshot;
  }
}

/**
 * A running job's new state. Only `state` lives in the snapshot: the label and fraction
 * change often and are read by the job's own label (use-job-progress.ts), so a progress
 * that keeps the state returns the same object and re-renders nothing. Progress for a
 * job the snapshot does not list adds nothing: the next snapshot or its jobFinished will.
 */
function progressJob(jobs: Snapshot['jobs'], progress: JobProgress): Snapshot['jobs'] {
  const index = jobs.active.findIndex((job) => job.id === progress.jobId);
  const current = jobs.active[index];
  if (!current || current.state === progress.state) return jobs;
  const active = jobs.active.slice();
  active[index] = { ...current, state: progress.state };
  return { ...jobs, active };
}

/**
 * A new job goes into `active`, or replaces the listed record (the container started: the
 * runtime is known now). A job already in history has ended: a late start changes nothing.
 */
function startJob(jobs: Snapshot['jobs'], record: JobRecord): Snapshot['jobs'] {
  if (jobs.history.some((job) => job.id === record.id)) return jobs;
  const index = jobs.active.findIndex((job) => job.id === record.id);
  if (index < 0) return { ...jobs, active: [...jobs.active, record] };
  const current = jobs.active[index]!;
  // Progress may already have moved the listed job on; never step it back.
  if (current.runtime !== null && record.runtime === null) return jobs;
  const active = jobs.active.slice();
  active[index] = { ...record, state: ORDER.indexOf(current.state) > ORDER.indexOf(record.state) ? current.state : record.state };
  return { ...jobs, active };
}

const ORDER: readonly JobRecord['state'][] = ['preparing', 'pulling', 'running', 'collecting', 'finished'];

/** A finished job leaves `active` and goes first in history, once (replays are no-ops). */
function finishJob(jobs: Snapshot['jobs'], record: JobRecord): Snapshot['jobs'] {
  const active = jobs.active.some((job) => job.id === record.id)
    ? jobs.active.filter((job) => job.id !== record.id)
    : jobs.active;
  if (jobs.history.some((job) => job.id === record.id)) {
    return active === jobs.active ? jobs : { ...jobs, active };
  }
  return { active, history: [record, ...jobs.history] };
}

function finishRun(benchmark: Snapshot['benchmark'], result: BenchmarkResult): Snapshot['benchmark'] {
  const known = benchmark.history.some((run) => run.id === result.id);
  if (known) {
    const active = benchmark.active?.runId === result.id ? null : benchmark.active;
    return active === benchmark.active ? benchmark : { ...benchmark, active };
  }
  // One run at a time: a new result ends whatever run was shown as active.
  return { active: null, history: [result, ...benchmark.history] };
}
