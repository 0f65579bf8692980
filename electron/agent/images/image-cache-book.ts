/**
 * <dataDir>/image-cache.json: the job images this agent pulled, and when each was last
 * used. It is the only list eviction ever picks from, so an image the owner pulled
 * themselves is never in it. Written atomically; an unreadable one is kept aside and the
 * cache starts empty (the images it named then stay on disk until the owner removes them:
 * forgetting one of ours is safe, deleting one of theirs would not be).
 */
import { join } from 'node:path';
import { z } from 'zod';
import { ImageByDigestSchema } from '../../../shared/domain/job';
import type { Clock, Logger } from '../ports';
import { readJsonOrSetAside, writeJsonAtomically } from '../node-adapters/atomic-json-file';

export const IMAGE_CACHE_FILE_NAME = 'image-cache.json';

export const ImageCacheEntrySchema = z.object({
  reference: ImageByDigestSchema,
  /** Empty while the pull is under way (recorded first, so a crash mid-pull leaves no unknown image). */
  imageId: z.string(),
  bytes: z.number().int().min(0),
  pulledAt: z.string().datetime(),
  lastUsedAt: z.string().datetime(),
});
export type ImageCacheEntry = z.infer<typeof ImageCacheEntrySchema>;

const BookFileSchema = z.object({
  version: z.literal(1),
  entries: z.array(ImageCacheEntrySchema),
});

export interface ImageCacheBook {
  readonly path: string;
  /** Entries by reference, as loaded at start and changed since. */
  readonly entries: Map<string, ImageCacheEntry>;
  /** Writes the current entries; writes are queued so the file always ends at the latest state. */
  save(): Promise<void>;
}

export function openImageCacheBook(deps: { dataDir: string; logger: Logger; clock: Clock }): ImageCacheBook {
  const path = join(deps.dataDir, IMAGE_CACHE_FILE_NAME);
  const entries = new Map<string, ImageCacheEntry>();
  const read = readJsonOrSetAside(
    path,
    (raw) => {
      const result = BookFileSchema.safeParse(raw);
      return result.success ? { ok: true, value: result.data } : { ok: false, reason: result.error.issues[0]?.message ?? 'invalid' };
    },
    deps.clock.now(),
  );
  if (read.kind === 'ok') for (const entry of read.value.entries) entries.set(entry.reference, entry);
  if (read.kind === 'corrupt') {
    deps.logger.warn(
      `${IMAGE_CACHE_FILE_NAME} could not be read (${read.reason}); it was kept as ${read.keptAs} and the image cache starts empty. ` +
        'Job images pulled before are no longer evicted automatically; remove them with `docker image rm` if you need the space.',
      { path: read.keptAs },
    );
  }

  let queue: Promise<void> = Promise.resolve();
  return {
    path,
    entries,
    save() {
      const write = queue.then(() =>
        writeJsonAtomically(path, {
          version: 1,
          entries: [...entries.values()].sort((a, b) => a.reference.localeCompare(b.reference)),
        }),
      );
      // The next write must run even when this one failed; the caller still sees the failure.
      queue = write.catch(() => undefined);
      return write;
    },
  };
}
