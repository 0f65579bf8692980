import type { AgentEvent } from '../../shared/api/contract';
import type { BenchmarkResult } from '../../shared/domain/benchmark';
import type { Snapshot } from '../../shared/domain/snapshot';

/**
 * Folds one pushed event into the snapshot. Pure, and safe to apply twice: events that
 * raced with a snapshot request are replayed on top of the fresh snapshot.
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
  }
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
