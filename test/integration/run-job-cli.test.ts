/**
 * `rigshift run-job` end to end, as a user runs it (the bin shim and the built bundle),
 * against the real engine; and crash recovery: the CLI is SIGKILLed mid-job, then a
 * long-running agent starts and its orphan sweep removes the container.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { JobRecord, JobSpec } from '../../shared/domain/job';
import { createAgent } from '../../electron/agent/agent';
import { createDockerodeRuntime } from '../../electron/agent/docker/dockerode-runtime';
import { cleanupStaleWorkspaces } from '../../electron/agent/jobs/job-runner';
import { fakeAgentDeps } from '../fakes/fake-agent-deps';
import { cliBundle, cliShim, repoRoot, runCli } from '../helpers/cli';
import { buildJobTestImage, busyboxAvailable, type JobTestImage } from '../helpers/job-images';
import { dockerEngine, fileExists, need } from '../helpers/requirements';
import { tempDir } from '../helpers/temp-dir';

const ready = need(dockerEngine()) && need(busyboxAvailable()) && need(fileExists(cliBundle, 'npm run build:electron'));
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

async function containersOwnedBy(pid: number) {
  return new Docker().listContainers({ all: true, filters: { label: [`io.rigshift.owner-pid=${pid}`, 'io.rigshift.role=job'] } });
}

describe.skipIf(!ready)('rigshift run-job (real Docker engine)', () => {
  let image: JobTestImage;
  let dir: ReturnType<typeof tempDir>;
  beforeAll(() => {
    image = buildJobTestImage();
  });
  afterAll(() => image?.remove());
  beforeEach(() => (dir = tempDir('rigshift-run-job-')));
  afterEach(() => dir.cleanup());

  function writeSpec(script: string, over: Partial<JobSpec> = {}): string {
    const spec: JobSpec = {
      version: 1,
      name: 'cli job',
      image: image.reference,
      entrypoint: ['/bin/sh', '-c'],
      command: [script],
      inputs: [],
      outputs: { maxTotalBytes: 1024 * 1024, maxFiles: 10 },
      resources: { gpus: 0, minVramMiB: 0, cpus: 0.5, memoryMiB: 128, scratchMiB: 0 },
      maxDurationSeconds: 60,
      preemptible: true,
      network: 'none',
      ...over,
    };
    const path = join(dir.path, 'spec.json');
    writeFileSync(path, JSON.stringify(spec));
    return path;
  }

  it('runs a job and prints its record as JSON; exit code 0', async () => {
    const spec = writeSpec('echo hello from the job; printf one > /workspace/out/one.txt; printf two > /workspace/out/two.txt');
    const run = await runCli(['run-job', spec, '--json', '--data-dir', join(dir.path, 'data'), '--runtime', 'runc']);
    expect(run.stderr).toContain('job| hello from the job');
    expect(run.code).toBe(0);
    const record = JSON.parse(run.stdout) as JobRecord;
    expect(record).toMatchObject({
      reason: 'completed',
      runtime: 'runc',
      outputs: [
        { name: 'one.txt', sizeBytes: 3, sha256: sha('one') },
        { name: 'two.txt', sizeBytes: 3, sha256: sha('two') },
      ],
    });
    const left = await new Docker().listContainers({ all: true, filters: { label: [`io.rigshift.job-id=${record.id}`] } });
    expect(left).toEqual([]);
    expect(existsSync(join(dir.path, 'data', 'jobs', record.id, 'results', 'one.txt'))).toBe(true);
  });

  it('exits 1 with the reason for a job that fails', async () => {
    const spec = writeSpec('echo bad news >&2; exit 4');
    const run = await runCli(['run-job', spec, '--data-dir', join(dir.path, 'data')]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/Job failed: cli job/);
    expect(run.stderr).toMatch(/rigshift: job failed: Exited with code 4 .*bad news/);
  });

  it('refuses an invalid spec with every reason on one line', async () => {
    const path = join(dir.path, 'bad.json');
    writeFileSync(path, JSON.stringify({ version: 1, name: 'x', image: 'ubuntu:latest', privileged: true }));
    const run = await runCli(['run-job', path, '--data-dir', join(dir.path, 'data')]);
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^rigshift: the job spec is not valid: .*digest.*; .*privileged/);
  });

  it('refuses an image on a loopback registry before the Docker engine ever contacts it', async () => {
    // What the attack run saw: dockerd opened connections to a loopback port named as a registry.
    let connections = 0;
    const listener = createNetServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    try {
      const port = (listener.address() as AddressInfo).port;
      const spec = writeSpec('echo never', { image: `127.0.0.1:${port}/hidden/attack@sha256:${'c'.repeat(64)}` });
      const run = await runCli(['run-job', spec, '--data-dir', join(dir.path, 'data'), '--runtime', 'runc']);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`image names the registry "127.0.0.1:${port}", a loopback address`);
      // Long enough for an engine pull to have reached the port had it been asked.
      await new Promise((r) => setTimeout(r, 500));
      expect(connections).toBe(0);
    } finally {
      await new Promise((resolve) => listener.close(resolve));
    }
  });

  it('Ctrl-C cancels the job, removes its container and exits 1', async () => {
    const spec = writeSpec('echo waiting; sleep 120');
    const child = spawn(process.execPath, [cliShim, 'run-job', spec, '--json', '--data-dir', join(dir.path, 'data')], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const deadline = Date.now() + 30_000;
    while (!stderr.includes('job| waiting') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGINT');
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await exited;
    clearTimeout(killer);
    expect(code).toBe(1);
    const record = JSON.parse(stdout) as JobRecord;
    expect(record.reason).toBe('cancelled');
    expect(await containersOwnedBy(child.pid!)).toEqual([]);
    expect(existsSync(join(dir.path, 'data', 'jobs', record.id, 'out'))).toBe(false);
  });

  it('a job outlives no deadline: with the CLI killed -9 mid-job and no agent restarted, its watchdog removes the container', async () => {
    const limitSeconds = 5;
    const graceSeconds = 2; // the runner's default stop grace
    const spec = writeSpec('echo long job; sleep 100000', { maxDurationSeconds: limitSeconds });
    const child = spawn(process.execPath, [cliShim, 'run-job', spec, '--data-dir', join(dir.path, 'data'), '--runtime', 'runc'], {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise((resolve) => child.on('close', resolve));
    let printedAt: number;
    try {
      const until = Date.now() + 30_000;
      while (!stderr.includes('job| long job') && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      expect(stderr).toContain('job| long job');
      // The job has started (it printed): its deadline is at most limitSeconds from now.
      printedAt = Date.now();
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    // Nobody is left to enforce the deadline but the watchdog: the container still runs now.
    expect(await containersOwnedBy(child.pid!)).toHaveLength(1);
    const bound = printedAt + (limitSeconds + graceSeconds + 5) * 1000;
    while ((await containersOwnedBy(child.pid!)).length > 0 && Date.now() < bound + 5_000) await new Promise((r) => setTimeout(r, 250));
    const goneAt = Date.now();
    expect(await containersOwnedBy(child.pid!)).toEqual([]);
    expect(goneAt).toBeLessThanOrEqual(bound);
  }, 60_000);

  it('after the CLI is killed mid-job, a starting agent removes the container and the workspace goes', async () => {
    const dataDir = join(dir.path, 'data');
    const spec = writeSpec('echo long job; sleep 120');
    const child = spawn(process.execPath, [cliShim, 'run-job', spec, '--data-dir', dataDir, '--runtime', 'runc'], {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise((resolve) => child.on('close', resolve));
    try {
      const deadline = Date.now() + 30_000;
      while (!stderr.includes('job| long job') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(stderr).toContain('job| long job');
      expect(await containersOwnedBy(child.pid!)).toHaveLength(1);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    // The kill left an orphan: nobody removed the container or the workspace.
    expect(await containersOwnedBy(child.pid!)).toHaveLength(1);
    const jobs = readdirSync(join(dataDir, 'jobs')).filter((name) => !name.endsWith('.log'));
    expect(jobs).toHaveLength(1);
    expect(existsSync(join(dataDir, 'jobs', jobs[0]!, 'out'))).toBe(true);

    const { deps } = fakeAgentDeps({ docker: createDockerodeRuntime() });
    const agent = createAgent(deps);
    await agent.start({ longRunning: true });
    await agent.settled();
    expect(await containersOwnedBy(child.pid!)).toEqual([]);
    await agent.stop();

    expect(cleanupStaleWorkspaces(dataDir, [])).toEqual(jobs);
    expect(existsSync(join(dataDir, 'jobs', jobs[0]!))).toBe(false);
  });
});
