/**
 * Attacks on isolation (sandbox.md section 6, rows 7-13 and 15): reaching host files,
 * the engine, the network, privileges, /proc and /sys, another job. The probes print the
 * exact errno; gVisor (runsc) answers from its own kernel (the Sentry), so some errnos
 * differ from runc and a few operations that only touch the Sentry's own state succeed;
 * each such case is named where it is asserted.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeRun, expectContained, probe, runAttack, type AttackRun, type Runtime, type SuiteEnv } from './attack-harness';
import { startDecoyListener } from './decoy-listener';
import { bridgeGateway } from './host-guard';

const reverse = (text: string) => [...text].reverse().join('');

function expectFailed(run: AttackRun, names: readonly string[]): void {
  for (const name of names) expect(probe(run, name), `${name}\n${describeRun(run)}`).toMatch(/^errno=E[A-Z]+$/);
}

export function isolationAttacks(env: () => SuiteEnv, runtime: Runtime): void {
  const gvisor = runtime === 'runsc';

  it('host paths: nothing of the host is mounted; symlinks in out/ are not followed back out', async () => {
    const decoy = env().decoy.path;
    // /proc/1/root is the job's own init's root (its own PID namespace), so it must not lead
    // to the host's files: the decoy is not there, and /etc/shadow there is the image's (0600).
    const paths = ['/host', '/mnt/c', '/mnt/wsl', '/var/lib/docker', '/run/containerd', decoy, `/proc/1/root${decoy}`];
    const script = `probe hostpaths ${paths.join(' ')} /proc/1/root/etc/shadow /workspace/out /etc/passwd; ln -s ${decoy} /workspace/out/decoy-link; ln -s / /workspace/out/root-link`;
    const run = await runAttack(env(), runtime, { name: 'hostpaths', script });
    expect(run.record.reason, describeRun(run)).toBe('completed');
    expectFailed(run, [...paths.flatMap((p) => [`stat:${p}`, `open:${p}`]), 'open:/proc/1/root/etc/shadow']);
    // Controls: the probe does see what is really there.
    expect(probe(run, 'stat:/workspace/out')).toBe('ok');
    expect(probe(run, 'open:/etc/passwd')).toBe('ok');
    expect(run.record.outputs).toEqual([]);
    expect(run.record.message).toMatch(/decoy-link \(a symbolic link\)/);
    const results = join(run.dataDir, 'jobs', run.jobId, 'results');
    expect(existsSync(results) ? readdirSync(results) : []).toEqual([]);
    await expectContained(env(), runtime, run);
  }, 40_000);

  it('docker API: no socket inside, and the engine ports on the bridge gateway are unreachable', async () => {
    const gw = (await bridgeGateway()) ?? '172.17.0.1';
    const script = `probe hostpaths /var/run/docker.sock /run/docker.sock /run/containerd/containerd.sock; probe connect docker-api ${gw} 2375; probe connect docker-api-tls ${gw} 2376`;
    const run = await runAttack(env(), runtime, { name: 'dockersock', script });
    expect(run.record.reason, describeRun(run)).toBe('completed');
    expectFailed(run, ['stat:/var/run/docker.sock', 'stat:/run/docker.sock', 'stat:/run/containerd/containerd.sock']);
    // NetworkMode none: no route at all (runc ENETUNREACH, gVisor EHOSTUNREACH).
    expect(probe(run, 'connect-docker-api')).toMatch(/^errno=E(NETUNREACH|HOSTUNREACH)$/);
    expect(probe(run, 'connect-docker-api-tls')).toMatch(/^errno=E(NETUNREACH|HOSTUNREACH)$/);
    await expectContained(env(), runtime, run);
  }, 40_000);

  it('raw sockets and AF_PACKET: EPERM (no NET_RAW)', async () => {
    const run = await runAttack(env(), runtime, { name: 'rawsock', script: 'probe rawsock' });
    expect(run.record.reason, describeRun(run)).toBe('completed');
    for (const name of ['raw-icmp', 'af-packet', 'raw-tcp']) expect(probe(run, name), name).toBe('errno=EPERM');
    await expectContained(env(), runtime, run);
  }, 40_000);

  it('capabilities: none effective, the root the image asks for is overridden, privileged syscalls fail', async () => {
    const script = 'probe caps; echo "PROBE nvidia-env $NVIDIA_VISIBLE_DEVICES"; probe syscalls';
    const run = await runAttack(env(), runtime, { name: 'caps', script });
    expect(run.record.reason, describeRun(run)).toBe('completed');
    for (const name of ['CapEff', 'CapPrm', 'CapBnd']) expect(probe(run, name), name).toBe('0000000000000000');
    expect(probe(run, 'uid')).toBe('10001');
    expect(probe(run, 'euid')).toBe('10001');
    expect(probe(run, 'nvidia-env')).toBe('void'); // the image's ENV said "all"
    // gVisor reports its own view: NoNewPrivs 1 but no Seccomp line of the host filter.
    if (!gvisor) {
      expect(probe(run, 'NoNewPrivs')).toBe('1');
      expect(probe(run, 'Seccomp')).toBe('2');
    }
    const denied = ['mount', 'unshare-net', 'keyctl', 'bpf', 'perf_event_open', 'init_module', 'chroot', 'setuid0'];
    if (gvisor) {
      // Same outcome, gVisor's errnos (keyctl EACCES, perf_event_open ENODEV).
      expectFailed(run, denied);
      // gVisor quirks: user and mount namespaces and device nodes are the Sentry's own
      // objects. unshare(CLONE_NEWUSER|CLONE_NEWNS) succeed and mknod makes a node in the
      // Sentry's tmpfs, but no host device is behind it: opening "/dev/mem" fails.
      expect(probe(run, 'mknod-open') ?? 'errno=none', describeRun(run)).toMatch(/^errno=/);
    } else {
      for (const name of [...denied, 'unshare-user', 'unshare-mount', 'mknod']) expect(probe(run, name), name).toBe('errno=EPERM');
    }
    await expectContained(env(), runtime, run);
  }, 40_000);

  it('setuid escalation: a setuid-root binary in the image keeps euid 10001 (no-new-privileges)', async () => {
    const run = await runAttack(env(), runtime, { name: 'setuid', script: 'ls -l /usr/local/bin/suid-probe; suid-probe' });
    expect(run.record.reason, describeRun(run)).toBe('completed');
    expect(run.lines.some((l) => /^-rwsr-xr-x\s+1 root\s+root/.test(l)), 'the image lost its setuid bit').toBe(true);
    expect(probe(run, 'suid-euid')).toBe('10001');
    expect(probe(run, 'suid-euid-after')).toBe('10001');
    expect(probe(run, 'suid-setuid0')).toBe('errno=EPERM');
    expect(probe(run, 'suid-setresuid0')).toBe('errno=EPERM');
    expect(probe(run, 'suid-read-shadow')).toBe('errno=EACCES');
    await expectContained(env(), runtime, run);
  }, 40_000);

  it('/proc and /sys: kcore, sysrq, /sys and core_pattern writes, kernel log and other PIDs are out of reach', async () => {
    const run = await runAttack(env(), runtime, { name: 'procsys', script: 'probe procsys' });
    expect(run.record.reason, describeRun(run)).toBe('completed');
    // runc masks /proc/kcore with an empty file; gVisor has none.
    expect(probe(run, 'read-kcore')).toMatch(/^(empty|errno=E[A-Z]+)$/);
    expectFailed(run, ['open-sysrq-trigger', 'open-sys-uevent-helper', 'open-sys-net-mtu', 'create-sys', 'open-core-pattern']);
    if (gvisor) {
      // gVisor's syslog is its own canned text, never the host kernel's ring buffer.
      const hostKernel = /^Linux version (\S+)/.exec(readFileSync('/proc/version', 'utf8'))?.[1] ?? 'host-kernel';
      expect(probe(run, 'dmesg-text') ?? '').toContain('gVisor');
      expect(probe(run, 'dmesg-text') ?? '').not.toContain(hostKernel);
    } else {
      expect(probe(run, 'dmesg')).toBe('errno=EPERM');
    }
    const kallsyms = probe(run, 'kallsyms-first');
    if (kallsyms !== undefined) expect(kallsyms).toMatch(/^0+$/);
    const pids = run.probes.get('pid') ?? [];
    const comms = pids.map((p) => p.split(' ')[1]);
    expect(pids.length, describeRun(run)).toBeGreaterThan(0);
    expect(pids.length).toBeLessThanOrEqual(4);
    for (const comm of comms) expect(['docker-init', 'sh', 'probe', 'tini']).toContain(comm);
    await expectContained(env(), runtime, run);
  }, 40_000);

  it('network none: only lo; host loopback and docker0 decoys and the gateway see nothing', async () => {
    const gw = await bridgeGateway();
    const loopDecoy = await startDecoyListener('127.0.0.1');
    const gwDecoy = gw ? await startDecoyListener(gw) : null;
    try {
      const script = [
        'probe netif',
        // Control: a listener inside the job's own loopback is reachable, so the probe works.
        'nc -l -p 7000 >/dev/null 2>&1 &',
        'sleep 0.5',
        'probe connect lo-control 127.0.0.1 7000',
        `probe connect host-loopback-decoy 127.0.0.1 ${loopDecoy.port}`,
        gwDecoy ? `probe connect gateway-decoy ${gwDecoy.host} ${gwDecoy.port}` : 'true',
      ].join('\n');
      const run = await runAttack(env(), runtime, { name: 'network', script });
      expect(run.record.reason, describeRun(run)).toBe('completed');
      expect(run.probes.get('netif')).toEqual(['lo']);
      expect(probe(run, 'connect-lo-control'), describeRun(run)).toBe('ok');
      // The job's 127.0.0.1 is its own: nothing listens on the decoy's port there.
      expect(probe(run, 'connect-host-loopback-decoy')).toBe('errno=ECONNREFUSED');
      if (gwDecoy) expect(probe(run, 'connect-gateway-decoy')).toMatch(/^errno=E(NETUNREACH|HOSTUNREACH)$/);
      expect(loopDecoy.connections()).toBe(0);
      expect(gwDecoy?.connections() ?? 0).toBe(0);
      await expectContained(env(), runtime, run);
    } finally {
      await loopDecoy.close();
      await gwDecoy?.close();
    }
  }, 40_000);

  it('cross-job: two concurrent jobs see neither the other\'s processes, files nor network', async () => {
    const marker = `XJOB${Date.now().toString(36)}`;
    const scanDirs = '/tmp /scratch /workspace/out /workspace/in';
    const scriptA = [
      `echo ${marker} > /tmp/a; echo ${marker} > /scratch/a; echo ${marker} > /workspace/out/a`,
      'nc -l -p 7100 >/dev/null 2>&1 &',
      // Control: job A finds its own marker (its files and its shell's command line).
      `sleep 0.3; probe scan ${reverse(marker)} ${scanDirs}; sleep 7`,
    ].join('\n');
    const scriptB = `sleep 3; probe scan ${reverse(marker)} ${scanDirs}; probe connect peer 127.0.0.1 7100`;
    let scannedAt = 0;
    const [a, b] = await Promise.all([
      runAttack(env(), runtime, { name: 'crossA', script: scriptA }),
      runAttack(env(), runtime, { name: 'crossB', script: scriptB, onLine: (text) => text === 'PROBE scan-done' && (scannedAt = Date.now()) }),
    ]);
    expect(a.record.reason, describeRun(a)).toBe('completed');
    expect(b.record.reason, describeRun(b)).toBe('completed');
    expect(a.probes.get('scan-found-file')?.length, describeRun(a)).toBe(3);
    expect(a.probes.get('scan-found-process')?.length ?? 0).toBeGreaterThan(0);
    // B scanned while A was running, and found nothing of A.
    expect(scannedAt).toBeGreaterThan(Date.parse(a.record.timings.startedAt!));
    expect(scannedAt).toBeLessThan(Date.parse(a.record.timings.finishedAt!));
    expect(b.probes.has('scan-done'), describeRun(b)).toBe(true);
    expect(b.probes.get('scan-found-file')).toBeUndefined();
    expect(b.probes.get('scan-found-process')).toBeUndefined();
    expect(probe(b, 'connect-peer')).toBe('errno=ECONNREFUSED');
    await expectContained(env(), runtime, a);
    await expectContained(env(), runtime, b);
  }, 60_000);
}
