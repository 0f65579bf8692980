/**
 * The egress-only network: a job the owner allows online may reach the internet and
 * nothing else (sandbox.md section 3 "Network", attacks 13 and 15). Each job gets its own
 * bridge (no other container on it, inter-container traffic off, IPv6 off) and firewall
 * rules scoped to that bridge:
 *   DOCKER-USER (FORWARD, evaluated before Docker's own rules), in this order:
 *     from the bridge with a source outside the job subnet -> DROP (no spoofing)
 *     from the bridge to 0/8, 10/8, 100.64/10, 127/8, 169.254/16 (cloud metadata),
 *       172.16/12, 192.0.0/24, 192.168/16, 198.18/15, 224/4, 240/4 -> DROP
 *     from the bridge to its gateway -> DROP
 *     from the bridge, anything else -> RETURN (Docker's rules then NAT it out)
 *     to the bridge, ESTABLISHED/RELATED -> RETURN (answers), anything else -> DROP
 *   INPUT: from the bridge -> DROP. Packets for the host's own addresses (the gateway, and
 *     the host's LAN address too) go to INPUT, never to FORWARD, so DOCKER-USER alone would
 *     leave every service on the owner's PC open to the job.
 *   ip6tables FORWARD and INPUT: from/to the bridge -> DROP (IPv6 is off on the network, so
 *     fc00::/7, fe80::/10 and everything else v6 is refused).
 * Rules carry a comment naming the bridge, so leftovers after a crash can be found.
 *
 * Limits (the agent refuses egress jobs where these bite):
 * - Applying rules needs root (CAP_NET_ADMIN). When the agent cannot apply them it must
 *   refuse egress jobs rather than run them unfiltered; egressFirewallSupport says which.
 * - Docker Desktop (Windows, macOS, also Desktop on Linux): the engine runs in a VM whose
 *   firewall the agent cannot reach, so these rules would filter nothing; egress stays
 *   disabled there (an Internal network plus an egress proxy would be the way, not built).
 * - The ContainerRuntime port has no network calls; this module takes Dockerode directly.
 */
import { createHash } from 'node:crypto';
import type Dockerode from 'dockerode';
import { NON_PUBLIC_IPV4_RANGES } from '../../../shared/domain/job-spec-validation';
import { managedLabels } from '../containers/hardened-host-config';
import type { CommandRunner, EngineInfo } from '../ports';

export const EGRESS_NETWORK_ROLE = 'egress-network';
const JOB_ID_LABEL = 'io.rigshift.job-id';

export interface EgressNetwork {
  networkName: string;
  /** The Linux bridge interface (what the firewall rules match on). */
  bridge: string;
  subnet: string;
  gateway: string;
  /** Removes the network; a network already gone is not an error. */
  remove(): Promise<void>;
}

/** `rigshift-job-<jobId>`; Docker network names allow the job id's alphabet. */
export const egressNetworkName = (jobId: string) => `rigshift-job-${jobId}`;

/** Linux interface names are at most 15 bytes: "rsj" + 12 hex digits of the job id's hash. */
export function egressBridgeName(jobId: string): string {
  return `rsj${createHash('sha256').update(jobId).digest('hex').slice(0, 12)}`;
}

export async function createEgressNetwork(
  docker: Dockerode,
  jobId: string,
  options: { ownerPid?: number } = {},
): Promise<EgressNetwork> {
  const networkName = egressNetworkName(jobId);
  const bridge = egressBridgeName(jobId);
  const network = await docker.createNetwork({
    Name: networkName,
    Driver: 'bridge',
    CheckDuplicate: true,
    Internal: false,
    Attachable: false,
    EnableIPv6: false,
    Options: {
      'com.docker.network.bridge.name': bridge,
      'com.docker.network.bridge.enable_icc': 'false',
      'com.docker.network.bridge.enable_ip_masquerade': 'true',
    },
    Labels: {
      ...managedLabels(options.ownerPid ?? process.pid),
      'io.rigshift.role': EGRESS_NETWORK_ROLE,
      [JOB_ID_LABEL]: jobId,
    },
  });
  const remove = async () => {
    try {
      await network.remove();
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    }
  };
  try {
    const info = (await network.inspect()) as { IPAM?: { Config?: Array<{ Subnet?: string; Gateway?: string }> } };
    const config = info.IPAM?.Config?.find((c) => c.Subnet && c.Gateway && !c.Subnet.includes(':'));
    if (!config?.Subnet || !config.Gateway) throw new Error(`network ${networkName} has no IPv4 subnet and gateway`);
    return { networkName, bridge, subnet: config.Subnet, gateway: config.Gateway, remove };
  } catch (error) {
    await remove().catch(() => undefined);
    throw error;
  }
}

