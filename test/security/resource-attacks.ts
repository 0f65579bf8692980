/**
 * Attacks on the owner's resources (sandbox.md section 6, rows 1-6, 21 and an image that
 * never starts): each one runs through the real runner and must end with the right
 * reason, the host unaffected and nothing left behind (expectContained).
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { DEFAULT_LOG_LIMITS } from '../../electron/agent/jobs/log-capture';
import { outputLimitMessage } from '../../electron/agent/jobs/output-collector';
import { describeRun, expectContained, plannedCreateOptions, probe, runAttack, type Runtime, type SuiteEnv, attackSpec } from './attack-harness';

const MiB = 1024 * 1024;

/** "rw,nosuid,nodev,exec,size=67108864" -> 67108864 */
function tmpfsSize(options: string | undefined): number {
  const m = /(?:^|,)size=(\d+)([kmg]?)(?:,|$)/i.exec(options ?? '');
  if (!m) throw new Error(`tmpfs options without a size: ${options}`);
  const unit = { '': 1, k: 1024, m: MiB, g: 1024 * MiB }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(m[1]) * unit;
}

/** "10m" -> bytes, as the json-file log driver reads max-size. */
function logSize(value: string): number {
  const m = /^(\d+)([kmg]?)$/i.exec(value);
  if (!m) throw new Error(`unexpected max-size ${value}`);
  return Number(m[1]) * { '': 1, k: 1024, m: MiB, g: 1024 * MiB }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
}

