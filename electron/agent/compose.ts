/**
 * The composition root shared by the desktop main process and the headless CLI: builds
 * the agent from the real Node adapters. Only the settings store and the mode differ.
 */
import { join } from 'node:path';
import Dockerode from 'dockerode';
import pkg from '../../package.json';
import { type Agent, createAgent } from './agent';
import { createBenchmarkRunner } from './benchmark/benchmark-runner';
import { runEnvironmentChecks } from './checks/environment-checks';
import { loadSecurityPolicy } from './checks/security-policy';
import { createDockerodeRuntime } from './docker/dockerode-runtime';
import { createGpuProbe } from './gpu/gpu-probe';
import { createRentalSlots } from './availability/rental-slots';
import { createCheckedEgressNetworks } from './jobs/egress-network';
import { cleanupStaleWorkspaces } from './jobs/job-workspace';
import { createNodeJobRunner } from './jobs/node-job-runner';
import { createGpuTelemetryMonitor } from './gpu/telemetry-monitor';
import { createLazyPowerLimiter } from './power/lazy-power-limiter';
import { createNodePresenceSources } from './presence/node-presence-sources';
import { createPresenceMonitor } from './presence/presence-monitor';
import type { IdleSource } from './presence/presence-ports';
import { createSettingsService } from './settings/settings-service';
import { createBenchmarkHistory } from './history/benchmark-history';
import { createJsonlHistory } from './history/jsonl-history';
import { AvailabilityTransitionSchema } from '../../shared/domain/availability';
import { createNodeCommandRunner } from './node-adapters/command-runner';
import type { Clock, Logger, SettingsStore } from './ports';
import type { AgentFeature } from './agent-feature';
import { createChainFeature } from './chain/chain-feature';
import { createChainHub } from './chain/create-chain-hub';
import { createNodeSecretStore, type SecretStore } from './wallet/secret-store';
import { createWalletFeature } from './wallet/wallet-access';
import { createAboutFeature } from './desktop/about-feature';
import { createDeploymentImportFeature, type DeploymentFileChooser } from './deploy/deployment-import-feature';
import { createMarketFeature } from './market/market-feature';
import { createMarketEventLog } from './market/market-event-log';
import { createMarketSwitch } from './market-v2/market-switch';
import { createMarketV2Feature } from './market-v2/market-v2-feature';
import { activeIncomingSource, createIncomingTransfersFeature } from './wallet/incoming-feature';
import { createLedgerFeature } from './ledger/ledger-feature';
import { activeLedgerSource, type LedgerSource, v1LedgerSource, v2LedgerSource } from './ledger/ledger-source';
import { createMarketPricesFeature } from './market-prices/market-prices-feature';

export interface ComposeOptions {
  mode: 'electron' | 'headless';
  dataDir: string;
  /** Where the benchmark image tarballs live (resources/images). */
  resourcesDir: string;
  settingsStore: SettingsStore;
  logger: Logger;
  quickBenchmarks?: boolean;
  /** The desktop app passes Electron's powerMonitor-based source; headless reads logind/X11. */
  idleSource?: IdleSource;
  /** 'off' (`rigshift headless --no-devnet`): the devnet network setting starts no devnet. Default 'auto'. */
  devnet?: 'auto' | 'off';
  /** The OS keychain for "remember on this device": Electron safeStorage in the desktop app. */
  secretStore?: SecretStore;
  /** Headless `--wallet-password-file`: unlock the wallet at start with this password. */
  walletUnlockPassword?: string;
  /** The desktop app's native open dialog for Settings → Network → "Import deployment file…". */
  deploymentFileChooser?: DeploymentFileChooser;
}

export const systemClock: Clock = { now: () => new Date() };