const IPTABLES_WAIT = '-w';

/**
 * The exact argv that install the rules, in the order to run them. Each inserts at the
 * top of its chain, so they are listed bottom rule first: run in this order they end up
 * in the evaluation order above, even when another job inserts its own rules meanwhile.
 */
export function egressFirewallRules(subnet: string, gateway: string, bridge: string): string[][] {
  const tag = ['-m', 'comment', '--comment', `rigshift-egress:${bridge}`];
  const v4 = (chain: string, ...match: string[]) => ['iptables', IPTABLES_WAIT, '-I', chain, '1', ...match, ...tag];
  const v6 = (chain: string, ...match: string[]) => ['ip6tables', IPTABLES_WAIT, '-I', chain, '1', ...match, ...tag];
  const forwardInOrder = [
    v4('DOCKER-USER', '-i', bridge, '!', '-s', subnet, '-j', 'DROP'),
    ...NON_PUBLIC_IPV4_RANGES.map((range) => v4('DOCKER-USER', '-i', bridge, '-d', range, '-j', 'DROP')),
    v4('DOCKER-USER', '-i', bridge, '-d', `${gateway}/32`, '-j', 'DROP'),
    v4('DOCKER-USER', '-i', bridge, '-j', 'RETURN'),
    v4('DOCKER-USER', '-o', bridge, '-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'RETURN'),
    v4('DOCKER-USER', '-o', bridge, '-j', 'DROP'),
  ];
  return [
    ...forwardInOrder.reverse(),
    v4('INPUT', '-i', bridge, '-j', 'DROP'),
    v6('FORWARD', '-o', bridge, '-j', 'DROP'),
    v6('FORWARD', '-i', bridge, '-j', 'DROP'),
    v6('INPUT', '-i', bridge, '-j', 'DROP'),
  ];
}

/** The argv that deletes a rule `egressFirewallRules` inserted. */
export function deleteRuleArgv(insert: readonly string[]): string[] {
  const at = insert.indexOf('-I');
  if (at < 0 || insert[at + 2] !== '1') throw new Error(`not an insert rule: ${insert.join(' ')}`);
  return [...insert.slice(0, at), '-D', insert[at + 1] as string, ...insert.slice(at + 3)];
}

const FIREWALL_TIMEOUT_MS = 10_000;

async function runRule(commands: CommandRunner, argv: readonly string[]): Promise<string | null> {
  const [binary, ...args] = argv as [string, ...string[]];
  const result = await commands.run(binary, args, { timeoutMs: FIREWALL_TIMEOUT_MS });
  if (result.kind === 'exited' && result.code === 0) return null;
  if (result.kind === 'exited') return `${binary} exited with ${result.code}: ${result.stderr.trim() || result.stdout.trim()}`;
  if (result.kind === 'missing') return `${binary} is not installed`;
  if (result.kind === 'timeout') return `${binary} did not answer within ${FIREWALL_TIMEOUT_MS / 1000} s`;
  return `${binary} failed: ${result.message}`;
}

/**
 * Installs the rules in order. If one fails, the ones already in are taken out again and
 * the error says why: a job must never run with half a firewall.
 */
export async function applyEgressFirewall(commands: CommandRunner, rules: readonly string[][]): Promise<void> {
  const applied: string[][] = [];
  for (const rule of rules) {
    const failure = await runRule(commands, rule);
    if (failure) {
      await removeEgressFirewall(commands, applied).catch(() => undefined);
      throw new Error(`The egress firewall could not be set up (${failure}).`);
    }
    applied.push(rule);
  }
}

/**
 * Deletes the rules (last installed first). Tries every rule even when one fails, then
 * throws with the failures; a rule that is already gone counts as removed.
 */
export async function removeEgressFirewall(commands: CommandRunner, rules: readonly string[][]): Promise<void> {
  const failures: string[] = [];
  for (const rule of [...rules].reverse()) {
    const failure = await runRule(commands, deleteRuleArgv(rule));
    if (failure && !/does a matching rule exist|No chain\/target\/match by that name|Bad rule/i.test(failure)) {
      failures.push(failure);
    }
  }
  if (failures.length > 0) throw new Error(`Some egress firewall rules could not be removed: ${failures.join('; ')}`);
}

export type EgressSupport = { ok: true } | { ok: false; reason: string };

/**
 * Whether this machine can give jobs egress safely: a Linux engine outside Docker Desktop,
 * and iptables usable by this process (listing DOCKER-USER needs the same rights as
 * changing it). Anything else: refuse egress jobs with the reason.
 */
export async function egressFirewallSupport(
  engine: Pick<EngineInfo, 'osType' | 'operatingSystem' | 'platformName'>,
  platform: NodeJS.Platform,
  commands: CommandRunner,
): Promise<EgressSupport> {
  if (platform !== 'linux' || /docker desktop/i.test(`${engine.platformName} ${engine.operatingSystem}`)) {
    return {
      ok: false,
      reason: 'Docker Desktop runs containers in a VM whose firewall RigShift cannot reach, so internet access for jobs stays off.',
    };
  }
  if (engine.osType !== 'linux') return { ok: false, reason: `Jobs with internet access need a Linux engine, not ${engine.osType}.` };
  const failure = await runRule(commands, ['iptables', IPTABLES_WAIT, '-S', 'DOCKER-USER']);
  if (failure) {
    return {
      ok: false,
      reason: `RigShift cannot set firewall rules (${failure}); jobs with internet access need the agent to run as root.`,
    };
  }
  return { ok: true };
}

/**
 * The runner's EgressNetworks: a network with its firewall, or nothing. The network goes
 * before its rules: removing it fails while a container is still attached, and then the
 * rules stay, so a running job never sits on an unfiltered bridge.
 */
export function createEgressNetworks(
  docker: Dockerode,
  commands: CommandRunner,
): { create(jobId: string): Promise<{ networkName: string; remove(): Promise<void> }> } {
  return {
    async create(jobId) {
      const network = await createEgressNetwork(docker, jobId);
      const rules = egressFirewallRules(network.subnet, network.gateway, network.bridge);
      try {
        await applyEgressFirewall(commands, rules);
      } catch (error) {
        await network.remove().catch(() => undefined);
        throw error;
      }
      return {
        networkName: network.networkName,
        async remove() {
          await network.remove();
          await removeEgressFirewall(commands, rules);
        },
      };
    },
  };
}

/**
 * createEgressNetworks behind egressFirewallSupport: on Docker Desktop (even on Linux,
 * where host rules would succeed yet filter nothing inside its VM), without iptables
 * rights, or on a non-Linux engine, no network is created and the job is refused.
 */
export function createCheckedEgressNetworks(
  docker: Dockerode,
  engineInfo: () => Promise<Pick<EngineInfo, 'osType' | 'operatingSystem' | 'platformName'>>,
  platform: NodeJS.Platform,
  commands: CommandRunner,
): ReturnType<typeof createEgressNetworks> {
  const networks = createEgressNetworks(docker, commands);
  return {
    async create(jobId) {
      const support = await egressFirewallSupport(await engineInfo(), platform, commands);
      if (!support.ok) throw new Error(support.reason);
      return networks.create(jobId);
    },
  };
}