export function resourceAttacks(env: () => SuiteEnv, runtime: Runtime): void {
  const gvisor = runtime === 'runsc';

  it('fork bomb (C): fork fails at PidsLimit, the job ends, no process is left', async () => {
    const run = await runAttack(env(), runtime, { name: 'forkbomb', script: 'probe forkbomb 4096 1' });
    const pidsLimit = plannedCreateOptions(run.spec, runtime).HostConfig!.PidsLimit!;
    // A "capped count=4096" line means nothing ever said no: no limit held.
    expect(probe(run, 'fork') ?? '', describeRun(run)).not.toMatch(/capped/);
    // runc: the job's processes are host processes, capped by the pids cgroup. runsc: the
    // host sees the sandbox's processes and threads, capped by the same cgroup (raised for
    // runsc to RUNSC_HOST_PIDS_LIMIT, see hardened-host-config.ts).
    expect(run.samples.maxHostProcesses).toBeLessThanOrEqual(pidsLimit);
    const fork = probe(run, 'fork') ?? '';
    if (gvisor) {
      // gVisor (runsc 2022): the pids cgroup counts the sandbox's host threads and stub
      // processes, not the bomb's tasks one for one, so fork() need not fail with EAGAIN
      // before something else ends the bomb. Measured with PidsLimit 4096: at this job's
      // 128 MiB the memory limit ends it (oom, ~1 s, ~80 host processes). Any of these
      // ends is safe; what must never happen here is a bomb nothing stops ("capped" above),
      // or the sandbox dying at once ('failed', exit 2) as it did with PidsLimit 512. (With
      // 1 GiB of memory the bomb's host processes reach the 4096 limit first and the
      // sandbox dies, exit 2 after ~9 s: contained too, reported as the job's own failure.)
      if (run.record.reason === 'completed') expect(fork, describeRun(run)).toMatch(/^errno=EAGAIN count=\d+$/);
      else expect(['oom', 'timed-out'], describeRun(run)).toContain(run.record.reason);
    } else {
      expect(run.record.reason, describeRun(run)).toBe('completed');
      expect(fork, describeRun(run)).toMatch(/^errno=EAGAIN count=\d+$/);
      expect(Number(/count=(\d+)/.exec(fork)![1])).toBeLessThan(pidsLimit);
      expect(run.samples.maxHostProcesses, 'the sampler never saw the bomb').toBeGreaterThan(pidsLimit / 2);
    }
    await expectContained(env(), runtime, run);
  }, 40_000);

  it('fork bomb (shell one-liner): runs into PidsLimit until its deadline, then is stopped', async () => {
    const run = await runAttack(env(), runtime, { name: 'shellbomb', script: 'b() { b | b & }; b; sleep 30', maxDurationSeconds: 3 });
    // Under runsc the bomb's tasks are not host processes; the memory limit may end it first.
    expect(gvisor ? ['timed-out', 'oom'] : ['timed-out'], describeRun(run)).toContain(run.record.reason);
    await expectContained(env(), runtime, run);
  }, 40_000);

  it('many workers (control for PidsLimit): 200 concurrent processes, far below the limit, complete', async () => {
    // A build or a data loader with a few hundred processes is an ordinary job. Under runsc
    // the host pids cgroup also counts the Sentry's own threads: with PidsLimit 512 the
    // sandbox died (Go runtime exit 2, no output) with only ~50 sleeping tasks, which is why
    // runsc containers get RUNSC_HOST_PIDS_LIMIT instead.
    const script = 'i=0; while [ $i -lt 200 ]; do sleep 2 & i=$((i+1)); done; echo "PROBE workers $i"; wait';
    const run = await runAttack(env(), runtime, { name: 'workers', script, resources: { memoryMiB: 256 } });
    expect(run.record.reason, describeRun(run)).toBe('completed');
    expect(probe(run, 'workers')).toBe('200');
    await expectContained(env(), runtime, run);
  }, 40_000);

  it('memory bomb: the container is OOM-killed and the record says oom', async () => {
    const run = await runAttack(env(), runtime, { name: 'membomb', script: 'probe memhog 4096', resources: { memoryMiB: 128 } });
    expect(probe(run, 'memhog'), 'the memory limit never bit').toBeUndefined();
    expect(run.record.reason, describeRun(run)).toBe('oom');
    expect(run.record.message).toMatch(/memory \(128 MiB\)/);
    await expectContained(env(), runtime, run);
  }, 40_000);

  it('tmpfs fill: /tmp, /scratch and /dev/shm stop at their configured sizes (ENOSPC/EFBIG)', async () => {
    const options = { name: 'tmpfsfill', resources: { memoryMiB: 320, scratchMiB: 32 } };
    const planned = plannedCreateOptions(attackSpec(env(), options), runtime).HostConfig!;
    const sizes = {
      tmp: tmpfsSize(planned.Tmpfs?.['/tmp']),
      scratch: tmpfsSize(planned.Tmpfs?.['/scratch']),
      shm: planned.ShmSize ?? 64 * MiB,
    };
    const script = 'probe fill tmp /tmp/fill 1024; probe fill scratch /scratch/fill 1024; probe fill shm /dev/shm/fill 1024';
    const run = await runAttack(env(), runtime, { ...options, script });
    expect(run.record.reason, describeRun(run)).toBe('completed');
    for (const [name, size] of Object.entries(sizes)) {
      const line = probe(run, name) ?? '';
      // ENOSPC from the tmpfs, or EFBIG where the fsize ulimit equals the tmpfs size (/tmp):
      // either way the write stops at the configured size.
      expect(line, `${name}: ${describeRun(run)}`).toMatch(/^errno=E(NOSPC|FBIG) bytes=\d+$/);
      expect(Number(/bytes=(\d+)/.exec(line)![1]), name).toBeLessThanOrEqual(size);
      expect(Number(/bytes=(\d+)/.exec(line)![1]), name).toBeGreaterThan(size / 2);
    }
    await expectContained(env(), runtime, run);
  }, 40_000);

  it('rootfs write: the image root is read-only (EROFS even where file modes would allow it)', async () => {
    const run = await runAttack(env(), runtime, { name: 'rootfs', script: 'probe rootfs' });
    expect(run.record.reason, describeRun(run)).toBe('completed');
    // /srv/writable is mode 1777 in the image: only a read-only root stops this write.
    expect(probe(run, 'create-writable-dir')).toBe('errno=EROFS');
    expect(probe(run, 'mkdir-bin')).toBe('errno=EROFS');
    // gVisor checks the directory's permissions before read-only-ness: EACCES for root-owned dirs.
    for (const name of ['create-usr', 'create-etc', 'create-root']) {
      expect(probe(run, name), name).toBe(gvisor ? 'errno=EACCES' : 'errno=EROFS');
    }
    expect(probe(run, 'write-passwd')).toBe('errno=EACCES');
    await expectContained(env(), runtime, run);
  }, 40_000);

  it('log flood: the kept log, the agent memory and the engine log on disk all stay capped', async () => {
    const spec = attackSpec(env(), { name: 'plan' });
    const logConfig = plannedCreateOptions(spec, runtime).HostConfig!.LogConfig!;
    const engineCap = logSize(logConfig.Config!['max-size']!) * Number(logConfig.Config!['max-file'] ?? 1);
    const floodBytes = Math.min(64 * MiB, Math.round(engineCap * 1.5));
    const rssBefore = process.memoryUsage().rss;
    const run = await runAttack(env(), runtime, { name: 'logflood', script: `probe flood ${floodBytes}` });
    expect(run.record.reason, describeRun(run)).toBe('completed');
    expect(run.record.logs.bytesKept).toBeLessThanOrEqual(DEFAULT_LOG_LIMITS.maxKeptBytes);
    expect(run.record.logs.bytesDropped, 'the flood was not seen at all').toBeGreaterThan(DEFAULT_LOG_LIMITS.maxKeptBytes);
    const keptFile = join(run.dataDir, 'jobs', `${run.jobId}.log`);
    // Each kept line is written with a 5-byte "out| " prefix.
    expect(statSync(keptFile).size).toBeLessThanOrEqual(DEFAULT_LOG_LIMITS.maxKeptBytes * 1.01);
    expect(run.samples.maxAgentRss - rssBefore, 'the agent buffered the flood').toBeLessThan(256 * MiB);
    expect(run.samples.maxEngineLogBytes, 'the sampler never saw the engine log').toBeGreaterThan(0);
    // json-file checks max-size before each write, so a file can pass it by one entry.
    expect(run.samples.maxEngineLogBytes).toBeLessThanOrEqual(engineCap + 64 * 1024);
    await expectContained(env(), runtime, run);
  }, 60_000);

  it('output bomb: writing past maxTotalBytes fails the job; the host folder stays bounded and is removed', async () => {
    // 8 MiB files (under the per-file fsize ulimit), up to 512 MiB in all; the cap is 1 MiB.
    const script = 'i=0; while [ $i -lt 64 ]; do dd if=/dev/zero of=/workspace/out/bomb$i bs=1M count=8 2>/dev/null || break; i=$((i+1)); done; echo wrote $i';
    const run = await runAttack(env(), runtime, { name: 'outbomb', script, outputs: { maxTotalBytes: MiB, maxFiles: 100 } });
    expect(run.record.reason, describeRun(run)).toBe('failed');
    expect(run.record.message).toContain(outputLimitMessage(run.spec.outputs));
    expect(run.record.outputs).toEqual([]);
    expect(run.samples.maxOutputBytes, 'the sampler never saw out/ grow').toBeGreaterThan(MiB);
    // How far past the cap a job gets before it is stopped is what the owner's disk pays.
    // maxOutputBytes includes a measurement taken as the runner removes the container (see
    // attack-harness.ts), so it is the true peak, not what a 100 ms sampler happened to see.
    // The runner kills on the first measurement past the cap (change events on out/); what
    // still lands is the write rate times the detection and engine-kill latency (~70 ms
    // runc, ~150 ms runsc on a busy 2-core host). Measured over ~12 runs each: 19-64 MiB
    // past the cap under runc, 8-41 MiB under runsc (before the watch: up to 320 MiB).
    // Bound: the cap plus two files at the fsize ulimit (64 MiB each here, set by the /tmp
    // size): one file being written when the watcher fires, and the writes that land while
    // the engine carries out the SIGKILL, which on a loaded CI machine can reach another
    // file's worth (the runc runs above peaked at 64 MiB past the cap on an idle host).
    // This is a soft bound, a latency figure, not a kernel limit: the hard bound (a
    // size-capped tmpfs volume for out/) is described in job-runner.ts.
    const fsize = plannedCreateOptions(run.spec, runtime).HostConfig!.Ulimits!.find((u) => u.Name === 'fsize')!.Hard!;
    expect(run.samples.maxOutputBytes, 'out/ on the host grew far past the cap').toBeLessThanOrEqual(run.spec.outputs.maxTotalBytes + 2 * fsize);
    await expectContained(env(), runtime, run);
  }, 40_000);

  it('SIGTERM-trapping job with a daemon, past its deadline: timed-out, killed after the grace, gone', async () => {
    const script = 'trap "" TERM; setsid sleep 1000 & while true; do sleep 1; done';
    const run = await runAttack(env(), runtime, { name: 'sigterm', script, maxDurationSeconds: 2, runner: { stopGraceSeconds: 2 } });
    expect(run.record.reason, describeRun(run)).toBe('timed-out');
    expect(run.record.message).toMatch(/limit/);
    // Deadline (2 s) + grace (2 s) + engine stop/remove margin.
    expect(run.record.timings.runMs!).toBeGreaterThanOrEqual(2000);
    expect(run.record.timings.runMs!).toBeLessThan(2000 + 2000 + 3000);
    await expectContained(env(), runtime, run);
  }, 40_000);

  it('image that never starts (bad entrypoint): failed with a clear message, nothing left', async () => {
    const run = await runAttack(env(), runtime, { name: 'badentry', entrypoint: ['/no/such/entrypoint'], command: [] });
    expect(run.record.reason, describeRun(run)).toBe('failed');
    expect(run.record.message).toMatch(/\/no\/such\/entrypoint|no such file|not found/i);
    await expectContained(env(), runtime, run);
  }, 40_000);
}

