/**
 * The provider's side of one market job as an explicit state machine: one table of
 * (state × event → next state + effects). Everything else is derived from the table:
 * which states are terminal (no way out), which still need this provider (active), which
 * hold a device (a run may still start or is going on) and which keep this machine busy
 * (the results are not yet committed on chain).
 *
 * The agent (electron/agent/market/market-provider.ts) applies an event by looking up its
 * transition here, persisting the new record, and only then running the effects named in
 * the row: a crash between the two leaves a record that says what was about to happen, and
 * the restart reconciles it with the chain before sending anything.
 *
 *   seen ─claim─► claiming ─claim-confirmed─► claimed ─run-started─► running ─run-completed─► uploading
 *                     │ claim-failed / claim-lost     ▲  run-interrupted │                 │ submit-confirmed
 *                     ▼                               └──────────────────┘                 ▼
 *          failed-to-claim / lost-to-other                                             submitted ─settled─► settled
 *   (any active state) ─reopened / released─► released      ─refunded─► refunded
 */
import type { ProviderJobState } from './market';

/** Things that happen to a job: the provider's own steps and what the chain says. */
export type ProviderJobEvent =
  /** We send a claim for an open job. */
  | 'claim'
  /** The claim is mined, or the chain says the job is claimed by us (reconcile). */
  | 'claim-confirmed'
  /** The claim reverted or could not be sent, and the job is still open. */
  | 'claim-failed'
  /** Another provider holds the job. */
  | 'claim-lost'
  /** The container started. */
  | 'run-started'
  /** The run finished with results. */
  | 'run-completed'
  /** The run stopped without results (preempted, agent restarted mid-run): run again while time allows. */
  | 'run-interrupted'
  /** The commitment is on chain (our submit mined, or the chain says so after a restart). */
  | 'submit-confirmed'
  /** The job was handed back (our release mined, or the chain shows it reopened). */
  | 'released'
  /** Paid: accepted by the requester or finalized after the challenge window. */
  | 'settled'
  /** The requester took the escrow back after runBy. */
  | 'refunded';

/** What the provider does right after a transition has been persisted. */
export type ProviderJobEffect =
  | 'send-claim'
  | 'start-run'
  /** Deliver the results (upload with backoff), then send the submit (or submit undelivered before runBy). */
  | 'deliver-and-submit'
  /** Wait for the challenge window, then finalize unless the requester accepted. */
  | 'finalize-when-due'
  /** Start the results' retention clock (removed after the retention period). */
  | 'schedule-results-removal';

export interface ProviderTransition {
  to: ProviderJobState;
  effects: readonly ProviderJobEffect[];
}

const to = (state: ProviderJobState, ...effects: ProviderJobEffect[]): ProviderTransition => ({ to: state, effects });

/** Ends that apply to every job we hold, whatever step it is at: the chain's word is final. */
const CHAIN_ENDS = {
  released: to('released', 'schedule-results-removal'),
  settled: to('settled', 'schedule-results-removal'),
  refunded: to('refunded', 'schedule-results-removal'),
} as const;

/**
 * The table. A (state, event) pair that is not listed is not a transition: the event is
 * ignored (and logged), so a late or repeated event can never move a job backwards.
 */
export const PROVIDER_JOB_TRANSITIONS: Readonly<Record<ProviderJobState, Readonly<Partial<Record<ProviderJobEvent, ProviderTransition>>>>> = {
  seen: { claim: to('claiming', 'send-claim') },
  claiming: {
    'claim-confirmed': to('claimed', 'start-run'),
    'claim-failed': to('failed-to-claim'),
    'claim-lost': to('lost-to-other'),
    // Found after a restart already further on chain than our record knew.
    'submit-confirmed': to('submitted', 'finalize-when-due'),
    ...CHAIN_ENDS,
  },
  claimed: {
    'run-started': to('running'),
    'submit-confirmed': to('submitted', 'finalize-when-due'),
    ...CHAIN_ENDS,
  },
  running: {
    'run-completed': to('uploading', 'deliver-and-submit'),
    'run-interrupted': to('claimed', 'start-run'),
    'submit-confirmed': to('submitted', 'finalize-when-due'),
    ...CHAIN_ENDS,
  },
  uploading: {
    'submit-confirmed': to('submitted', 'finalize-when-due'),
    ...CHAIN_ENDS,
  },
  submitted: {
    settled: to('settled', 'schedule-results-removal'),
    refunded: to('refunded', 'schedule-results-removal'),
    // A submitted job reopens only if the contract says so (never today); the chain is the judge.
    released: to('released', 'schedule-results-removal'),
  },
  settled: {},
  released: {},
  refunded: {},
  'failed-to-claim': {},
  'lost-to-other': {},
};

