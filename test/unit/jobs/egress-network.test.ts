import { execFileSync } from 'node:child_process';
import { mkdirSync, chmodSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobSpecSchema } from '../../../shared/domain/job';
import { nonPublicAddressKind, NON_PUBLIC_IPV4_RANGES } from '../../../shared/domain/job-spec-validation';
import { locateBenchmarkImage } from '../../../electron/agent/benchmark/image-archive';
import {
  applyEgressFirewall,
  createEgressNetwork,
  createEgressNetworks,
  deleteRuleArgv,
  egressBridgeName,
  egressFirewallRules,
  egressFirewallSupport,
  removeEgressFirewall,
} from '../../../electron/agent/jobs/egress-network';
import { buildJobContainerOptions } from '../../../electron/agent/jobs/job-container-options';
import { createNodeCommandRunner } from '../../../electron/agent/node-adapters/command-runner';
import { FakeCommandRunner, exited } from '../../fakes/fake-command-runner';
import { repoRoot } from '../../helpers/cli';
import { dockerEngine, need, type Requirement } from '../../helpers/requirements';
import { tempDir } from '../../helpers/temp-dir';

const BR = 'rsj0123456789ab';
const SUBNET = '172.18.0.0/16';
const GATEWAY = '172.18.0.1';
const TAG = ['-m', 'comment', '--comment', `rigshift-egress:${BR}`];
const ins = (bin: string, chain: string, ...match: string[]) => [bin, '-w', '-I', chain, '1', ...match, ...TAG];

