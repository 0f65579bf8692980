/**
 * Issue 13, problem 8: stopping the headless agent cancelled a running job silently. Now
 * the first SIGTERM/SIGINT keeps a non-preemptible job running (nothing new is claimed) and
 * says so, with how to stop at once; a second signal stops now, saying the unpaid work is lost.
 * Real `rigshift headless --run-job` with a busybox job on the Docker engine.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSpec } from '../../shared/domain/job';
import type { Snapshot } from '../../shared/domain/snapshot';
import { cliBundle } from '../helpers/cli';
import { type HeadlessProcess, startHeadlessAgent } from '../helpers/headless-process';
import { buildJobTestImage, busyboxAvailable, type JobTestImage } from '../helpers/job-images';
import { dockerEngine, fileExists, need } from '../helpers/requirements';
import { tempDir } from '../helpers/temp-dir';

const ready = need(fileExists(cliBundle, 'npm run build')) && need(dockerEngine()) && need(busyboxAvailable());

describe.skipIf(!ready)('rigshift headless: the first stop signal finishes the job, a second stops at once', () => {
  const dir = tempDir('rigshift-headless-stop-');
  let image: JobTestImage;
  let agent: HeadlessProcess;

  beforeAll(async () => {
    image = buildJobTestImage();
    const spec: JobSpec = {
      version: 1,
      name: 'long unpaid job',
      image: image.reference,
      entrypoint: ['/bin/sh', '-c'],
      command: ['sleep 90'],
      inputs: [],
      outputs: { maxTotalBytes: 1024 * 1024, maxFiles: 10 },
      resources: { gpus: 0, minVramMiB: 0, cpus: 0.5, memoryMiB: 64, scratchMiB: 0 },
      maxDurationSeconds: 120,
      preemptible: false,
      network: 'none',
    };
    const specFile = join(dir.path, 'job.json');
    writeFileSync(specFile, JSON.stringify(spec));
    agent = await startHeadlessAgent(['--data-dir', join(dir.path, 'data'), '--run-job', specFile]);
  }, 60_000);

  afterAll(async () => {
    if (agent && agent.child.exitCode === null) agent.child.kill('SIGKILL');
    image?.remove();
    dir.cleanup();
  });

  it('keeps the job after the first SIGTERM and stops at the second, saying what is lost', async () => {
    const end = Date.now() + 60_000;
    for (;;) {
      const response = await fetch(`${agent.origin}/api/call/getSnapshot`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${agent.token}` }, body: '{}' });
      const snapshot = ((await response.json()) as { value: Snapshot }).value;
      if (snapshot.jobs.active.some((j) => j.state === 'running')) break;
      if (Date.now() > end) throw new Error(`the job never ran\n${agent.output().slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const exited = new Promise<number | null>((resolve) => agent.child.once('exit', (code) => resolve(code)));
    agent.child.kill('SIGTERM');
    await expect.poll(() => agent.output(), { timeout: 5_000 }).toMatch(/finishing the running job "long unpaid job" before stopping/);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(agent.child.exitCode).toBeNull();
    expect(agent.output()).not.toMatch(/ended: cancelled/);

    agent.child.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 20_000))]);
    expect(code).toBe(0);
    expect(agent.output()).toMatch(/stopping now; the running job is cancelled and its unpaid work is lost/);
  }, 90_000);
});
