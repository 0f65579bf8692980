/**
 * Which agent events become desktop notifications, as one pure function:
 * `notificationFor(event, state)` returns the notification (or null) and the next state.
 * The state remembers what was already said, so a problem is announced once when it
 * appears (not on every checks run) and a job is "won" once, not on every update.
 * Muting is applied here too, so the test of the mapping covers it.
 */
import { NotificationKindSchema, type NotificationKind } from '../../shared/domain/desktop';
import { formatMicros } from '../../shared/domain/price-floor';
import type { DesktopNotification } from './desktop-ports';

/** Any agent event; payloads are read defensively (other features own their shapes). */
export interface LooseEvent {
  name: string;
  payload: unknown;
}

export interface NotificationState {
  /** Last provider state per chain job id. */
  jobs: Readonly<Record<string, string>>;
  /** Problems currently announced (cleared when they go away, so a relapse is announced again). */
  problems: readonly NotificationKind[];
  /** Payout transactions already announced. */
  payouts: readonly string[];
}

export const initialNotificationState: NotificationState = { jobs: {}, problems: [], payouts: [] };

export interface NotificationDecision {
  notification: (DesktopNotification & { kind: NotificationKind; route: string }) | null;
  state: NotificationState;
}

type Notified = NonNullable<NotificationDecision['notification']>;

const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const usd = (micros: bigint): string => `${formatMicros(micros, { minDecimals: 2, maxDecimals: 6 })} USD`;
const microsOf = (value: unknown): bigint | null => (typeof value === 'string' && /^[0-9]{1,78}$/.test(value) ? BigInt(value) : null);

/** States in which a claimed job is ours to run: the first of them is "won". */
const WON_STATES = new Set(['claimed', 'running', 'uploading', 'submitted']);

/** A job that closed longer ago than this is history being replayed (an agent restart), not news. */
const FRESH_MS = 15 * 60_000;

function fromMarketJob(payload: unknown, state: NotificationState, now: Date): { notification: Notified | null; state: NotificationState } {
  const job = record(payload);
  const id = text(job.chainJobId);
  const current = text(job.state);
  if (!id || !current) return { notification: null, state };
  const before = state.jobs[id];
  const next = { ...state, jobs: { ...state.jobs, [id]: current } };
  if (before === current) return { notification: null, state: next };
  if (current === 'claimed' && (before === undefined || !WON_STATES.has(before))) {
    const ask = microsOf(job.askMicrosPerHour);
    return {
      state: next,
      notification: {
        kind: 'job-won',
        title: `Job #${id} won`,
        body: ask === null ? 'It starts on your GPU now.' : `It starts on your GPU now, at ${usd(ask)} per hour.`,
        route: '#/market',
      },
    };
  }
  const closedAt = Date.parse(text(job.closedAt) ?? '');
  const fresh = Number.isFinite(closedAt) && now.getTime() - closedAt < FRESH_MS;
  if ((current === 'settled' || current === 'released') && before !== 'settled' && before !== 'released' && fresh) {
    // grossMicros is what the job paid; the market fee (feeMicros) is taken from it.
    const gross = microsOf(job.grossMicros);
    const fee = microsOf(job.feeMicros) ?? 0n;
    const earned = gross === null ? null : gross - fee;
    const how = current === 'released' ? 'given back early, paid for the time it ran' : 'finished';
    return {
      state: next,
      notification: {
        kind: 'job-finished',
        title: earned === null ? `Job #${id} ${how}` : `Job #${id} ${how}: ${usd(earned)} earned`,
        body: 'The payment is credited to you on the market contract.',
        route: '#/earnings',
      },
    };
  }
  return { notification: null, state: next };
}

/** A problem is announced when it appears; its disappearance only clears the memory. */
function problemChange(
  state: NotificationState,
  kind: NotificationKind,
  present: boolean,
  message: () => Omit<Notified, 'kind'>,
): { notification: Notified | null; state: NotificationState } {
  const known = state.problems.includes(kind);
  if (present === known) return { notification: null, state };
  const problems = present ? [...state.problems, kind] : state.problems.filter((k) => k !== kind);
  return { notification: present ? { kind, ...message() } : null, state: { ...state, problems } };
}

