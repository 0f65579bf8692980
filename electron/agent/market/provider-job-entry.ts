/**
 * One provider job as the provider keeps it: the public record (shared/domain/market.ts),
 * what it keeps beside it (not sent to the UI), and the spec to run.
 */
import type { JobOutputFile, JobSpec } from '../../../shared/domain/job';
import type { ProviderJob } from '../../../shared/domain/market';
import type { BookJob } from './market-book';

export interface ProviderExtra {
  uploadUrl: string | null;
  uploaded: boolean;
  claimedAtChain: number | null;
  submittedAtChain: number | null;
  runBy: number;
  outputs?: JobOutputFile[];
  runSeconds?: number;
  /** We stopped trying (reported to the owner); the chain will refund it after runBy. */
  gaveUp?: boolean;
  /** The owner asked to give the job back. */
  releaseRequested?: boolean;
  /** Every local run of this job (a non-preemptible job may run again after an interruption): all their folders go at retention. */
  localJobIds?: string[];
  /** Runs started again after a machine fault (the engine went away mid-run): bounded. */
  machineReruns?: number;
  /** Unix ms before which the run is not started again (after a machine fault). */
  nextRunAt?: number;
  uploadAttempts?: number;
  uploadBytesSent?: number;
  /** Unix ms before which the upload is not retried. */
  nextUploadAt?: number;
  /** The upload cannot succeed by retrying (refused host). */
  uploadPermanent?: boolean;
}

export interface ProviderJobEntry {
  record: ProviderJob;
  extra: ProviderExtra;
  spec: JobSpec | null;
}

/** Read-only view handed to other modules. */
export type ProviderJobView = Readonly<{ record: Readonly<ProviderJob>; extra: Readonly<ProviderExtra>; spec: JobSpec | null }>;

export interface UploadRequest {
  url: string;
  localJobId: string;
  outputs: readonly JobOutputFile[];
  isLocal: boolean;
}


/** A fresh record for a job we claim (or find on chain as ours). */
export function newProviderRecord(input: {
  book: BookJob;
  chainId: number;
  marketAddress: string;
  ask: bigint;
  deviceId: string | null;
  state: ProviderJob['state'];
  message: string;
  now: Date;
}): ProviderJob {
  const { book } = input;
  return {
    chainJobId: book.id,
    chainId: input.chainId,
    marketAddress: input.marketAddress,
    state: input.state,
    requester: book.requester,
    askMicrosPerHour: input.ask.toString(),
    maxDurationSeconds: book.maxDurationSeconds,
    preemptible: book.preemptible,
    attempt: book.attempt > 0 && input.state !== 'claiming' && input.state !== 'seen' ? book.attempt : null,
    billedSeconds: null,
    deviceId: input.deviceId,
    localJobId: null,
    claimedAt: null,
    runStartedAt: null,
    runEndedAt: null,
    submittedAt: null,
    closedAt: null,
    grossMicros: null,
    feeMicros: null,
    resultUri: null,
    outputsDigest: null,
    message: input.message,
    problem: null,
    txs: [],
    updatedAt: input.now.toISOString(),
  };
}
