import { describe, expect, it } from 'vitest';
import { AgentError } from '../../../shared/api/result';
import { pullJobImage, type JobImagePullProgress } from '../../../electron/agent/images/image-puller';
import type { ContainerRuntime, PullProgress } from '../../../electron/agent/ports';
import { createFakeContainerRuntime, fakeImage } from '../../fakes/fake-container-runtime';
import { LAYER_A, LAYER_B, transcriptMessages } from './pull-transcript';

const DIGEST = 'sha256:' + '1b'.repeat(32);
const REF = `127.0.0.1:5000/rigshift-test/tiny@${DIGEST}`;
const MB = 1024 * 1024;
/** REF names a registry on 127.0.0.1: allowed here as the explicit test setting. */
const LOCAL = { registryPolicy: { allowLoopback: true } };

function collect() {
  const events: JobImagePullProgress[] = [];
  return { events, onProgress: (p: JobImagePullProgress) => events.push(p) };
}

describe('pullJobImage', () => {
  it('refuses a reference that is not pinned by sha256 digest, before asking the engine for anything', async () => {
    const docker = createFakeContainerRuntime();
    for (const ref of ['busybox:latest', 'busybox', `busybox@md5:${'a'.repeat(32)}`, `busybox@sha256:${'a'.repeat(63)}`]) {
      await expect(pullJobImage(docker, ref, { ...LOCAL, maxBytes: MB, onProgress: () => undefined })).rejects.toMatchObject({
        code: 'image_not_pinned',
      });
    }
    expect(docker.calls).toEqual([]);
  });

  it('refuses a registry on loopback or the LAN before asking the engine for anything, unless the policy allows it', async () => {
    const docker = createFakeContainerRuntime();
    for (const reference of [REF, `localhost:5000/x@${DIGEST}`, `10.1.2.3:5000/x@${DIGEST}`, `0x7f.1:5000/x@${DIGEST}`]) {
      await expect(pullJobImage(docker, reference, { maxBytes: MB, onProgress: () => undefined })).rejects.toMatchObject({
        code: 'image_registry_refused',
      });
    }
    expect(docker.calls).toEqual([]);
  });

  it('pulls, reports aggregated progress ending with the full figure, and returns the verified image', async () => {
    const docker = createFakeContainerRuntime({ pulls: { [REF]: { progress: transcriptMessages(), result: { sizeBytes: 42 } } } });
    const { events, onProgress } = collect();
    const image = await pullJobImage(docker, REF, { ...LOCAL, maxBytes: 100 * MB, onProgress });
    expect(image.repoDigests).toEqual([REF]);
    expect(events.at(-1)).toEqual({
      layersDone: 3,
      layersTotal: 3,
      bytesDone: LAYER_A.size + LAYER_B.size,
      bytesTotal: LAYER_A.size + LAYER_B.size,
    });
    // Throttled: far fewer figures than engine messages, and never decreasing.
    expect(events.length).toBeLessThan(transcriptMessages().length / 2);
    for (let i = 1; i < events.length; i += 1) expect(events[i]!.bytesDone).toBeGreaterThanOrEqual(events[i - 1]!.bytesDone);
  });

  it('stops the pull when the image is over the byte cap: image_too_large, stream aborted, nothing kept', async () => {
    const docker = createFakeContainerRuntime({ pulls: { [REF]: { progress: transcriptMessages() } } });
    const seen: PullProgress[] = [];
    const spy: ContainerRuntime = {
      ...docker,
      pullImage: (reference, onProgress, signal) => docker.pullImage(reference, (p) => (seen.push(p), onProgress(p)), signal),
    };
    const error = await pullJobImage(spy, REF, { ...LOCAL, maxBytes: 8 * MB, onProgress: () => undefined, lateImageWatchMs: 0 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AgentError);
    expect(error).toMatchObject({ code: 'image_too_large', message: expect.stringContaining('8.0 MiB') });
    // Layer B announced 11 MB in its first "Downloading": the pull stopped right there.
    const firstB = transcriptMessages().findIndex((m) => m.status === 'Downloading' && m.layerId === LAYER_B.id);
    expect(seen).toHaveLength(firstB + 1);
    expect(docker.storedImages.size).toBe(0);
  });

  it('removes an image the engine finished registering although the cap had tripped', async () => {
    const docker = createFakeContainerRuntime({ pulls: { [REF]: { progress: transcriptMessages() } } });
    // An engine that does not notice the abort in time: it delivers everything and stores the image.
    const late: ContainerRuntime = { ...docker, pullImage: (reference, onProgress) => docker.pullImage(reference, onProgress) };
    await expect(pullJobImage(late, REF, { ...LOCAL, maxBytes: MB, onProgress: () => undefined, lateImageWatchMs: 0 })).rejects.toMatchObject({
      code: 'image_too_large',
    });
    expect(docker.storedImages.size).toBe(0);
    expect(docker.methods()).toContain('removeImage');
  });

  it('cancels on the caller signal with image_pull_cancelled and keeps nothing', async () => {
    const docker = createFakeContainerRuntime({ pulls: { [REF]: { progress: transcriptMessages() } } });
    const controller = new AbortController();
    let count = 0;
    const error = await pullJobImage(docker, REF, { ...LOCAL,
      maxBytes: 100 * MB,
      signal: controller.signal,
      lateImageWatchMs: 0,
      onProgress: () => {
        count += 1;
        controller.abort();
      },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'image_pull_cancelled' });
    expect(count).toBe(1);
    expect(docker.storedImages.size).toBe(0);
  });

  it('refuses and removes an image whose RepoDigests do not carry the requested digest', async () => {
    const docker = createFakeContainerRuntime();
    const other = `127.0.0.1:5000/rigshift-test/tiny@sha256:${'ee'.repeat(32)}`;
    // An engine that resolves the reference to content with another digest.
    const lying: ContainerRuntime = {
      ...docker,
      pullImage: async () => undefined,
      inspectImage: async (reference) => {
        await docker.inspectImage(reference);
        return docker.methods().filter((m) => m === 'inspectImage').length === 1 ? null : fakeImage(other, { repoDigests: [other] });
      },
    };
    await expect(pullJobImage(lying, REF, { ...LOCAL, maxBytes: MB, onProgress: () => undefined })).rejects.toMatchObject({
      code: 'image_digest_mismatch',
      message: expect.stringContaining(other),
    });
    expect(docker.calls.filter((c) => c.method === 'removeImage').map((c) => c.args[0])).toEqual([REF]);
  });

  it('refuses when the engine reports success but holds no such image', async () => {
    const docker = createFakeContainerRuntime();
    const empty: ContainerRuntime = { ...docker, pullImage: async () => undefined };
    await expect(pullJobImage(empty, REF, { ...LOCAL, maxBytes: MB, onProgress: () => undefined })).rejects.toMatchObject({
      code: 'image_digest_mismatch',
    });
  });

  it('accepts Docker Hub references listed under their familiar name', async () => {
    const hub = `docker.io/library/busybox@${DIGEST}`;
    const docker = createFakeContainerRuntime({ pulls: { [hub]: { result: { repoDigests: [`busybox@${DIGEST}`, hub] } } } });
    await expect(pullJobImage(docker, hub, { ...LOCAL, maxBytes: MB, onProgress: () => undefined })).resolves.toMatchObject({
      repoDigests: [`busybox@${DIGEST}`, hub],
    });
  });

  it("passes the engine's pull failure on as image_pull_failed", async () => {
    const failure = new AgentError('image_pull_failed', 'Pulling x failed: manifest unknown', 'hint');
    const docker = createFakeContainerRuntime({ pulls: { [REF]: { error: failure } } });
    await expect(pullJobImage(docker, REF, { ...LOCAL, maxBytes: MB, onProgress: () => undefined })).rejects.toBe(failure);
    expect(docker.storedImages.size).toBe(0);
  });

  it('does not remove an image the owner already had when a pull of it is cancelled', async () => {
    const owned = fakeImage(REF);
    const docker = createFakeContainerRuntime({ storedImages: [owned], pulls: { [REF]: { progress: transcriptMessages() } } });
    const controller = new AbortController();
    await expect(
      pullJobImage(docker, REF, { ...LOCAL, maxBytes: 100 * MB, signal: controller.signal, onProgress: () => controller.abort(), lateImageWatchMs: 0 }),
    ).rejects.toMatchObject({ code: 'image_pull_cancelled' });
    expect(docker.storedImages.has(owned.id)).toBe(true);
    expect(docker.methods()).not.toContain('removeImage');
  });
});