export const PROVIDER_JOB_STATES = Object.keys(PROVIDER_JOB_TRANSITIONS) as ProviderJobState[];

/** The transition for `event` in `state`, or null when the table has none. */
export function transitionFor(state: ProviderJobState, event: ProviderJobEvent): ProviderTransition | null {
  return PROVIDER_JOB_TRANSITIONS[state][event] ?? null;
}

const successors = (state: ProviderJobState) => Object.values(PROVIDER_JOB_TRANSITIONS[state]).map((t) => t!.to);

/** States reachable from `from` (itself included). */
function reachable(from: ProviderJobState): Set<ProviderJobState> {
  const seen = new Set<ProviderJobState>([from]);
  const queue = [from];
  while (queue.length > 0) {
    for (const next of successors(queue.shift()!)) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}

/** No transition leads out: the job is over for this provider. */
export const TERMINAL_PROVIDER_STATES: ReadonlySet<ProviderJobState> = new Set(PROVIDER_JOB_STATES.filter((s) => successors(s).length === 0));

/** The entry state (nothing sent yet): not active. */
const INITIAL: ProviderJobState = 'seen';

/** States in which the job still needs this provider: a chain transaction, a run or an upload. */
export const ACTIVE_PROVIDER_STATE_SET: ReadonlySet<ProviderJobState> = new Set(
  PROVIDER_JOB_STATES.filter((s) => s !== INITIAL && !TERMINAL_PROVIDER_STATES.has(s)),
);

/** Active states from which the results can still be committed (submit-confirmed is ahead): work is in flight on this machine. */
export const BUSY_PROVIDER_STATE_SET: ReadonlySet<ProviderJobState> = new Set(
  [...ACTIVE_PROVIDER_STATE_SET].filter((s) => Object.keys(PROVIDER_JOB_TRANSITIONS[s]).includes('submit-confirmed')),
);

/** Active states from which a run can still start or is going on: the job holds its device. */
export const DEVICE_HOLDING_STATE_SET: ReadonlySet<ProviderJobState> = new Set(
  [...ACTIVE_PROVIDER_STATE_SET].filter((s) => [...reachable(s)].some((r) => PROVIDER_JOB_TRANSITIONS[r]['run-completed'] !== undefined)),
);

export const isTerminal = (state: ProviderJobState): boolean => TERMINAL_PROVIDER_STATES.has(state);
export const isActive = (state: ProviderJobState): boolean => ACTIVE_PROVIDER_STATE_SET.has(state);
/** The agent has work in flight for this job on this machine (an update must not install now). */
export const isBusy = (state: ProviderJobState): boolean => BUSY_PROVIDER_STATE_SET.has(state);
export const holdsDevice = (state: ProviderJobState): boolean => DEVICE_HOLDING_STATE_SET.has(state);

/** The table as rows (state, event, next, effects), for docs and tests. */
export function transitionRows(): Array<{ from: ProviderJobState; event: ProviderJobEvent; to: ProviderJobState; effects: readonly ProviderJobEffect[] }> {
  return PROVIDER_JOB_STATES.flatMap((from) =>
    Object.entries(PROVIDER_JOB_TRANSITIONS[from]).map(([event, t]) => ({ from, event: event as ProviderJobEvent, to: t!.to, effects: t!.effects })),
  );
}
