/**
 * The job image cache: pulls a job's image when the engine lacks it, remembers when each
 * image it pulled was last used, and keeps those images within the owner's disk budget by
 * removing the least recently used first.
 *
 * What eviction may remove is deliberately narrow: only images this cache pulled for jobs
 * (listed in the book), never one a job is using (markInUse), never a benchmark image
 * (rigshift/bench-*), and never one the owner has since named themselves (any tag, or a
 * digest we did not pull). Eviction runs after each pull, when a job stops using an image,
 * and whenever the caller calls evictToBudget() (the settings code does so when the budget
 * shrinks).
 */
import type { AddressPolicy } from '../../../shared/domain/address-policy';
import { AgentError } from '../../../shared/api/result';
import type { Clock, ContainerRuntime, ImageInfo, Logger } from '../ports';
import { openImageCacheBook, type ImageCacheEntry } from './image-cache-book';
import { pullJobImage, type JobImagePullProgress } from './image-puller';
import { hasRepoDigest, normalizeRepository, parseDigestReference } from './image-reference';

export interface ImageCacheDeps {
  docker: ContainerRuntime;
  dataDir: string;
  /** The owner's budget for job images, in bytes; read at each eviction so a change applies at once. */
  budgetBytes: () => number;
  logger: Logger;
  clock: Clock;
}

export interface EnsureImageOptions {
  /** Most bytes the pull may download. */
  maxBytes: number;
  onProgress: (p: JobImagePullProgress) => void;
  signal?: AbortSignal;
  /** Which registry hosts may be contacted (image-puller.ts; default public only). */
  registryPolicy?: AddressPolicy;
}

export interface ImageCache {
  /**
   * Makes the image available: pulls it when missing (then evicts to budget), marks it used
   * now. A second call for a reference already being pulled waits for that pull.
   */
  ensure(reference: string, options: EnsureImageOptions): Promise<{ imageId: string; pulled: boolean }>;
  /** Protects the image from eviction until the returned release is called (idempotent). */
  markInUse(reference: string): () => void;
  /** Removes least recently used job images until the cache fits the budget; returns what went. */
  evictToBudget(): Promise<Array<{ reference: string; bytes: number }>>;
  /** Disk used by the images this cache pulled (each image counted once). */
  usage(): Promise<{ bytes: number; images: number }>;
}

const BENCHMARK_REPOSITORY = /^docker\.io\/rigshift\/bench-/;

function isBenchmarkImage(image: ImageInfo): boolean {
  return [...image.repoTags, ...image.repoDigests].some((ref) => {
    const name = ref.replace(/@.*$/, '').replace(/:[^/:]+$/, '');
    return BENCHMARK_REPOSITORY.test(normalizeRepository(name));
  });
}

