/**
 * Delivering a finished job's results, then committing them on chain: uploads with backoff
 * and jitter (shared/domain/result-delivery.ts) and, whatever the requester's endpoint does,
 * the submit before runBy, so the provider never loses its stake to the requester's failure
 * (results not delivered stay on this computer, and the job says so).
 */
import { AgentError } from '../../../shared/api/result';
import type { JobOutputFile } from '../../../shared/domain/job';
import type { ProviderJob } from '../../../shared/domain/market';
import { outputsDigest } from '../../../shared/domain/market-job';
import type { ProviderJobEvent } from '../../../shared/domain/provider-job-machine';
import { deliveryDecision, retryDelayMs } from '../../../shared/domain/result-delivery';
import type { SentTx } from '../wallet/wallet-access';
import type { MarketProviderDeps, ProviderContext } from './market-provider';
import type { ProviderChain, ProviderTxKind } from './provider-chain';
import type { ProviderExtra, ProviderJobEntry } from './provider-job-entry';

type Patch = Partial<Omit<ProviderJob, 'state'>>;

export interface DeliveryCore {
  deps: MarketProviderDeps;
  random: () => number;
  need: () => ProviderContext;
  annotate: (entry: ProviderJobEntry, patch: Patch, extra?: Partial<ProviderExtra>) => Promise<void>;
  fire: (entry: ProviderJobEntry, event: ProviderJobEvent, patch?: Patch, extra?: Partial<ProviderExtra>) => Promise<boolean>;
  sendTx: (entry: ProviderJobEntry, kind: ProviderTxKind, send: (chain: ProviderChain) => Promise<SentTx>) => Promise<Awaited<ReturnType<SentTx['wait']>>>;
  reconcile: (entry: ProviderJobEntry) => Promise<void>;
  shortError: (error: unknown) => string;
}

export function createDelivery(core: DeliveryCore) {
  const { deps, random, need, annotate, fire, sendTx, reconcile, shortError } = core;
  const { clock } = deps;
  const nowIso = () => clock.now().toISOString();

  /** Upload with backoff; submit once delivered, or undelivered before runBy so the stake is never lost to the requester's endpoint. */
  const deliverAndSubmit = async (entry: ProviderJobEntry) => {
    const ctx = need();
    if (!entry.record.localJobId || !entry.extra.uploadUrl) return;
    // Our submit was mined already (the step failed after it): the chain says what follows.
    if (entry.record.txs.some((t) => t.kind === 'submit' && t.status === 'confirmed')) return reconcile(entry);
    const outputs = entry.extra.outputs ?? [];
    let delivered = entry.extra.uploaded;
    let undeliveredWhy: string | null = null;
    if (!delivered) {
      const archive = safeArchiveBytes(entry.record.localJobId, outputs);
      const decision = deliveryDecision({
        nowMs: clock.now().getTime(),
        chainNow: await ctx.chain.now(),
        runBy: entry.extra.runBy,
        attempts: entry.extra.uploadAttempts ?? 0,
        bytesSent: entry.extra.uploadBytesSent ?? 0,
        archiveBytes: archive,
        nextAttemptAt: entry.extra.nextUploadAt ?? 0,
        permanent: entry.extra.uploadPermanent ?? false,
      });
      if (decision.kind === 'wait') return;
      if (decision.kind === 'upload') {
        const attempts = (entry.extra.uploadAttempts ?? 0) + 1;
        // Counted before sending: a crash mid-upload still counts it.
        await annotate(entry, {}, { uploadAttempts: attempts, uploadBytesSent: (entry.extra.uploadBytesSent ?? 0) + archive });
        try {
          await deps.upload({ url: entry.extra.uploadUrl, localJobId: entry.record.localJobId, outputs, isLocal: ctx.chain.isLocal });
          delivered = true;
          await annotate(entry, { problem: null, message: 'Uploaded; submitting', delivery: 'uploaded' }, { uploaded: true });
        } catch (error) {
          const permanent = error instanceof AgentError && error.code === 'upload_refused';
          const delay = retryDelayMs(attempts, random);
          await annotate(
            entry,
            { problem: `Upload failed (attempt ${attempts}): ${shortError(error)}${permanent ? '' : `; retrying in ${Math.round(delay / 1000)} s`}` },
            { nextUploadAt: clock.now().getTime() + delay, uploadPermanent: permanent },
          );
          if (!permanent) return;
          undeliveredWhy = 'the upload endpoint cannot be used';
        }
      } else {
        undeliveredWhy = decision.why;
      }
    }
    const since = (await ctx.chain.now()) - (entry.extra.claimedAtChain ?? 0);
    const billed = Math.max(1, Math.min(Math.ceil(entry.extra.runSeconds ?? 1), entry.record.maxDurationSeconds, since));
    const digest = outputsDigest(outputs);
    if (!delivered) {
      await annotate(entry, {
        delivery: 'kept-locally',
        message: 'Submitting the results without delivering them',
        problem: `The results could not be delivered (${undeliveredWhy}). The commitment is submitted anyway so your stake is safe; the results are kept on this computer for re-delivery.`,
      });
    }
    const receipt = await sendTx(entry, 'submit', (chain) => chain.submit(entry.record.chainJobId, digest, billed, entry.extra.uploadUrl ?? ''));
    if (receipt.status !== 'confirmed') {
      await annotate(entry, { problem: 'The submit transaction reverted; checking the job on chain.' });
      await reconcile(entry);
      return;
    }
    // Mined: the state moves now even if this read fails (finalize reads it again).
    const submittedAtChain = await ctx.chain.readJob(entry.record.chainJobId).then((j) => j.submittedAt, () => null);
    await fire(
      entry,
      'submit-confirmed',
      {
        billedSeconds: billed,
        outputsDigest: digest,
        resultUri: entry.extra.uploadUrl,
        submittedAt: nowIso(),
        ...(delivered ? { problem: null } : {}),
        message: `Submitted ${billed} s${delivered ? '' : ' (results kept on this computer: the upload failed)'}; waiting for the requester (or ${ctx.constants.challengeWindow} s to finalize)`,
      },
      { submittedAtChain },
    );
  };

  const safeArchiveBytes = (localJobId: string, outputs: readonly JobOutputFile[]) => {
    try {
      return deps.archiveBytes(localJobId, outputs);
    } catch {
      return 0;
    }
  };

  return { deliverAndSubmit };
}
