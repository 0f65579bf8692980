/**
 * The About page's versions: app, Electron (only when the agent runs inside the desktop
 * app), Node, Docker and its runtimes, the NVIDIA driver, the container toolkit, and the
 * chain. Everything is read from what the agent already knows (detection, checks, the
 * engine), so the call is cheap and never starts a probe of its own except `docker info`.
 */
import type { CallHandlers } from '../api/dispatch';
import type { AgentFeature, AgentFeatureContext } from '../agent-feature';
import type { ChainStatus } from '../chain/chain-hub';
import type { CommandRunner, ContainerRuntime } from '../ports';
import type { About, ComponentVersion } from '../../../shared/domain/desktop';

export interface AboutDeps {
  appName: string;
  version: string;
  mode: 'electron' | 'headless';
  dataDir: string;
  docker: Pick<ContainerRuntime, 'info'>;
  /** The chain hub's status when the agent has one (null: use the network setting). */
  chainStatus?: () => ChainStatus | null;
  /** Reads `runsc --version` (gVisor's version) when runsc is on this machine. */
  commands?: Pick<CommandRunner, 'run'>;
  /** process.versions (injectable for tests). */
  versions?: NodeJS.ProcessVersions;
}

const row = (name: string, version: string | null, note: string | null = null): ComponentVersion => ({ name, version, note });

export async function readAbout(deps: AboutDeps, context: Pick<AgentFeatureContext, 'detection' | 'checks' | 'settings'>): Promise<About> {
  const versions = deps.versions ?? process.versions;
  const components: ComponentVersion[] = [];
  if (versions.electron) {
    components.push(row('Electron', versions.electron), row('Chromium', versions.chrome ?? null));
  }
  components.push(row('Node.js', versions.node));

  try {
    const engine = await deps.docker.info();
    const desktop = /Docker Desktop\s+(\S+)/i.exec(engine.platformName)?.[1];
    components.push(row('Docker Engine', engine.serverVersion, desktop ? `Docker Desktop ${desktop}` : engine.operatingSystem));
    components.push(row('Container runtimes', engine.runtimes.join(', ') || null, `default: ${engine.defaultRuntime}`));
  } catch (error) {
    components.push(row('Docker Engine', null, `not reachable: ${error instanceof Error ? error.message : String(error)}`));
  }

  const detection = context.detection();
  const smi = detection?.nvidiaSmi;
  components.push(
    smi?.state === 'ok'
      ? row('NVIDIA driver', smi.driverVersion, null)
      : row('NVIDIA driver', null, detection === null ? 'still detecting' : smi?.state === 'failed' ? smi.message : 'nvidia-smi not found'),
  );
  const toolkit = context.checks()?.checks.find((c) => c.id === 'nvidia-container-runtime');
  components.push(row('NVIDIA Container Toolkit', toolkitVersion(toolkit?.summary), toolkit?.summary ?? 'not checked yet'));
  const gvisor = context.checks()?.checks.find((c) => c.id === 'gvisor-runsc');
  const runsc = deps.commands ? await runscVersion(deps.commands) : null;
  if (gvisor || runsc) components.push(row('gVisor (runsc)', runsc, gvisor?.summary ?? null));

  return {
    app: { name: deps.appName, version: deps.version, mode: deps.mode },
    components,
    network: networkOf(deps.chainStatus?.() ?? null, context.settings().network),
    dataDir: deps.dataDir,
  };
}

/** "runsc version release-20240212.0" (or a distribution's "0.0~20221219.0"); null when runsc is absent. */
export function parseRunscVersion(stdout: string): string | null {
  return /^runsc version (\S+)/m.exec(stdout)?.[1] ?? null;
}

async function runscVersion(commands: Pick<CommandRunner, 'run'>): Promise<string | null> {
  const result = await commands.run('runsc', ['--version'], { timeoutMs: 3_000 });
  return result.kind === 'exited' ? parseRunscVersion(result.stdout) : null;
}

/** The check's summary carries the version ("NVIDIA Container Toolkit 1.17.8 …"). */
function toolkitVersion(summary: string | undefined): string | null {
  return /(\d+\.\d+\.\d+)/.exec(summary ?? '')?.[1] ?? null;
}

function networkOf(status: ChainStatus | null, setting: ReturnType<AgentFeatureContext['settings']>['network']): About['network'] {
  if (status?.state === 'online') {
    return { label: status.network.label, chainId: status.network.chainId, detail: `block ${status.headBlock}` };
  }
  const configured = setting.kind === 'devnet' ? { label: 'Local devnet', chainId: 31337 } : { label: hostOf(setting.rpcUrl), chainId: setting.chainId };
  return { ...configured, detail: status ? `${status.state}${'message' in status ? `: ${status.message}` : ''}` : null };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

export function createAboutFeature(deps: AboutDeps): AgentFeature {
  let context: AgentFeatureContext | null = null;
  const handlers: CallHandlers = {
    getAbout: async () => {
      if (!context) throw new Error('the about feature has not started');
      return readAbout(deps, context);
    },
  };
  return {
    name: 'about',
    handlers,
    start(ctx) {
      context = ctx;
    },
  };
}