export function createImageCache(deps: ImageCacheDeps): ImageCache {
  const { docker, logger } = deps;
  const book = openImageCacheBook(deps);
  const inUse = new Map<string, number>();
  const pulling = new Map<string, Promise<{ imageId: string; pulled: boolean }>>();
  let evicting: Promise<Array<{ reference: string; bytes: number }>> | null = null;

  const nowIso = () => deps.clock.now().toISOString();

  const saveLogged = (why: string) =>
    book.save().catch((error: unknown) => {
      logger.warn(`image cache: could not save ${book.path} (${why})`, { error: String(error) });
    });

  const touch = (reference: string) => {
    const entry = book.entries.get(reference);
    if (!entry) return false;
    entry.lastUsedAt = nowIso();
    return true;
  };

  /** Book entries whose image the engine still has, paired with it. */
  const present = async (): Promise<Array<{ entry: ImageCacheEntry; image: ImageInfo }>> => {
    const images = await docker.listImages();
    const pairs: Array<{ entry: ImageCacheEntry; image: ImageInfo }> = [];
    for (const entry of book.entries.values()) {
      const wanted = parseDigestReference(entry.reference);
      const image = wanted ? images.find((i) => hasRepoDigest(i.repoDigests, wanted)) : undefined;
      if (image) pairs.push({ entry, image });
    }
    return pairs;
  };

  const usageOf = (pairs: Array<{ image: ImageInfo }>) => {
    const byId = new Map(pairs.map(({ image }) => [image.id, image.sizeBytes]));
    return { bytes: [...byId.values()].reduce((a, b) => a + b, 0), images: byId.size };
  };

  /** Why eviction must leave this image alone, or null when it may go. */
  const protection = (entry: ImageCacheEntry, image: ImageInfo, pairs: Array<{ entry: ImageCacheEntry; image: ImageInfo }>) => {
    if (isBenchmarkImage(image)) return 'benchmark image';
    // Another reference of ours to the same image in use keeps the bytes in use too.
    if (pairs.some((p) => p.image.id === image.id && (inUse.get(p.entry.reference) ?? 0) > 0)) return 'in use';
    if (image.repoTags.length > 0) return 'tagged by the owner';
    const ours = pairs
      .filter((p) => p.image.id === image.id)
      .map((p) => parseDigestReference(p.entry.reference))
      .filter((r) => r !== null);
    // Compared in normal form: the engine lists Docker Hub images under their short name.
    if (image.repoDigests.some((d) => !ours.some((r) => hasRepoDigest([d], r)))) return 'also pulled by the owner';
    if (pulling.has(entry.reference)) return 'still being pulled';
    return null;
  };

  async function evict(): Promise<Array<{ reference: string; bytes: number }>> {
    const budget = Math.max(0, deps.budgetBytes());
    const evicted: Array<{ reference: string; bytes: number }> = [];
    const skipped = new Set<string>();
    let bookChanged = false;
    for (;;) {
      const pairs = await present();
      for (const [reference, entry] of book.entries) {
        if (pulling.has(reference)) continue;
        const pair = pairs.find((p) => p.entry === entry);
        if (!pair) {
          // The image is gone (the owner removed it, or a pull cut short by a crash): forget it.
          book.entries.delete(reference);
          bookChanged = true;
        } else if (!entry.imageId) {
          // A pull that finished just before a crash, before its entry was completed.
          entry.imageId = pair.image.id;
          entry.bytes = pair.image.sizeBytes;
          bookChanged = true;
        }
      }
      const { bytes } = usageOf(pairs);
      if (bytes <= budget) break;
      const candidate = pairs
        .filter((p) => !skipped.has(p.entry.reference) && protection(p.entry, p.image, pairs) === null)
        .sort((a, b) => a.entry.lastUsedAt.localeCompare(b.entry.lastUsedAt) || a.entry.reference.localeCompare(b.entry.reference))[0];
      if (!candidate) {
        logger.warn('image cache: over budget, but every remaining job image is protected (in use or not ours)', {
          bytes,
          budget,
        });
        break;
      }
      try {
        await docker.removeImage(candidate.entry.reference);
      } catch (error) {
        // A container the owner started from it: theirs to keep using.
        if (error instanceof AgentError && error.code === 'image_in_use') {
          skipped.add(candidate.entry.reference);
          continue;
        }
        throw error;
      }
      book.entries.delete(candidate.entry.reference);
      bookChanged = true;
      const stillThere = pairs.some((p) => p.image.id === candidate.image.id && p.entry !== candidate.entry);
      const freed = stillThere ? 0 : candidate.image.sizeBytes;
      evicted.push({ reference: candidate.entry.reference, bytes: freed });
      logger.info('image cache: evicted a job image to stay within the budget', {
        reference: candidate.entry.reference,
        bytes: freed,
        budget,
      });
    }
    if (bookChanged) await book.save();
    return evicted;
  }

  const evictToBudget = async () => {
    // One eviction at a time; a call during one waits for it and then runs its own pass.
    while (evicting) await evicting.catch(() => undefined);
    evicting = evict();
    try {
      return await evicting;
    } finally {
      evicting = null;
    }
  };

  const markInUse = (reference: string) => {
    inUse.set(reference, (inUse.get(reference) ?? 0) + 1);
    if (touch(reference)) void saveLogged('mark in use');
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const count = (inUse.get(reference) ?? 1) - 1;
      if (count > 0) inUse.set(reference, count);
      else inUse.delete(reference);
      // Last used means until the job stopped using it.
      if (touch(reference)) void saveLogged('release');
      // What was held back while in use may go now.
      evictToBudget().catch((error: unknown) => logger.warn('image cache: eviction failed', { error: String(error) }));
    };
  };

  async function pullAndRecord(reference: string, options: EnsureImageOptions) {
    const existing = await docker.inspectImage(reference);
    const wanted = parseDigestReference(reference);
    if (existing && wanted && hasRepoDigest(existing.repoDigests, wanted)) {
      // Ours: touch it. The owner's (not in the book): use it, never adopt it for eviction.
      if (touch(reference)) await saveLogged('touch');
      return { imageId: existing.id, pulled: false };
    }

    // Recorded before the pull: a crash mid-pull must not leave an image nobody knows is ours.
    const at = nowIso();
    book.entries.set(reference, { reference, imageId: '', bytes: 0, pulledAt: at, lastUsedAt: at });
    await book.save();
    const release = markInUseQuietly(reference);
    try {
      let image: ImageInfo;
      try {
        image = await pullJobImage(docker, reference, options);
      } catch (error) {
        book.entries.delete(reference);
        await saveLogged('pull failed');
        throw error;
      }
      book.entries.set(reference, {
        reference,
        imageId: image.id,
        bytes: image.sizeBytes,
        pulledAt: at,
        lastUsedAt: nowIso(),
      });
      await book.save();
      if (image.sizeBytes > deps.budgetBytes()) {
        logger.warn('image cache: this job image alone is larger than the image budget', {
          reference,
          bytes: image.sizeBytes,
          budget: deps.budgetBytes(),
        });
      }
      try {
        await evictToBudget();
      } catch (error) {
        logger.warn('image cache: eviction after a pull failed', { error: String(error) });
      }
      return { imageId: image.id, pulled: true };
    } finally {
      release();
    }
  }

  /** In use without the side effects of markInUse (no touch, no eviction on release). */
  const markInUseQuietly = (reference: string) => {
    inUse.set(reference, (inUse.get(reference) ?? 0) + 1);
    return () => {
      const count = (inUse.get(reference) ?? 1) - 1;
      if (count > 0) inUse.set(reference, count);
      else inUse.delete(reference);
    };
  };

  return {
    ensure(reference, options) {
      if (!parseDigestReference(reference)) {
        return Promise.reject(
          new AgentError(
            'image_not_pinned',
            `The job image "${reference}" is not pinned by digest.`,
            'Job images must be named as name@sha256:<64 hex digits>.',
          ),
        );
      }
      const running = pulling.get(reference);
      if (running) return running;
      const started = pullAndRecord(reference, options).finally(() => pulling.delete(reference));
      pulling.set(reference, started);
      return started;
    },
    markInUse,
    evictToBudget,
    async usage() {
      return usageOf(await present());
    },
  };
}
