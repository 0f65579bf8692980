import { sha256, toUtf8Bytes } from 'ethers';
import { z } from 'zod';
import { type JobOutputFile } from './job';

/**
 * What a requester posts on chain: the whole document goes into the JobPosted event (so no
 * spec hosting is needed) and its keccak256 is the job's specHash in storage. The job spec
 * inside is validated separately with validateJobSpec (it gives reasons, not just "no").
 *
 * Money on chain is the stablecoin's smallest unit: 6 decimals, so one unit is one
 * micro-dollar, the same integer the owner's price floor uses (price-floor.ts).
 */
export const MARKET_JOB_DOCUMENT_VERSION = 1;

export const MarketJobDocumentSchema = z
  .object({
    kind: z.literal('rigshift-job'),
    version: z.literal(MARKET_JOB_DOCUMENT_VERSION),
    /** A job spec (shared/domain/job.ts); checked by validateJobSpec before anything else. */
    job: z.unknown(),
    /** The provider PUTs the outputs here as a tar archive when the job completes. */
    upload: z.object({ url: z.string().url().max(2048) }).strict(),
    /** Optional hardware wishes beyond resources.gpus / minVramMiB. */
    requirements: z
      .object({
        /** Minimum FP32 throughput measured by the provider's own benchmark. */
        minFp32Tflops: z.number().min(0).max(10_000).optional(),
      })
      .strict()
      .optional(),
    /** One line for the provider's Market page. */
    description: z.string().max(280).optional(),
  })
  .strict();
export type MarketJobDocument = z.infer<typeof MarketJobDocumentSchema>;

/**
 * The digest of a job's outputs that the provider commits to on chain: sha256 over the
 * canonical manifest (files sorted by name, exactly these three fields). The requester
 * recomputes it from the uploaded tar; the contract binds it to the job, the provider and
 * the claim attempt, so a commitment cannot be replayed elsewhere.
 */
export function outputsDigest(outputs: readonly JobOutputFile[]): `0x${string}` {
  const manifest = [...outputs]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map(({ name, sizeBytes, sha256 }) => ({ name, sizeBytes, sha256 }));
  return sha256(toUtf8Bytes(JSON.stringify(manifest))) as `0x${string}`;
}