function fromChecks(payload: unknown, state: NotificationState): { notification: Notified | null; state: NotificationState } {
  const report = record(record(payload).report);
  if (!Array.isArray(report.checks)) return { notification: null, state };
  const failed = (ids: string[]) =>
    (report.checks as unknown[]).map(record).find((c) => ids.includes(String(c.id)) && c.state === 'fail');
  const driver = failed(['nvidia-driver', 'nvidia-smi']);
  const docker = failed(['docker-engine']);
  const first = problemChange(state, 'driver', Boolean(driver), () => ({
    title: 'The NVIDIA driver needs attention',
    body: `${text(driver?.summary) ?? 'The driver check failed'}. GPU renting is paused until it is fixed.`,
    route: '#/setup/checks',
  }));
  const second = problemChange(first.state, 'docker', Boolean(docker), () => ({
    title: 'Docker needs attention',
    body: `${text(docker?.summary) ?? 'Docker is not reachable'}. No job can run until it is fixed.`,
    route: '#/setup/checks',
  }));
  // Both at once (Docker Desktop down on Windows takes the GPU path with it): one
  // notification, the driver first; both are remembered.
  return { notification: first.notification ?? second.notification, state: second.state };
}

function fromMarketStatus(payload: unknown, state: NotificationState): { notification: Notified | null; state: NotificationState } {
  const blocks = Array.isArray(record(payload).blocks) ? (record(payload).blocks as unknown[]).map(record) : [];
  const noGas = blocks.find((b) => b.code === 'no-gas');
  return problemChange(state, 'low-gas', Boolean(noGas), () => ({
    title: 'The wallet is low on gas',
    body: `${text(noGas?.message) ?? 'The wallet cannot pay for transactions'}. Add ETH so RigShift can claim jobs and get paid.`,
    route: '#/wallet',
  }));
}

/**
 * A payout: a confirmed withdrawal of earnings or a sweep to the owner's payout address.
 * Read from the wallet's transaction events (`walletTx`: {kind, status, hash, token?}).
 */
function fromTransaction(payload: unknown, state: NotificationState): { notification: Notified | null; state: NotificationState } {
  const tx = record(payload);
  const kind = text(tx.kind);
  const hash = text(tx.hash);
  if ((kind !== 'withdraw' && kind !== 'sweep') || tx.status !== 'confirmed' || !hash) return { notification: null, state };
  if (state.payouts.includes(hash)) return { notification: null, state };
  // A sweep carries its token amount; a withdrawal's amount is in the contract's event
  // (not in the transaction), so it may be missing.
  const amount = microsOf(tx.amountMicros) ?? microsOf(record(tx.token).amount);
  const payouts = [...state.payouts, hash].slice(-50);
  return {
    state: { ...state, payouts },
    notification: {
      kind: 'payout',
      title: amount === null ? 'Payout sent' : `Payout: ${usd(amount)}`,
      body: kind === 'withdraw' ? 'Your earnings were withdrawn into your RigShift wallet.' : 'Your earnings were sent to your payout address.',
      route: '#/wallet',
    },
  };
}

/** Event names whose payload is one wallet/ledger transaction (see fromTransaction). */
export const TRANSACTION_EVENTS: readonly string[] = ['walletTx'];

export interface NotificationOptions {
  /** settings.desktop.mutedNotifications */
  muted: readonly string[];
  now: Date;
}

export function notificationFor(event: LooseEvent, state: NotificationState, options: NotificationOptions): NotificationDecision {
  const { muted, now } = options;
  let decision: { notification: Notified | null; state: NotificationState };
  if (event.name === 'marketJob') decision = fromMarketJob(event.payload, state, now);
  else if (event.name === 'checks') decision = fromChecks(event.payload, state);
  else if (event.name === 'marketStatus') decision = fromMarketStatus(event.payload, state);
  else if (TRANSACTION_EVENTS.includes(event.name)) decision = fromTransaction(event.payload, state);
  else return { notification: null, state };
  // Muted kinds still update the state: unmuting later does not replay old news.
  if (decision.notification && muted.includes(decision.notification.kind)) return { notification: null, state: decision.state };
  return decision;
}

export const isNotificationKind = (value: string): value is NotificationKind => NotificationKindSchema.safeParse(value).success;
