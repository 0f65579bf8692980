/**
 * Reconciling a job with the chain: read the job's on-chain state (and, for transactions
 * sent before a restart, our mined nonce) and move the record to what the chain says,
 * through the state machine's events. Run before anything is sent after a (re)load.
 */
import { AgentError } from '../../../shared/api/result';
import { addRestart, formatSeconds } from '../../../shared/domain/job-restarts';
import type { MarketTx, ProviderJob } from '../../../shared/domain/market';
import type { ProviderJobEvent } from '../../../shared/domain/provider-job-machine';
import type { ProviderContext } from './market-provider';
import type { ProviderExtra, ProviderJobEntry } from './provider-job-entry';

type Patch = Partial<Omit<ProviderJob, 'state'>>;

export interface ReconcileCore {
  need: () => ProviderContext;
  annotate: (entry: ProviderJobEntry, patch: Patch, extra?: Partial<ProviderExtra>) => Promise<void>;
  fire: (entry: ProviderJobEntry, event: ProviderJobEvent, patch?: Patch, extra?: Partial<ProviderExtra>) => Promise<boolean>;
  /** Sent, not mined yet, not given up on. */
  stillInFlight: (tx: MarketTx, mined: number) => boolean;
  /** A local run of the job is going on in this process. */
  running: (id: string) => boolean;
  nowIso: () => string;
}

export function createReconcile(core: ReconcileCore) {
  const { need, annotate, fire, stillInFlight, nowIso } = core;
  /** Re-reads the job on chain and moves the record to what the chain says. */
  return async (entry: ProviderJobEntry): Promise<void> => {
    const ctx = need();
    const id = entry.record.chainJobId;
    // Without our address every job would look like someone else's.
    if (!ctx.me) throw new AgentError('no_wallet', 'There is no wallet address to reconcile with.');
    const chainJob = await ctx.chain.readJob(id);
    const ours = chainJob.provider.toLowerCase() === ctx.me;
    const { state } = entry.record;
    // Transactions sent before a crash: mined since (settled by what the chain shows), or still in flight.
    const pending = entry.record.txs.filter((t) => t.status === 'pending' && t.nonce !== undefined);
    let inFlight: MarketTx[] = [];
    if (pending.length > 0) {
      const mined = await ctx.chain.minedNonce();
      inFlight = pending.filter((t) => stillInFlight(t, mined));
      const done = pending.filter((t) => !inFlight.includes(t));
      if (done.length > 0) {
        const shows = (kind: MarketTx['kind']) =>
          (kind === 'claim' && ours) || (kind === 'submit' && ours && chainJob.state !== 'Claimed') || (kind === 'release' && !ours) || (kind === 'finalize' && chainJob.state === 'Settled');
        await annotate(entry, { txs: entry.record.txs.map((t) => (done.includes(t) ? { ...t, status: shows(t.kind) ? ('confirmed' as const) : ('failed' as const) } : t)) });
      }
    }
    if (chainJob.state === 'Claimed' && ours) {
      if (state === 'claiming') {
        await fire(entry, 'claim-confirmed', { attempt: chainJob.attempt, claimedAt: entry.record.claimedAt ?? nowIso(), message: 'Claimed' }, { claimedAtChain: chainJob.claimedAt, runBy: chainJob.runBy });
      } else if (state === 'running' && !core.running(id)) {
        // The run is gone with the old process: it starts from the beginning, and says so.
        const lost = entry.record.runStartedAt ? (Date.parse(nowIso()) - Date.parse(entry.record.runStartedAt)) / 1000 : 0;
        const restarts = addRestart(entry.record.restarts, lost);
        await fire(
          entry,
          'run-interrupted',
          { restarts, message: `The agent restarted during the run; running it again from the beginning (${formatSeconds(restarts.lostSeconds)} of unpaid work lost so far)` },
          { claimedAtChain: chainJob.claimedAt },
        );
      }
      return;
    }
    if (chainJob.state === 'Submitted' && ours) {
      await fire(entry, 'submit-confirmed', { billedSeconds: chainJob.billedSeconds, submittedAt: entry.record.submittedAt ?? nowIso(), message: 'Submitted; waiting for the requester' }, { submittedAtChain: chainJob.submittedAt });
      return;
    }
    if (state === 'claiming') {
      // Our claim may still be mined: wait for it rather than call the claim failed.
      if (chainJob.state === 'Open' && inFlight.some((t) => t.kind === 'claim')) return;
      if (chainJob.state === 'Open') await fire(entry, 'claim-failed', { closedAt: nowIso(), message: 'The claim did not go through' });
      else await fire(entry, 'claim-lost', { closedAt: nowIso(), message: 'Another provider claimed it first' });
      return;
    }
    // Settled, refunded or reopened after our claim: the book's events carry the amounts.
    if (chainJob.state === 'Settled') await fire(entry, 'settled', { closedAt: nowIso(), message: 'Settled' });
    else if (chainJob.state === 'Refunded') await fire(entry, 'refunded', { closedAt: nowIso(), message: 'Refunded to the requester' });
    else if (chainJob.state === 'Open' || (chainJob.state === 'Claimed' && !ours)) await fire(entry, 'released', { closedAt: nowIso(), message: 'Released; the job reopened for others' });
  };
}
