/**
 * Pulls a job image the way a stranger's job may ask for it: only by digest, never more
 * than the owner allows to download, cancellable, and verified afterwards. Whatever the
 * outcome, a refused or cancelled pull leaves no image behind.
 */
import type { AddressPolicy } from '../../../shared/domain/address-policy';
import { imageRegistryHost } from '../../../shared/domain/job-spec-validation';
import { resolveChecked } from '../net/pinned-lookup';
import { AgentError } from '../../../shared/api/result';
import type { ContainerRuntime, ImageInfo, PullProgress } from '../ports';
import { hasRepoDigest, parseDigestReference } from './image-reference';
import { createPullProgressAggregator, throttle, type JobImagePullProgress } from './pull-progress';

export type { JobImagePullProgress } from './pull-progress';

/** ~4 figures a second: smooth enough for a progress bar, cheap for IPC. */
export const PULL_PROGRESS_INTERVAL_MS = 250;

/**
 * After we close the pull stream the engine notices within milliseconds, but a layer that
 * had finished downloading may still be registered as an image in that window. We look
 * for such a late image this long and remove it.
 */
const LATE_IMAGE_WATCH_MS = 1_000;
const LATE_IMAGE_POLL_MS = 200;

export interface PullJobImageOptions {
  /** Most bytes the pull may download (compressed layer bytes, as the registry serves them). */
  maxBytes: number;
  onProgress: (p: JobImagePullProgress) => void;
  signal?: AbortSignal;
  /** Injectable clock for the throttle (tests). */
  now?: () => number;
  /** How long to watch for a late image after an aborted pull (tests shorten it). */
  lateImageWatchMs?: number;
  /** Which registry hosts may be contacted (default: public only; a local registry is an explicit setting). */
  registryPolicy?: AddressPolicy;
}

/** Docker Hub's names: public, and contacted by the engine under its own names. */
const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/**
 * The registry a reference names is resolved and judged before the engine is asked to pull
 * (job-spec-validation.ts already refused IP literals and localhost). Known limit: dockerd
 * resolves the name again itself and cannot be pinned to our answer, so a rebinding
 * registry name is narrowed to the moment between this check and the engine's lookup.
 */
async function checkRegistry(reference: string, policy: AddressPolicy | undefined): Promise<void> {
  const registry = imageRegistryHost(reference);
  if (!registry || DOCKER_HUB.has(registry)) return;
  try {
    await resolveChecked(new URL(`http://${registry}/`).hostname, policy);
  } catch (error) {
    throw new AgentError(
      'image_registry_refused',
      `The job image's registry ${registry} cannot be used: ${(error as Error).message}.`,
      'Jobs may only pull from public registries.',
    );
  }
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Returns the pulled image as the engine describes it. */
export async function pullJobImage(
  docker: ContainerRuntime,
  reference: string,
  options: PullJobImageOptions,
): Promise<ImageInfo> {
  const wanted = parseDigestReference(reference);
  if (!wanted) {
    throw new AgentError(
      'image_not_pinned',
      `The job image "${reference}" is not pinned by digest; a tag can be moved to other content by whoever controls the registry.`,
      'Job images must be named as name@sha256:<64 hex digits>.',
    );
  }
  if (!Number.isFinite(options.maxBytes) || options.maxBytes <= 0) {
    throw new AgentError('invalid_request', `The image size limit must be a positive number of bytes (got ${options.maxBytes}).`);
  }
  if (options.signal?.aborted) throw cancelledError(reference);
  await checkRegistry(reference, options.registryPolicy);

  const existedBefore = (await docker.inspectImage(reference)) !== null;
  const aggregator = createPullProgressAggregator();
  const progress = throttle(options.onProgress, PULL_PROGRESS_INTERVAL_MS, options.now);
  const stop = new AbortController();
  let overCap = false;
  const onOuterAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });

  const onMessage = (message: PullProgress) => {
    if (overCap) return;
    if (aggregator.add(message)) progress.push(aggregator.current());
    if (aggregator.committedBytes() > options.maxBytes) {
      overCap = true;
      stop.abort();
    }
  };

  /** Removes what a stopped pull may have left, unless the owner had the image before. */
  const discardLeftover = async () => {
    if (existedBefore) return;
    const watchMs = options.lateImageWatchMs ?? LATE_IMAGE_WATCH_MS;
    const deadline = Date.now() + watchMs;
    for (;;) {
      try {
        if (await docker.inspectImage(reference)) await docker.removeImage(reference);
      } catch {
        // Best effort: the error the caller must see is why the pull stopped, not this.
      }
      if (Date.now() >= deadline) return;
      await sleep(Math.min(LATE_IMAGE_POLL_MS, watchMs));
    }
  };

  const tooLarge = () =>
    new AgentError(
      'image_too_large',
      `The job image ${reference} is larger than the ${formatBytes(options.maxBytes)} allowed for a job image; the download was stopped at ${formatBytes(aggregator.current().bytesDone)}.`,
      'Nothing of it was kept. To accept jobs with bigger images, raise the job image size limit.',
    );

  try {
    try {
      await docker.pullImage(reference, onMessage, stop.signal);
    } catch (error) {
      progress.cancel();
      if (overCap) {
        await discardLeftover();
        throw tooLarge();
      }
      if (options.signal?.aborted) {
        await discardLeftover();
        throw cancelledError(reference);
      }
      if (error instanceof AgentError && (error.code === 'image_pull_failed' || error.code === 'docker_unreachable')) throw error;
      throw new AgentError(
        'image_pull_failed',
        `Pulling ${reference} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    // The engine may finish before it sees our abort: the cap and the cancel still hold.
    if (overCap) {
      progress.cancel();
      await discardLeftover();
      throw tooLarge();
    }
    if (options.signal?.aborted) {
      progress.cancel();
      await discardLeftover();
      throw cancelledError(reference);
    }
    progress.flush();
  } finally {
    options.signal?.removeEventListener('abort', onOuterAbort);
  }

  const image = await docker.inspectImage(reference);
  if (!image || !hasRepoDigest(image.repoDigests, wanted)) {
    const removed = image !== null && !existedBefore;
    if (removed) await docker.removeImage(reference);
    throw new AgentError(
      'image_digest_mismatch',
      `After pulling ${reference} the engine does not hold that digest (it lists ${image ? image.repoDigests.join(', ') || 'no digest' : 'no such image'})${removed ? '; the image was removed' : ''}.`,
      'The registry served content other than the digest the job names, so the job was refused. Nothing needs fixing on this computer.',
    );
  }
  return image;
}

function cancelledError(reference: string): AgentError {
  return new AgentError('image_pull_cancelled', `The pull of ${reference} was cancelled.`);
}
