/**
 * The NVIDIA Container Toolkit gate. Its hooks run as root on the host before any sandbox
 * exists, and it has had four container escapes in two years, so its version decides
 * whether GPU jobs may run at all (policy in resources/security-policy.json).
 */
import type { EnvironmentCheck } from '../../../shared/domain/checks';
import type { CommandRunner, EngineInfo } from '../ports';
import { failCheck, infoCheck, NO_NVIDIA_GPU, okCheck, warnCheck } from './check-result';
import { type Fix, installToolkitFix, removeNvidiaDefaultRuntimeFix, startDockerFirstFix, upgradeToolkitFix } from './fixes';
import { bundledToolkitOf, type Cve, cvesAffecting, type SecurityPolicy } from './security-policy';
import { parseDockerDesktopVersion, parseNvidiaContainerCliVersion, parseNvidiaCtkVersion } from './tool-versions';
import { compareVersions, isOlderThan } from './version';

const VERSION_TIMEOUT_MS = 10_000;

export interface ContainerToolkitCheckDeps {
  commands: CommandRunner;
  /** null when the engine did not answer. */
  engine: EngineInfo | null;
  platform: NodeJS.Platform;
  policy: SecurityPolicy;
  gpuExpected: boolean;
}

export async function containerToolkitCheck(deps: ContainerToolkitCheckDeps): Promise<EnvironmentCheck> {
  if (!deps.gpuExpected) return infoCheck('nvidia-container-runtime', NO_NVIDIA_GPU);
  const check = deps.platform === 'win32' ? dockerDesktopToolkit(deps) : await hostToolkit(deps);
  return withDefaultRuntimeWarning(check, deps.engine);
}

/** Linux: the toolkit is a host package; ask its own CLIs. */
async function hostToolkit({ commands, policy }: ContainerToolkitCheckDeps): Promise<EnvironmentCheck> {
  const found = await readHostToolkitVersion(commands);
  const { minimumVersion } = policy.containerToolkit;
  const ddMinimum = policy.dockerDesktop.minimumVersion;
  if (found.kind === 'absent') {
    return failCheck(
      'nvidia-container-runtime',
      'NVIDIA Container Toolkit is not installed (no nvidia-ctk or nvidia-container-cli)',
      installToolkitFix(minimumVersion, ddMinimum),
      'Docker cannot hand a GPU to a container without it.',
    );
  }
  if (found.kind === 'unreadable') {
    return failCheck(
      'nvidia-container-runtime',
      `The NVIDIA Container Toolkit version could not be read from ${found.tool}`,
      upgradeToolkitFix(minimumVersion, ddMinimum),
      found.output,
    );
  }
  const verdict = judgeToolkit(policy, found.version);
  const label = `NVIDIA Container Toolkit ${found.version} (${found.tool})`;
  const fix = upgradeToolkitFix(verdict.installVersion, ddMinimum);
  return verdictToCheck(verdict, label, `install ${verdict.installVersion} or newer`, fix);
}

type HostToolkit =
  | { kind: 'found'; tool: string; version: string }
  | { kind: 'unreadable'; tool: string; output: string }
  | { kind: 'absent' };

async function readHostToolkitVersion(commands: CommandRunner): Promise<HostToolkit> {
  const probes: Array<{ tool: string; parse: (stdout: string) => string | null }> = [
    { tool: 'nvidia-ctk', parse: parseNvidiaCtkVersion },
    { tool: 'nvidia-container-cli', parse: parseNvidiaContainerCliVersion },
  ];
  let unreadable: HostToolkit | null = null;
  for (const { tool, parse } of probes) {
    const result = await commands.run(tool, ['--version'], { timeoutMs: VERSION_TIMEOUT_MS });
    if (result.kind === 'missing') continue;
    if (result.kind === 'exited') {
      const version = parse(result.stdout) ?? parse(result.stderr);
      if (version) return { kind: 'found', tool, version };
      unreadable ??= { kind: 'unreadable', tool, output: (result.stdout || result.stderr).trim().slice(0, 300) };
    } else {
      unreadable ??= {
        kind: 'unreadable',
        tool,
        output: result.kind === 'timeout' ? `${tool} --version did not answer` : result.message,
      };
    }
  }
  return unreadable ?? { kind: 'absent' };
}

