/**
 * A job that is not preemptible cannot be handed back: when a game (or the agent
 * restarting) stops it, it runs again from the beginning. That costs the owner the run
 * time already spent, unpaid, so the job says so: how often it restarted and the time lost.
 */
export interface JobRestarts {
  count: number;
  lostSeconds: number;
}

export function addRestart(previous: JobRestarts | undefined, lostSeconds: number): JobRestarts {
  return { count: (previous?.count ?? 0) + 1, lostSeconds: (previous?.lostSeconds ?? 0) + Math.max(0, Math.round(lostSeconds)) };
}

/** "47 s", "3 min 05 s", "1 h 02 min". */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** The note shown on the job. */
export function restartNote(restarts: JobRestarts): string {
  const times = restarts.count === 1 ? 'once' : `${restarts.count} times`;
  return `Restarted from the beginning ${times} (not preemptible): ${formatSeconds(restarts.lostSeconds)} of unpaid work lost.`;
}
