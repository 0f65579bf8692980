import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AgentError } from '../../../shared/api/result';
import { createImageCache, type ImageCacheDeps } from '../../../electron/agent/images/image-cache';
import { IMAGE_CACHE_FILE_NAME } from '../../../electron/agent/images/image-cache-book';
import type { ContainerRuntime } from '../../../electron/agent/ports';
import { createFakeContainerRuntime, fakeImage, type FakeContainerRuntime } from '../../fakes/fake-container-runtime';
import { recordingLogger } from '../../helpers/silent-logger';
import { tempDir } from '../../helpers/temp-dir';

const MB = 1_000_000;
const ref = (n: number) => `127.0.0.1:5000/jobs/img${n}@sha256:${n.toString(16).padStart(64, '0')}`;
// The refs name a registry on 127.0.0.1: allowed here as the explicit test setting.
const pullOptions = { maxBytes: 100 * MB, onProgress: () => undefined, registryPolicy: { allowLoopback: true } };

let dir: ReturnType<typeof tempDir>;
let time: number;
beforeEach(() => {
  dir = tempDir('rigshift-image-cache-');
  time = Date.parse('2030-01-01T00:00:00Z');
});
afterEach(() => dir.cleanup());

function setup(docker: FakeContainerRuntime | ContainerRuntime, budget: { bytes: number }) {
  const { logger, entries } = recordingLogger();
  const deps: ImageCacheDeps = {
    docker,
    dataDir: dir.path,
    budgetBytes: () => budget.bytes,
    logger,
    clock: { now: () => new Date(time) },
  };
  return { cache: createImageCache(deps), log: entries };
}

/** Pulls `refs` one per simulated minute. */
async function pullAll(cache: ReturnType<typeof createImageCache>, refs: string[]) {
  for (const r of refs) {
    time += 60_000;
    await cache.ensure(r, pullOptions);
  }
}

const present = (docker: FakeContainerRuntime) => [...docker.storedImages.values()].flatMap((i) => [...i.repoDigests, ...i.repoTags]);
const readBook = () =>
  JSON.parse(readFileSync(join(dir.path, IMAGE_CACHE_FILE_NAME), 'utf8')) as { entries: Array<{ reference: string; lastUsedAt: string }> };