/** Windows: the toolkit ships inside Docker Desktop, so its version is Docker Desktop's. */
function dockerDesktopToolkit({ engine, policy }: ContainerToolkitCheckDeps): EnvironmentCheck {
  const ddMinimum = policy.dockerDesktop.minimumVersion;
  const updateFix = upgradeToolkitFix(policy.containerToolkit.minimumVersion, ddMinimum);
  if (!engine) {
    return warnCheck(
      'nvidia-container-runtime',
      'Cannot tell which NVIDIA Container Toolkit Docker Desktop bundles until Docker Desktop is running',
      startDockerFirstFix,
    );
  }
  const dockerDesktop = parseDockerDesktopVersion(engine.platformName);
  if (!dockerDesktop) {
    return failCheck(
      'nvidia-container-runtime',
      `This Docker engine is not Docker Desktop ("${engine.platformName || 'no platform name'}"); on Windows GPU containers need Docker Desktop with WSL 2`,
      {
        linux: installToolkitFix(policy.containerToolkit.minimumVersion, ddMinimum).linux,
        windows: 'winget install -e --id Docker.DockerDesktop ; wsl --update  # then use Docker Desktop (WSL 2 engine) as the only Docker engine',
      },
    );
  }
  const bundled = bundledToolkitOf(policy, dockerDesktop);
  const toolkitCves = bundled
    ? cvesAffecting(policy, 'nvidia-container-toolkit', bundled)
    : // Older than the first Docker Desktop release in the table: its toolkit predates every fix.
      policy.cves.filter((cve) => cve.component === 'nvidia-container-toolkit');
  const desktopCves = cvesAffecting(policy, 'docker-desktop', dockerDesktop);
  const verdict = judge(
    [...desktopCves, ...toolkitCves],
    bundled === null || isOlderThan(bundled, policy.containerToolkit.floorVersion) || isOlderThan(dockerDesktop, ddMinimum),
    bundled === null || isOlderThan(bundled, policy.containerToolkit.minimumVersion),
    ddMinimum,
  );
  const label = `Docker Desktop ${dockerDesktop} (bundles NVIDIA Container Toolkit ${bundled ? `${bundled} or newer` : 'older than any fixed release'})`;
  const advice =
    verdict.state === 'fail'
      ? `update Docker Desktop to ${ddMinimum} or newer`
      : `keep Docker Desktop updated: no release in the policy table is known to bundle toolkit ${policy.containerToolkit.minimumVersion} yet`;
  return verdictToCheck(verdict, label, advice, updateFix);
}

interface Verdict {
  state: 'ok' | 'warn' | 'fail';
  cves: Cve[];
  /** The version to tell the owner to install. */
  installVersion: string;
}

function judgeToolkit(policy: SecurityPolicy, version: string): Verdict {
  const { floorVersion, minimumVersion } = policy.containerToolkit;
  const cves = cvesAffecting(policy, 'nvidia-container-toolkit', version);
  const verdict = judge(cves, isOlderThan(version, floorVersion), isOlderThan(version, minimumVersion), minimumVersion);
  const highestFix = cves.map((cve) => cve.fixedIn).reduce((a, b) => (compareVersions(a, b) >= 0 ? a : b), minimumVersion);
  return { ...verdict, installVersion: highestFix };
}

function judge(cves: Cve[], belowFloor: boolean, belowMinimum: boolean, installVersion: string): Verdict {
  if (belowFloor || cves.some((cve) => cve.confirmed)) return { state: 'fail', cves, installVersion };
  if (belowMinimum || cves.length > 0) return { state: 'warn', cves, installVersion };
  return { state: 'ok', cves, installVersion };
}

function verdictToCheck(verdict: Verdict, label: string, advice: string, fix: Fix): EnvironmentCheck {
  const detail = verdict.cves.length > 0 ? describeCves(verdict.cves) : undefined;
  switch (verdict.state) {
    case 'ok':
      return okCheck('nvidia-container-runtime', label);
    case 'fail': {
      const confirmed = verdict.cves.filter((cve) => cve.confirmed).map((cve) => cve.id);
      const named = confirmed.length > 0 ? ` is vulnerable to ${confirmed.join(', ')}` : ' is below the security floor';
      return failCheck('nvidia-container-runtime', `${label}${named}: ${advice}`, fix, detail);
    }
    case 'warn': {
      const reported = verdict.cves.map((cve) => cve.id);
      const named =
        reported.length > 0
          ? ` may be affected by ${reported.join(', ')} (reported, not yet confirmed by the vendor)`
          : ' is older than the recommended release';
      return warnCheck('nvidia-container-runtime', `${label}${named}: ${advice}`, fix, detail);
    }
  }
}

const describeCves = (cves: Cve[]): string =>
  cves
    .map((cve) => `${cve.id}${cve.confirmed ? '' : ' (unconfirmed)'}: ${cve.summary}; fixed in ${cve.fixedIn} (${cve.source})`)
    .join('\n');

/**
 * `DefaultRuntime: nvidia` means every container goes through the NVIDIA runtime, and any
 * image that merely sets NVIDIA_VISIBLE_DEVICES gets GPUs and host driver libraries,
 * bypassing RigShift's per-job GPU pinning. A warning on top of an otherwise green check.
 */
function withDefaultRuntimeWarning(check: EnvironmentCheck, engine: EngineInfo | null): EnvironmentCheck {
  if (engine?.defaultRuntime !== 'nvidia') return check;
  const why =
    'Docker\'s default runtime is "nvidia": any container that sets NVIDIA_VISIBLE_DEVICES gets GPUs and host driver libraries without asking, bypassing RigShift\'s per-job GPU pinning. Keep runc as the default; RigShift requests GPUs explicitly.';
  if (check.state === 'fail') return { ...check, detail: [check.detail, why].filter(Boolean).join('\n') };
  return warnCheck('nvidia-container-runtime', `${check.summary}; but Docker's default runtime is "nvidia"`, removeNvidiaDefaultRuntimeFix, [check.detail, why].filter(Boolean).join('\n'));
}
