import type { AgentEvent } from '../../../shared/api/contract';
import type { Snapshot } from '../../../shared/domain/snapshot';

/** What waiting for jobs needs of the agent (the headless agent, the desktop shell's view of it). */
export interface DeliveryWatch {
  snapshot(): Pick<Snapshot, 'jobs'>;
  onEvent(listener: (event: AgentEvent) => void): () => void;
}

/** A market job still needs us in these states: its result is not on chain yet. */
const DELIVERING = new Set(['claiming', 'claimed', 'running', 'uploading']);
/** How long a finished job waits for the market to say it is one of its own. */
const MARKET_FOLLOW_MS = 2_000;

/**
 * Resolves once every job in `jobIds` has ended and, for a market job, its result is
 * submitted (or the job released): stopping between the run and the submission would lose
 * the payment just the same.
 */
export function untilDelivered(agent: DeliveryWatch, jobIds: readonly string[]): Promise<void> {
  const finishedAt = new Map<string, number>();
  const marketState = new Map<string, string>();
  return new Promise((resolve) => {
    const check = () => {
      const active = new Set(agent.snapshot().jobs.active.map((job) => job.id));
      const now = Date.now();
      for (const id of jobIds) if (!active.has(id) && !finishedAt.has(id)) finishedAt.set(id, now);
      const done = jobIds.every((id) => {
        const ended = finishedAt.get(id);
        if (ended === undefined) return false;
        const state = marketState.get(id);
        return state === undefined ? now - ended >= MARKET_FOLLOW_MS : !DELIVERING.has(state);
      });
      if (!done) return;
      off();
      clearInterval(timer);
      resolve();
    };
    const off = agent.onEvent((event) => {
      if (event.name === 'marketJob' && event.payload.localJobId) marketState.set(event.payload.localJobId, event.payload.state);
      if (event.name === 'marketJob' || event.name === 'jobFinished') check();
    });
    const timer = setInterval(check, 250);
    check();
  });
}