describe('image cache', () => {
  it('pulls a missing image once, then reuses it and only moves its last-used time', async () => {
    const docker = createFakeContainerRuntime();
    const { cache } = setup(docker, { bytes: 10 * MB });
    const first = await cache.ensure(ref(1), pullOptions);
    expect(first.pulled).toBe(true);
    time += 3_600_000;
    const second = await cache.ensure(ref(1), pullOptions);
    expect(second).toEqual({ imageId: first.imageId, pulled: false });
    expect(docker.methods().filter((m) => m === 'pullImage')).toHaveLength(1);
    expect(readBook().entries[0]!.lastUsedAt).toBe(new Date(time).toISOString());
    expect(await cache.usage()).toEqual({ bytes: MB, images: 1 });
  });

  it('refuses a reference not pinned by digest', async () => {
    const docker = createFakeContainerRuntime();
    const { cache } = setup(docker, { bytes: 10 * MB });
    await expect(cache.ensure('busybox:latest', pullOptions)).rejects.toMatchObject({ code: 'image_not_pinned' });
    expect(docker.calls).toEqual([]);
  });

  it('evicts least recently used first after a pull, down to the budget', async () => {
    const docker = createFakeContainerRuntime();
    const budget = { bytes: 3 * MB };
    const { cache } = setup(docker, budget);
    await pullAll(cache, [ref(1), ref(2), ref(3)]);
    time += 60_000;
    await cache.ensure(ref(1), pullOptions); // 1 is now the most recent; 2 the oldest
    time += 60_000;
    await cache.ensure(ref(4), pullOptions);
    expect(present(docker).sort()).toEqual([ref(1), ref(3), ref(4)].sort());
    expect(await cache.usage()).toEqual({ bytes: 3 * MB, images: 3 });
  });

  it('evicts when the budget shrinks, and reports what went', async () => {
    const docker = createFakeContainerRuntime();
    const budget = { bytes: 10 * MB };
    const { cache } = setup(docker, budget);
    await pullAll(cache, [ref(1), ref(2), ref(3)]);
    budget.bytes = 1 * MB;
    expect(await cache.evictToBudget()).toEqual([
      { reference: ref(1), bytes: MB },
      { reference: ref(2), bytes: MB },
    ]);
    expect(present(docker)).toEqual([ref(3)]);
    expect(readBook().entries.map((e) => e.reference)).toEqual([ref(3)]);
  });

  it('never evicts an image in use, and evicts it once released if still over budget', async () => {
    const docker = createFakeContainerRuntime();
    const budget = { bytes: 10 * MB };
    const { cache } = setup(docker, budget);
    await pullAll(cache, [ref(1), ref(2)]);
    const release = cache.markInUse(ref(1));
    budget.bytes = 0;
    expect((await cache.evictToBudget()).map((e) => e.reference)).toEqual([ref(2)]);
    expect(present(docker)).toEqual([ref(1)]);
    release();
    release(); // idempotent
    await vi.waitFor(() => expect(present(docker)).toEqual([]));
  });

  it('never evicts the image it has just pulled to make room for it, even if it alone is over budget', async () => {
    const docker = createFakeContainerRuntime({ pulls: { [ref(2)]: { result: { sizeBytes: 5 * MB } } } });
    const { cache, log } = setup(docker, { bytes: 2 * MB });
    await pullAll(cache, [ref(1), ref(2)]);
    expect(present(docker)).toEqual([ref(2)]);
    expect(log.some((e) => e.level === 'warn' && e.message.includes('larger than the image budget'))).toBe(true);
  });

  it("never touches the owner's images, the benchmark images, or a job image the owner has since tagged", async () => {
    const ownerPulled = fakeImage(ref(9), { sizeBytes: 50 * MB });
    const bench = fakeImage('rigshift/bench-cpu:0.1.0-d67ac4abd038', { sizeBytes: 3 * MB });
    const docker = createFakeContainerRuntime({ storedImages: [ownerPulled, bench] });
    const budget = { bytes: 10 * MB };
    const { cache } = setup(docker, budget);
    // The owner's image is used by a job but not adopted by the cache.
    expect(await cache.ensure(ref(9), pullOptions)).toEqual({ imageId: ownerPulled.id, pulled: false });
    await pullAll(cache, [ref(1), ref(2)]);
    docker.storedImages.get((await docker.inspectImage(ref(1)))!.id)!.repoTags.push('myproject:keep');
    budget.bytes = 0;
    expect((await cache.evictToBudget()).map((e) => e.reference)).toEqual([ref(2)]);
    expect(present(docker).sort()).toEqual([ref(9), 'rigshift/bench-cpu:0.1.0-d67ac4abd038', ref(1), 'myproject:keep'].sort());
    expect(docker.calls.filter((c) => c.method === 'removeImage').map((c) => c.args[0])).toEqual([ref(2)]);
  });

  it('evicts a Docker Hub job image although the engine lists it under its short name', async () => {
    const hub = `docker.io/library/busybox@sha256:${'d'.repeat(64)}`;
    const docker = createFakeContainerRuntime({ pulls: { [hub]: { result: { repoDigests: [`busybox@sha256:${'d'.repeat(64)}`] } } } });
    // The fake finds images by exact reference; the engine resolves the long form to the short one.
    const resolving: ContainerRuntime = {
      ...docker,
      inspectImage: (r) => docker.inspectImage(r.replace('docker.io/library/', '')),
      removeImage: (r) => docker.removeImage(r.replace('docker.io/library/', '')),
    };
    const budget = { bytes: 10 * MB };
    const { cache } = setup(resolving, budget);
    await pullAll(cache, [hub]);
    budget.bytes = 0;
    expect(await cache.evictToBudget()).toEqual([{ reference: hub, bytes: MB }]);
    expect(docker.storedImages.size).toBe(0);
  });

  it('does not evict a job image the owner also pulled under another digest reference', async () => {
    const docker = createFakeContainerRuntime();
    const budget = { bytes: 10 * MB };
    const { cache } = setup(docker, budget);
    await pullAll(cache, [ref(1)]);
    docker.storedImages.get((await docker.inspectImage(ref(1)))!.id)!.repoDigests.push(`mirror.example/jobs/img1@sha256:${'1'.padStart(64, '0')}`);
    budget.bytes = 0;
    expect(await cache.evictToBudget()).toEqual([]);
    expect(docker.methods()).not.toContain('removeImage');
  });

  it('never evicts a benchmark image even when a (tampered) book lists it', async () => {
    const benchRef = `rigshift/bench-cpu@sha256:${'c'.repeat(64)}`;
    const bench = fakeImage(benchRef, { sizeBytes: 3 * MB });
    const docker = createFakeContainerRuntime({ storedImages: [bench] });
    const at = new Date(time).toISOString();
    writeFileSync(
      join(dir.path, IMAGE_CACHE_FILE_NAME),
      JSON.stringify({ version: 1, entries: [{ reference: benchRef, imageId: bench.id, bytes: 3 * MB, pulledAt: at, lastUsedAt: at }] }),
    );
    const { cache } = setup(docker, { bytes: 0 });
    expect(await cache.evictToBudget()).toEqual([]);
    expect(present(docker)).toEqual([benchRef]);
  });

  it('skips an image a container still uses (engine refuses) and evicts the next one', async () => {
    const docker = createFakeContainerRuntime();
    const budget = { bytes: 10 * MB };
    const { cache } = setup(docker, budget);
    await pullAll(cache, [ref(1), ref(2)]);
    const id1 = (await docker.inspectImage(ref(1)))!.id;
    const refusing: ContainerRuntime = {
      ...docker,
      removeImage: async (r) => {
        if ((await docker.inspectImage(r))?.id === id1) throw new AgentError('image_in_use', 'used by a container');
        return docker.removeImage(r);
      },
    };
    const { cache: again } = setup(refusing, { bytes: MB });
    expect((await again.evictToBudget()).map((e) => e.reference)).toEqual([ref(2)]);
    expect(present(docker)).toEqual([ref(1)]);
  });

  it('keeps its book across a restart: the LRU order survives', async () => {
    const docker = createFakeContainerRuntime();
    const budget = { bytes: 10 * MB };
    const { cache } = setup(docker, budget);
    await pullAll(cache, [ref(1), ref(2), ref(3)]);
    time += 60_000;
    await cache.ensure(ref(1), pullOptions);
    // A new agent process: a fresh cache over the same data folder.
    budget.bytes = 2 * MB;
    const { cache: restarted } = setup(docker, budget);
    expect(await restarted.usage()).toEqual({ bytes: 3 * MB, images: 3 });
    expect(await restarted.evictToBudget()).toEqual([{ reference: ref(2), bytes: MB }]);
    expect(readdirSync(dir.path).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('keeps a corrupt book aside, starts empty, and then evicts nothing it cannot prove it pulled', async () => {
    const stray = fakeImage(ref(1));
    const docker = createFakeContainerRuntime({ storedImages: [stray] });
    writeFileSync(join(dir.path, IMAGE_CACHE_FILE_NAME), '{"version":1,"entries":[{"reference":');
    const { cache, log } = setup(docker, { bytes: 0 });
    const aside = readdirSync(dir.path).filter((f) => f.startsWith(`${IMAGE_CACHE_FILE_NAME}.corrupt-`));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(dir.path, aside[0]!), 'utf8')).toBe('{"version":1,"entries":[{"reference":');
    expect(log.some((e) => e.level === 'warn' && e.message.includes(aside[0]!))).toBe(true);
    expect(await cache.usage()).toEqual({ bytes: 0, images: 0 });
    expect(await cache.evictToBudget()).toEqual([]);
    expect(present(docker)).toEqual([ref(1)]);
  });

  it('records a pull before it starts, and forgets it when the pull fails', async () => {
    const docker = createFakeContainerRuntime({ pulls: { [ref(1)]: { error: new AgentError('image_pull_failed', 'no') } } });
    const bookWhenPullStarted: string[][] = [];
    // Reads the book on disk at the moment the engine is asked to pull.
    const watching: ContainerRuntime = {
      ...docker,
      pullImage: (reference, onProgress, signal) => {
        bookWhenPullStarted.push(readBook().entries.map((e) => e.reference));
        return docker.pullImage(reference, onProgress, signal);
      },
    };
    const { cache } = setup(watching, { bytes: 10 * MB });
    await expect(cache.ensure(ref(1), pullOptions)).rejects.toMatchObject({ code: 'image_pull_failed' });
    expect(bookWhenPullStarted).toEqual([[ref(1)]]);
    expect(readBook().entries).toEqual([]);
  });

  it('adopts a pull that finished just before a crash (book entry without image id)', async () => {
    const image = fakeImage(ref(1));
    const docker = createFakeContainerRuntime({ storedImages: [image] });
    const at = new Date(time).toISOString();
    writeFileSync(
      join(dir.path, IMAGE_CACHE_FILE_NAME),
      JSON.stringify({ version: 1, entries: [{ reference: ref(1), imageId: '', bytes: 0, pulledAt: at, lastUsedAt: at }] }),
    );
    const { cache } = setup(docker, { bytes: 0 });
    expect(await cache.evictToBudget()).toEqual([{ reference: ref(1), bytes: MB }]);
    expect(present(docker)).toEqual([]);
  });

  it('forgets book entries whose image the owner removed', async () => {
    const docker = createFakeContainerRuntime();
    const { cache } = setup(docker, { bytes: 10 * MB });
    await pullAll(cache, [ref(1), ref(2)]);
    await docker.removeImage(ref(1));
    await cache.evictToBudget();
    expect(readBook().entries.map((e) => e.reference)).toEqual([ref(2)]);
  });

  it('joins concurrent ensures of the same reference into one pull', async () => {
    const docker = createFakeContainerRuntime({ pulls: { [ref(1)]: { progress: [{ status: 'Pulling fs layer', layerId: 'a' }] } } });
    const { cache } = setup(docker, { bytes: 10 * MB });
    const [a, b] = await Promise.all([cache.ensure(ref(1), pullOptions), cache.ensure(ref(1), pullOptions)]);
    expect(a).toEqual(b);
    expect(docker.methods().filter((m) => m === 'pullImage')).toHaveLength(1);
  });
});