/** The rules as they must read from the top of each chain. */
const DOCKER_USER_IN_ORDER = [
  ins('iptables', 'DOCKER-USER', '-i', BR, '!', '-s', SUBNET, '-j', 'DROP'),
  // Every IPv4 block of the IANA special-purpose registry (address-policy.ts), in table order.
  ...NON_PUBLIC_IPV4_RANGES.map((range) => ins('iptables', 'DOCKER-USER', '-i', BR, '-d', range, '-j', 'DROP')),
  ins('iptables', 'DOCKER-USER', '-i', BR, '-d', '172.18.0.1/32', '-j', 'DROP'),
  ins('iptables', 'DOCKER-USER', '-i', BR, '-j', 'RETURN'),
  ins('iptables', 'DOCKER-USER', '-o', BR, '-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'RETURN'),
  ins('iptables', 'DOCKER-USER', '-o', BR, '-j', 'DROP'),
];

describe('egressFirewallRules', () => {
  it('gives the exact argv, bottom rule first so inserting at the top yields this order', () => {
    expect(egressFirewallRules(SUBNET, GATEWAY, BR)).toEqual([
      ...[...DOCKER_USER_IN_ORDER].reverse(),
      ins('iptables', 'INPUT', '-i', BR, '-j', 'DROP'),
      ins('ip6tables', 'FORWARD', '-o', BR, '-j', 'DROP'),
      ins('ip6tables', 'FORWARD', '-i', BR, '-j', 'DROP'),
      ins('ip6tables', 'INPUT', '-i', BR, '-j', 'DROP'),
    ]);
  });

  it('drops every range the input validator refuses, and each covers what the brief lists', () => {
    const dropped = egressFirewallRules(SUBNET, GATEWAY, BR)
      .filter((rule) => rule.includes('-d') && rule.includes('DROP'))
      .map((rule) => rule[rule.indexOf('-d') + 1]);
    expect(dropped).toEqual([...NON_PUBLIC_IPV4_RANGES, '172.18.0.1/32'].reverse());
    for (const probe of ['10.1.2.3', '172.20.0.1', '192.168.65.1', '100.64.0.1', '169.254.169.254', '127.0.0.1', '239.255.255.250']) {
      expect(nonPublicAddressKind(probe), probe).not.toBeNull();
    }
  });

  it('deleteRuleArgv turns an insert into the matching delete', () => {
    expect(deleteRuleArgv(ins('iptables', 'INPUT', '-i', BR, '-j', 'DROP'))).toEqual(['iptables', '-w', '-D', 'INPUT', '-i', BR, '-j', 'DROP', ...TAG]);
    expect(() => deleteRuleArgv(['iptables', '-A', 'INPUT'])).toThrow('not an insert rule');
  });

  it('bridge names fit Linux interface names and differ per job', () => {
    expect(egressBridgeName('job-1')).toMatch(/^rsj[0-9a-f]{12}$/);
    expect(egressBridgeName('job-1')).toBe(egressBridgeName('job-1'));
    expect(egressBridgeName('job-1')).not.toBe(egressBridgeName('job-2'));
  });
});

describe('applyEgressFirewall / removeEgressFirewall', () => {
  const rules = egressFirewallRules(SUBNET, GATEWAY, BR);

  it('runs every rule in order with a timeout', async () => {
    const commands = new FakeCommandRunner().on('iptables', null, exited('')).on('ip6tables', null, exited(''));
    await applyEgressFirewall(commands, rules);
    expect(commands.runs.map((r) => [r.command, ...r.args])).toEqual(rules);
    expect(commands.runs.every((r) => r.timeoutMs === 10_000)).toBe(true);
  });

  it('takes the applied rules out again when one fails, and says why', async () => {
    let calls = 0;
    const commands = new FakeCommandRunner()
      .on('iptables', null, (args) => {
        if (args[1] === '-D') return exited('');
        calls += 1;
        return calls === 3 ? exited('', 4, 'iptables v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)') : exited('');
      });
    await expect(applyEgressFirewall(commands, rules)).rejects.toThrow(
      'The egress firewall could not be set up (iptables exited with 4: iptables v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)).',
    );
    const deletes = commands.runs.filter((r) => r.args[1] === '-D').map((r) => [r.command, ...r.args]);
    expect(deletes).toEqual([deleteRuleArgv(rules[1] as string[]), deleteRuleArgv(rules[0] as string[])]);
  });

  it('removes last-installed first, treats missing rules as removed, reports real failures after trying all', async () => {
    const commands = new FakeCommandRunner()
      .on('iptables', null, exited('', 1, 'iptables: Bad rule (does a matching rule exist in that chain?).'))
      .on('ip6tables', null, { kind: 'missing' });
    await expect(removeEgressFirewall(commands, rules)).rejects.toThrow(
      'Some egress firewall rules could not be removed: ip6tables is not installed; ip6tables is not installed; ip6tables is not installed',
    );
    expect(commands.runs.map((r) => [r.command, ...r.args])).toEqual([...rules].reverse().map(deleteRuleArgv));
  });
});

describe('egressFirewallSupport', () => {
  const linux = { osType: 'linux', operatingSystem: 'Debian GNU/Linux 12 (bookworm)', platformName: '' };

  it.each([
    ['win32', linux],
    ['darwin', linux],
    ['linux', { ...linux, operatingSystem: 'Docker Desktop', platformName: 'Docker Desktop 4.44.3 (201234)' }],
  ] as const)('refuses egress on %s / Docker Desktop: the VM firewall is out of reach', async (platform, engine) => {
    const commands = new FakeCommandRunner().on('iptables', null, exited(''));
    expect(await egressFirewallSupport(engine, platform, commands)).toEqual({
      ok: false,
      reason: 'Docker Desktop runs containers in a VM whose firewall RigShift cannot reach, so internet access for jobs stays off.',
    });
    expect(commands.runs).toEqual([]);
  });

  it('allows egress when iptables answers for DOCKER-USER', async () => {
    const commands = new FakeCommandRunner().on('iptables', ['-w', '-S', 'DOCKER-USER'], exited('-N DOCKER-USER\n'));
    expect(await egressFirewallSupport(linux, 'linux', commands)).toEqual({ ok: true });
  });

  it.each([
    [exited('', 4, 'Permission denied (you must be root)'), 'RigShift cannot set firewall rules (iptables exited with 4: Permission denied (you must be root)); jobs with internet access need the agent to run as root.'],
    [{ kind: 'missing' } as const, 'RigShift cannot set firewall rules (iptables is not installed); jobs with internet access need the agent to run as root.'],
  ])('refuses egress when iptables cannot be used (%#)', async (answer, reason) => {
    const commands = new FakeCommandRunner().on('iptables', null, answer);
    expect(await egressFirewallSupport(linux, 'linux', commands)).toEqual({ ok: false, reason });
  });
});

/** Just enough of Dockerode's network calls, recording what was asked. */
function fakeDocker(inspect: unknown, removeError?: { statusCode: number }) {
  const calls: string[] = [];
  let createOptions: unknown = null;
  const docker = {
    createNetwork: async (options: unknown) => {
      createOptions = options;
      calls.push('create');
      return {
        inspect: async () => inspect,
        remove: async () => {
          calls.push('remove');
          if (removeError) throw removeError;
        },
      };
    },
  } as unknown as Dockerode;
  return { docker, calls, createOptions: () => createOptions };
}

const IPAM = { IPAM: { Config: [{ Subnet: SUBNET, Gateway: GATEWAY }] } };

describe('createEgressNetwork (fake engine)', () => {
  it('asks for a private bridge without ICC or IPv6, labelled as ours', async () => {
    const fake = fakeDocker(IPAM);
    const network = await createEgressNetwork(fake.docker, 'j-1', { ownerPid: 99 });
    expect(fake.createOptions()).toEqual({
      Name: 'rigshift-job-j-1',
      Driver: 'bridge',
      CheckDuplicate: true,
      Internal: false,
      Attachable: false,
      EnableIPv6: false,
      Options: {
        'com.docker.network.bridge.name': egressBridgeName('j-1'),
        'com.docker.network.bridge.enable_icc': 'false',
        'com.docker.network.bridge.enable_ip_masquerade': 'true',
      },
      Labels: {
        'io.rigshift.managed': 'true',
        'io.rigshift.owner-pid': '99',
        'io.rigshift.role': 'egress-network',
        'io.rigshift.job-id': 'j-1',
      },
    });
    expect(network).toMatchObject({ networkName: 'rigshift-job-j-1', bridge: egressBridgeName('j-1'), subnet: SUBNET, gateway: GATEWAY });
  });

  it('a network already gone counts as removed; other failures do not', async () => {
    const gone = fakeDocker(IPAM, { statusCode: 404 });
    await expect((await createEgressNetwork(gone.docker, 'j-1')).remove()).resolves.toBeUndefined();
    const busy = fakeDocker(IPAM, { statusCode: 403 });
    await expect((await createEgressNetwork(busy.docker, 'j-1')).remove()).rejects.toEqual({ statusCode: 403 });
  });

  it('removes the network again when it has no IPv4 subnet', async () => {
    const fake = fakeDocker({ IPAM: { Config: [{ Subnet: 'fd00::/64', Gateway: 'fd00::1' }] } });
    await expect(createEgressNetwork(fake.docker, 'j-1')).rejects.toThrow('network rigshift-job-j-1 has no IPv4 subnet and gateway');
    expect(fake.calls).toEqual(['create', 'remove']);
  });
});

describe('createEgressNetworks (fake engine)', () => {
  it('no firewall, no network: the network is removed when the rules cannot be applied', async () => {
    const fake = fakeDocker(IPAM);
    const commands = new FakeCommandRunner().on('iptables', null, exited('', 4, 'you must be root'));
    await expect(createEgressNetworks(fake.docker, commands).create('j-1')).rejects.toThrow('The egress firewall could not be set up');
    expect(fake.calls).toEqual(['create', 'remove']);
  });

  it('removes the network before its rules, and keeps the rules when the network stays', async () => {
    const fake = fakeDocker(IPAM);
    const commands = new FakeCommandRunner().on('iptables', null, exited('')).on('ip6tables', null, exited(''));
    const made = await createEgressNetworks(fake.docker, commands).create('j-1');
    expect(made.networkName).toBe('rigshift-job-j-1');
    const applied = commands.runs.length;
    await made.remove();
    expect(fake.calls).toEqual(['create', 'remove']);
    expect(commands.runs.slice(applied).every((r) => r.args[1] === '-D')).toBe(true);
    expect(commands.runs.length).toBe(2 * applied);

    const stuck = fakeDocker(IPAM, { statusCode: 403 });
    const commands2 = new FakeCommandRunner().on('iptables', null, exited('')).on('ip6tables', null, exited(''));
    const made2 = await createEgressNetworks(stuck.docker, commands2).create('j-2');
    const applied2 = commands2.runs.length;
    await expect(made2.remove()).rejects.toEqual({ statusCode: 403 });
    expect(commands2.runs.length).toBe(applied2); // no rule was taken out
  });
});

function rootIptables(): Requirement {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return { ok: false, reason: 'the egress firewall test needs root on Linux' };
  try {
    execFileSync('iptables', ['-w', '-S', 'DOCKER-USER'], { stdio: 'pipe', timeout: 10_000 });
    execFileSync('ip6tables', ['-w', '-S', 'FORWARD'], { stdio: 'pipe', timeout: 10_000 });
    return { ok: true, reason: '' };
  } catch (error) {
    return { ok: false, reason: `iptables does not answer for DOCKER-USER (${(error as Error).message.split('\n')[0]})` };
  }
}

const realEngine = need(dockerEngine()) && need(rootIptables());

describe.skipIf(!realEngine)('egress network on the real engine (runc)', () => {
  const docker = new Dockerode();
  const commands = createNodeCommandRunner();
  const jobId = `egress-test-${process.pid}`;
  const work = tempDir('rigshift-egress-');
  let network: Awaited<ReturnType<typeof createEgressNetwork>> | null = null;
  let rules: string[][] = [];
  let server: Server | null = null;
  let port = 0;
  let connections = 0;
  const containers: Dockerode.Container[] = [];

  beforeAll(async () => {
    network = await createEgressNetwork(docker, jobId);
    rules = egressFirewallRules(network.subnet, network.gateway, network.bridge);
    // A listener on the host, on the bridge gateway: what a job must never reach.
    server = createServer((socket) => {
      connections += 1;
      socket.end('hello from the host\n');
    });
    await new Promise<void>((resolve) => server?.listen(0, network?.gateway, resolve));
    port = (server.address() as { port: number }).port;
    mkdirSync(join(work.path, 'in'));
    mkdirSync(join(work.path, 'out'));
    chmodSync(join(work.path, 'out'), 0o777);
  });

  afterAll(async () => {
    for (const container of containers) await container.remove({ force: true }).catch(() => undefined);
    if (network) await network.remove().catch(() => undefined);
    await removeEgressFirewall(commands, rules).catch(() => undefined);
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    work.cleanup();
  });

  /** Runs busybox nc toward the host listener in a hardened job container; its output. */
  async function probeHost(): Promise<string> {
    const image = locateBenchmarkImage(join(repoRoot, 'resources', 'images'), 'cpu');
    const images = await docker.listImages({ filters: { reference: [image.reference] } });
    if (images.length === 0) await docker.loadImage(image.tarballPath).then((stream) => new Promise((r) => docker.modem.followProgress(stream, r)));
    const spec = JobSpecSchema.parse({
      version: 1,
      name: 'probe',
      image: `x@sha256:${'a'.repeat(64)}`,
      entrypoint: ['/bin/busybox', 'sh', '-c'],
      command: [`/bin/busybox nc -w 2 ${network?.gateway} ${port} && echo CONNECTED || echo BLOCKED`],
      inputs: [],
      outputs: { maxTotalBytes: 0, maxFiles: 0 },
      resources: { gpus: 0, minVramMiB: 0, cpus: 0.2, memoryMiB: 64, scratchMiB: 0 },
      maxDurationSeconds: 30,
      preemptible: false,
      network: 'egress',
    });
    const options = buildJobContainerOptions({
      jobId,
      spec,
      device: { kind: 'cpu' },
      runtime: 'runc',
      workspace: { inputsDir: join(work.path, 'in'), outputsDir: join(work.path, 'out') },
      user: '10001:10001',
      network: { mode: 'egress', networkName: network?.networkName ?? '' },
    });
    const container = await docker.createContainer({ ...options, Image: image.reference, name: `${jobId}-${containers.length}` });
    containers.push(container);
    await container.start();
    await container.wait();
    const logs = await container.logs({ stdout: true, stderr: true });
    await container.remove({ force: true });
    return logs.toString('utf8');
  }

  it('the network is what we asked for', async () => {
    const info = await docker.getNetwork(network?.networkName ?? '').inspect();
    expect(info.Options?.['com.docker.network.bridge.enable_icc']).toBe('false');
    expect(info.Options?.['com.docker.network.bridge.name']).toBe(egressBridgeName(jobId));
    expect(info.EnableIPv6).toBe(false);
    expect(info.Internal).toBe(false);
    expect(info.Labels?.['io.rigshift.managed']).toBe('true');
  });

  it('the host is reachable without the rules and unreachable with them; rules leave no trace', async () => {
    // Without the firewall the gateway answers: the probe itself works.
    expect(await probeHost()).toContain('CONNECTED');
    const before = connections;
    expect(before).toBeGreaterThan(0);

    await applyEgressFirewall(commands, rules);
    const listed = execFileSync('iptables', ['-w', '-S', 'DOCKER-USER'], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes(`rigshift-egress:${network?.bridge}`));
    // The evaluation order: spoofed sources, the ranges, the gateway, then the rest.
    expect(listed).toHaveLength(DOCKER_USER_IN_ORDER.length);
    expect(listed[0]).toContain(`! -s ${network?.subnet}`);
    expect(listed[listed.length - 3]).toContain('-j RETURN');
    expect(listed[listed.length - 1]).toContain(`-o ${network?.bridge}`);
    expect(listed[listed.length - 1]).toContain('-j DROP');

    expect(await probeHost()).toContain('BLOCKED');
    expect(connections).toBe(before);

    await network?.remove();
    await removeEgressFirewall(commands, rules);
    const all = [
      execFileSync('iptables', ['-w', '-S'], { encoding: 'utf8' }),
      execFileSync('ip6tables', ['-w', '-S'], { encoding: 'utf8' }),
    ].join('\n');
    expect(all).not.toContain(`rigshift-egress:${network?.bridge}`);
    await expect(docker.getNetwork(network?.networkName ?? '').inspect()).rejects.toMatchObject({ statusCode: 404 });
  }, 60_000);
});

describe('checked egress networks', () => {
  it('refuses before creating anything on Docker Desktop, even on Linux', async () => {
    const { createCheckedEgressNetworks } = await import('../../../electron/agent/jobs/egress-network');
    let created = 0;
    const docker = { createNetwork: async () => void (created += 1) } as unknown as Dockerode;
    const commands = new FakeCommandRunner();
    const networks = createCheckedEgressNetworks(
      docker,
      async () => ({ osType: 'linux', operatingSystem: 'Docker Desktop', platformName: 'Docker Desktop 4.45.0 (203075)' }),
      'linux',
      commands,
    );
    await expect(networks.create('job-1')).rejects.toThrow(/Docker Desktop/);
    expect(created).toBe(0);
  });
});