export function composeAgent(options: ComposeOptions): Agent {
  const { logger } = options;
  const commands = createNodeCommandRunner();
  const dockerode = new Dockerode();
  const docker = createDockerodeRuntime(dockerode);
  const policy = loadSecurityPolicy(join(options.resourcesDir, 'security-policy.json'));
  const gpuProbe = createGpuProbe({ commands, platform: process.platform, clock: systemClock });
  const telemetry = createGpuTelemetryMonitor({ commands, clock: systemClock, logger });
  // One set of rental slots: the job runner tracks jobs in it and the availability
  // controller yields from it.
  const slots = createRentalSlots({ logger });
  const { runner: jobRunner, history: jobHistory, evictImages } = createNodeJobRunner({
    dataDir: options.dataDir,
    logger,
    clock: systemClock,
    docker,
    slots,
    imageBudgetBytes: () => settings.get().jobs.imageBudgetGiB * 1024 ** 3,
    // Used only for jobs that ask for internet and only when the owner allows it; setting
    // up its firewall fails (and the job is refused) without root or on Docker Desktop.
    egress: createCheckedEgressNetworks(dockerode, () => docker.info(), process.platform, commands),
  });
  const settings = createSettingsService(options.settingsStore, logger);
  const sources = createNodePresenceSources({
    runner: commands,
    docker,
    logger,
    clock: systemClock,
    gpuUseThresholdPercent: () => settings.get().controls.presence.gpuInUse.thresholdPercent,
  });
  const presence = createPresenceMonitor({
    ...sources,
    idle: options.idleSource ?? sources.idle,
    settings: () => settings.get().controls.presence,
    temperatures: () => telemetry.temperatures(),
    clock: systemClock,
    logger,
    // nvidia-smi costs tens of ms of CPU per start on real drivers: every 5 s keeps the
    // agent's idle CPU within budget; games are caught sooner by the process watch.
    intervalsMs: { gpuInUse: 5_000, ...sources.intervalsMs },
  });
  // The one chain connection the wallet, ledger and market features share. It starts (and,
  // for the devnet setting, starts a devnet) only when the agent is long-running.
  const chain = createChainHub({
    settings: () => settings.get().network,
    dataDir: options.dataDir,
    resourcesDir: options.resourcesDir,
    logger,
    clock: systemClock,
    devnet: options.devnet ?? 'auto',
  });
  // Keys live in the wallet's worker thread; other features sign through wallet.access.
  const wallet = createWalletFeature({
    dataDir: options.dataDir,
    chain,
    secretStore: options.secretStore ?? createNodeSecretStore(),
    clock: systemClock,
    logger,
    unlockPassword: options.walletUnlockPassword,
  });
  // The one market event log: every market event decoded once; the market's book and job
  // records and the ledger are folds of it (market-event-log.ts).
  const marketEvents = createMarketEventLog({ chain, dataDir: options.dataDir, logger, clock: systemClock, account: () => wallet.access.address() });
  // What jobs for this card paid on the v2 market: the v2 market feature connects its book to it.
  const marketPrices = createMarketPricesFeature({ dataDir: options.dataDir, logger, clock: systemClock });
  // The marketplace client: indexes the market, claims fitting jobs, runs and gets paid for them;
  // the v1 or the v2 client, as the connected deployment's marketVersion says (market-switch.ts).
  const market = createMarketSwitch({
    chain,
    logger,
    v1: createMarketFeature({ chain, wallet: wallet.access, events: marketEvents, dataDir: options.dataDir, logger, clock: systemClock }),
    v2: () => createMarketV2Feature({ chain, wallet: wallet.access, dataDir: options.dataDir, logger, clock: systemClock, prices: marketPrices }),
  });
  // The ledger folds the log of whichever market runs: never a log of its own (ledger-source.ts).
  let v2Source: LedgerSource | null = null;
  const ledgerEvents = activeLedgerSource({
    market,
    v1: v1LedgerSource(marketEvents),
    // The v2 feature (and its log) is built once, on the first switch to v2.
    v2: () => {
      const log = market.v2Feature()?.internals.log;
      return log ? (v2Source ??= v2LedgerSource(log)) : null;
    },
  });
  // Features answer their own calls; each is built from its own folder's factory.
  const features: AgentFeature[] = [
    // First: started first, stopped last (the others use the chain until they stop).
    createChainFeature(chain),
    wallet.feature,
    // Token that came into the wallet, from the running market's event log (its Transfer events to us).
    createIncomingTransfersFeature({
      events: activeIncomingSource({ market, v1: marketEvents, v2: () => market.v2Feature()?.internals.log ?? null }),
      address: () => wallet.access.address(),
    }),
    market,
    // The earnings ledger: SQLite in the data dir, reconciled with the chain for this wallet,
    // a fold of the running market's event log (v1's or v2's: ledger-source.ts).
    createLedgerFeature({ dataDir: options.dataDir, chain, events: ledgerEvents, walletAddress: () => wallet.access.address(), logger, clock: systemClock }),
    // Settings → Network: a deployment file's preview (applied with updateSettings, undoable).
    createDeploymentImportFeature({ network: () => settings.get().network, chooser: options.deploymentFileChooser }),
    createAboutFeature({ appName: 'RigShift', version: pkg.version, mode: options.mode, dataDir: options.dataDir, docker, commands, chainStatus: () => chain.status() }),
    marketPrices,
  ];
  return createAgent({
    features,
    mode: options.mode,
    version: pkg.version,
    platform: process.platform,
    docker,
    gpuProbe,
    runChecks: (detection) =>
      runEnvironmentChecks({ commands, docker, detection, platform: process.platform, policy }),
    benchmarkRunner: createBenchmarkRunner({
      docker,
      imagesDir: join(options.resourcesDir, 'images'),
      clock: systemClock,
      logger,
      telemetry: (uuid, onSample) => gpuProbe.streamTelemetry(uuid, 500, onSample),
    }),
    settings,
    history: createBenchmarkHistory(options.dataDir, logger),
    availabilityHistory: createJsonlHistory({
      file: join(options.dataDir, 'availability-history.jsonl'),
      schema: AvailabilityTransitionSchema,
      keep: 1000,
      logger,
    }),
    clock: systemClock,
    logger,
    quickBenchmarks: options.quickBenchmarks,
    telemetry,
    presence,
    slots,
    jobs: {
      runner: jobRunner,
      history: jobHistory,
      dataDir: options.dataDir,
      cleanupStaleWorkspaces: (active) => cleanupStaleWorkspaces(options.dataDir, active),
      evictImages,
    },
    power: createLazyPowerLimiter({ commands, dataDir: options.dataDir, platform: process.platform, logger, clock: systemClock }),
  });
}
