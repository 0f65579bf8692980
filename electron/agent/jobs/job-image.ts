/**
 * Finds or fetches the image a job names (`name@sha256:<digest>`) and returns the image id
 * the container must be created from, so what runs is exactly what was verified.
 *
 * Two ways a digest can match:
 *  1. a registry manifest digest: the image cache pulls it (or finds it in RepoDigests)
 *     and refuses a mismatch;
 *  2. a local image id: images built on this machine (`docker import`, `docker build`)
 *     never went through a registry, so they have no RepoDigests; their id is the sha256
 *     of their config, which names every layer's content, so it pins the image just as
 *     well. Such an image is accepted when its id equals the digest AND it carries a tag
 *     of the same repository name (e.g. `rigshift-test/job:<anything>` for
 *     `rigshift-test/job@sha256:<id>`), so a spec cannot pick some unrelated local image.
 *     This is how the tests and an owner's `rigshift run-job` use locally built images.
 */
import type { AddressPolicy } from '../../../shared/domain/address-policy';
import type { JobImagePullProgress } from '../images/pull-progress';
import type { ContainerRuntime } from '../ports';

export interface JobImageCache {
  ensure(
    reference: string,
    options: {
      maxBytes: number;
      onProgress?: (progress: JobImagePullProgress) => void;
      signal?: AbortSignal;
      registryPolicy?: AddressPolicy;
    },
  ): Promise<{ imageId: string; pulled: boolean }>;
  markInUse(reference: string): () => void;
}

export interface ResolvedImage {
  imageId: string;
  pulled: boolean;
  /** Lets the cache evict it again (call after the container is removed). */
  release: () => void;
}

export function splitDigestReference(reference: string): { name: string; digest: string } | null {
  const at = reference.lastIndexOf('@');
  if (at <= 0) return null;
  const digest = reference.slice(at + 1);
  return /^sha256:[a-f0-9]{64}$/.test(digest) ? { name: reference.slice(0, at), digest } : null;
}

/** The repository part of `name:tag` (a registry port's colon is not a tag). */
function repositoryOf(tag: string): string {
  const colon = tag.lastIndexOf(':');
  return colon > tag.lastIndexOf('/') ? tag.slice(0, colon) : tag;
}

/** The local image whose id is the digest and that is tagged with the same name, or null. */
export async function findLocalImageById(
  docker: Pick<ContainerRuntime, 'inspectImage'>,
  reference: string,
): Promise<string | null> {
  const parts = splitDigestReference(reference);
  if (!parts) return null;
  const image = await docker.inspectImage(parts.digest);
  if (!image || image.id !== parts.digest) return null;
  const names = new Set(image.repoTags.map(repositoryOf));
  const bare = parts.name.replace(/^docker\.io\/(library\/)?/, '');
  return names.has(parts.name) || names.has(bare) ? image.id : null;
}

export async function resolveJobImage(
  deps: { docker: Pick<ContainerRuntime, 'inspectImage'>; images: JobImageCache },
  reference: string,
  options: {
    maxBytes: number;
    signal: AbortSignal;
    onProgress: (progress: JobImagePullProgress) => void;
    registryPolicy?: AddressPolicy;
  },
): Promise<ResolvedImage> {
  const release = deps.images.markInUse(reference);
  try {
    const local = await findLocalImageById(deps.docker, reference);
    if (local) return { imageId: local, pulled: false, release };
    const ensured = await deps.images.ensure(reference, {
      maxBytes: options.maxBytes,
      signal: options.signal,
      onProgress: options.onProgress,
      registryPolicy: options.registryPolicy,
    });
    return { ...ensured, release };
  } catch (error) {
    release();
    throw error;
  }
}
