/**
 * Job image pulls against a real registry on loopback and the real Docker engine: progress,
 * the byte cap, a digest the registry does not have, and LRU eviction under a small budget.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerodeRuntime } from '../../electron/agent/docker/dockerode-runtime';
import { createImageCache } from '../../electron/agent/images/image-cache';
import { pullJobImage, type JobImagePullProgress } from '../../electron/agent/images/image-puller';
import type { PullProgress } from '../../electron/agent/ports';
import { startLocalRegistry, registry, type LocalRegistry } from '../helpers/local-registry';
import { dockerEngine, need } from '../helpers/requirements';
import { recordingLogger } from '../helpers/silent-logger';
import { tempDir } from '../helpers/temp-dir';

const ready = need(dockerEngine()) && need(registry());
/** The registry runs on 127.0.0.1: jobs may use it only through this explicit setting. */
const LOOPBACK_REGISTRY = { registryPolicy: { allowLoopback: true } };
const MB = 1024 * 1024;

describe.skipIf(!ready)('job images from a local registry (real engine)', () => {
  const docker = createDockerodeRuntime();
  let reg: LocalRegistry;
  const refs: Record<'tiny' | 'bulky' | 'a' | 'b' | 'c', string> = { tiny: '', bulky: '', a: '', b: '', c: '' };

  beforeAll(async () => {
    reg = await startLocalRegistry();
    refs.tiny = reg.pushImage('tiny');
    // Random bytes do not compress: the download really is ~4 MiB.
    refs.bulky = reg.pushImage('bulky', { randomBytes: 4 * MB });
    refs.a = reg.pushImage('cache-a');
    refs.b = reg.pushImage('cache-b');
    refs.c = reg.pushImage('cache-c');
  }, 180_000);

  afterAll(async () => {
    await reg?.stop();
  }, 60_000);

  it('the pushed images are not in the engine before the tests pull them', async () => {
    for (const ref of Object.values(refs)) expect(await docker.inspectImage(ref)).toBeNull();
  });

  it('pulls by digest with per-layer progress aggregated into one figure, and verifies the digest', async () => {
    const raw: PullProgress[] = [];
    const spy = { ...docker, pullImage: (r: string, on: (p: PullProgress) => void, s?: AbortSignal) => docker.pullImage(r, (p) => (raw.push(p), on(p)), s) };
    const events: JobImagePullProgress[] = [];
    const image = await pullJobImage(spy, refs.tiny, { ...LOOPBACK_REGISTRY, maxBytes: 50 * MB, onProgress: (p) => events.push(p) });
    expect(image.repoDigests).toContain(refs.tiny);
    expect(raw.some((m) => m.status === 'Pull complete' && m.layerId)).toBe(true);
    const last = events.at(-1)!;
    expect(last.layersTotal).toBeGreaterThanOrEqual(1);
    expect(last.layersDone).toBe(last.layersTotal);
    expect(last.bytesDone).toBeGreaterThan(500_000); // gzipped busybox
    expect(last.bytesTotal).toBe(last.bytesDone);
    expect((await docker.inspectImage(refs.tiny))?.id).toBe(image.id);
    await docker.removeImage(refs.tiny);
    expect(await docker.inspectImage(refs.tiny)).toBeNull();
  });

  it('stops a pull over the byte cap: image_too_large, and no image is left', async () => {
    const error = await pullJobImage(docker, refs.bulky, { ...LOOPBACK_REGISTRY, maxBytes: 512 * 1024, onProgress: () => undefined }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'image_too_large' });
    expect(await docker.inspectImage(refs.bulky)).toBeNull();
    const fromRegistry = (await docker.listImages()).filter((i) => i.repoDigests.some((d) => d.startsWith(`${reg.host}/rigshift-test/bulky`)));
    expect(fromRegistry).toEqual([]);
  });

  it('refuses a digest the registry does not have', async () => {
    const wrong = refs.tiny.replace(/@sha256:.*/, `@sha256:${'0'.repeat(64)}`);
    await expect(pullJobImage(docker, wrong, { ...LOOPBACK_REGISTRY, maxBytes: 50 * MB, onProgress: () => undefined })).rejects.toMatchObject({
      code: 'image_pull_failed',
    });
    expect(await docker.inspectImage(wrong)).toBeNull();
  });

  it('evicts the least recently used job image under a small budget, never the one in use', async () => {
    const data = tempDir('rigshift-image-cache-it-');
    const { logger } = recordingLogger();
    const budget = { bytes: 100 * MB };
    const cache = createImageCache({ docker, dataDir: data.path, budgetBytes: () => budget.bytes, logger, clock: { now: () => new Date() } });
    const options = { ...LOOPBACK_REGISTRY, maxBytes: 50 * MB, onProgress: () => undefined };
    try {
      expect((await cache.ensure(refs.a, options)).pulled).toBe(true);
      const releaseA = cache.markInUse(refs.a);
      const size = (await docker.inspectImage(refs.a))!.sizeBytes;
      // Room for one and a half images.
      budget.bytes = Math.floor(size * 1.5);
      await cache.ensure(refs.b, options); // over budget, but A is in use and B was just pulled
      expect(await docker.inspectImage(refs.a)).not.toBeNull();
      expect(await docker.inspectImage(refs.b)).not.toBeNull();
      await new Promise((r) => setTimeout(r, 5)); // distinct last-used times
      await cache.ensure(refs.c, options); // B is now the least recently used job image not in use
      expect(await docker.inspectImage(refs.b)).toBeNull();
      expect(await docker.inspectImage(refs.a)).not.toBeNull();
      expect(await docker.inspectImage(refs.c)).not.toBeNull();
      // Released, A goes too if still over budget: one image remains.
      releaseA();
      await expect.poll(async () => (await cache.usage()).images, { timeout: 10_000 }).toBe(1);
      expect((await cache.usage()).bytes).toBeLessThanOrEqual(budget.bytes);
      // Down to nothing: only the cache's own job image goes; benchmark images (present on
      // this engine) are never candidates. Asserted on what the cache evicted, not on the
      // engine's image list, which other tests change concurrently (they reload the
      // benchmark image).
      budget.bytes = 0;
      const evicted = await cache.evictToBudget();
      expect(evicted).toHaveLength(1);
      expect([refs.a, refs.c]).toContain(evicted[0]!.reference);
      expect((await cache.usage()).images).toBe(0);
    } finally {
      reg.removeLocalImages();
      data.cleanup();
    }
  }, 60_000);
});
