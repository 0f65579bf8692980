/**
 * `rigshift devnet [--port N] [--data-dir D] [--demo]`: the local chain for development
 * and for a newcomer's first run. Starts (or reuses) the Hardhat devnet, prints where it
 * is, and runs until Ctrl-C; with --demo the demo requester keeps jobs coming, and on a v2
 * market two rival providers bid against the newcomer's agent (devnet/demo-rivals.ts).
 */
import { join } from 'node:path';
import { devnetAccounts, DEVNET_MNEMONIC } from '../devnet/devnet-accounts';
import { deploymentPath, publishedDevnetDir } from '../devnet/deployment-file';
import { ensureDevnet, probeDeployment } from '../devnet/devnet-supervisor';
import { DEVNET_MARKET_PARAMS } from '../devnet/deploy-devnet';
import { createDockerodeRuntime } from '../docker/dockerode-runtime';
import { createNodeCommandRunner } from '../node-adapters/command-runner';
import { createConsoleLogger, type LogLevel } from '../node-adapters/console-logger';
import { prepareDataDir } from '../node-adapters/data-dir';
import { type DemoRequester, startDemoRequester } from '../requester/demo-requester';
import { startDemoRequesterV2 } from '../requester/demo-requester-v2';
import { cliPaths } from './cli-paths';
import { startRivalsFor, type DemoRivals } from './devnet-rivals';

export interface DevnetCommandOptions {
  port?: number;
  dataDir?: string;
  demo: boolean;
  /** The market a new devnet deploys (default: devnetMarketVersion()). */
  marketVersion?: 1 | 2;
}

async function nvidiaGpuPresent(): Promise<boolean> {
  const result = await createNodeCommandRunner().run('nvidia-smi', ['-L'], { timeoutMs: 5_000 });
  return result.kind === 'exited' && result.code === 0 && /GPU \d+:/.test(result.stdout);
}

export async function runDevnet(options: DevnetCommandOptions): Promise<number> {
  const dataDir = prepareDataDir(options.dataDir);
  const devnetDir = join(dataDir, 'devnet');
  const logger = createConsoleLogger((process.env.RIGSHIFT_LOG as LogLevel | undefined) ?? 'warn');
  const { resourcesDir } = cliPaths();
  const devnet = await ensureDevnet({
    devnetDir,
    port: options.port,
    strictPort: options.port !== undefined,
    resourcesDir,
    logger,
    // Agents with any --data-dir find this devnet (README's demo steps).
    publish: true,
    marketVersion: options.marketVersion,
  });
  const d = devnet.deployment;
  const out = (line = '') => process.stdout.write(`${line}\n`);
  out(devnet.owned ? `RigShift local devnet started (Hardhat, chain ${d.chainId}, pid ${d.pid})` : `RigShift local devnet already running (pid ${d.pid}): reusing it`);
  if (options.marketVersion !== undefined && (d.marketVersion ?? 1) !== options.marketVersion) {
    out(`  Note: the running devnet has a v${d.marketVersion ?? 1} market; stop it to start one with a v${options.marketVersion} market.`);
  }
  out(`  RPC URL:   ${d.rpcUrl}`);
  out(`  Market:    ${d.market} (v${d.marketVersion ?? 1})`);
  out(`  Token:     ${d.token} (tUSD, 6 decimals)`);
  out(`  Deployed in block ${d.deploymentBlock}; genesis ${d.genesisHash}`);
  out(`  Parameters: min stake ${Number(DEVNET_MARKET_PARAMS.minStake) / 1e6} tUSD, challenge window ${DEVNET_MARKET_PARAMS.challengeWindowSeconds} s, fee ${Number(DEVNET_MARKET_PARAMS.feeBps) / 100} %, reopen window ${DEVNET_MARKET_PARAMS.reopenClaimWindowSeconds} s`);
  out(`  Written:   ${deploymentPath(devnetDir)}`);
  out(`  Published: ${deploymentPath(publishedDevnetDir())} (agents with any --data-dir find this devnet)`);
  out('  The chain lives in memory: when this devnet stops, it is gone; the next one is a new chain.');
  out();
  out(`Accounts (PUBLIC test keys from the mnemonic "${DEVNET_MNEMONIC}":`);
  out('anyone can use them; NEVER send real funds to them or use them on a real chain):');
  for (const account of devnetAccounts()) {
    out(`  #${account.index} ${account.address}  ${account.privateKey}${account.index === 0 ? '  (deployer, fee recipient)' : ''}`);
  }

  let requester: DemoRequester | null = null;
  let rivals: DemoRivals | null = null;
  if (options.demo) {
    const v2 = (d.marketVersion ?? 1) === 2;
    // First, so the first job posted already meets bidders; v1 (legacy) has no auction to lose.
    if (v2) rivals = await startRivalsFor({ deployment: d, devnetDir, out });
    try {
      // On a v2 market: auctions, replicated jobs and now and then a dispute (demo-requester-v2.ts).
      requester = await (v2 ? startDemoRequesterV2 : startDemoRequester)({
        rpcUrl: d.rpcUrl,
        chainId: d.chainId,
        marketAddress: d.market,
        logger: createConsoleLogger('info', (line) => process.stdout.write(line)),
        imagesDir: join(resourcesDir, 'images'),
        docker: createDockerodeRuntime(),
        gpuAvailable: await nvidiaGpuPresent(),
      });
      // Each job posted meets a new set of rival asks.
      const running = rivals;
      if (running) requester.onEvent((event) => void (event.kind === 'posted' ? running.nextAsks() : undefined));
      out();
      out(`Demo requester: posting jobs from accounts #1-#3; results upload to ${requester.uploadOrigin}/upload/<token>`);
    } catch (error) {
      process.stderr.write(`rigshift: the demo requester could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
  out();
  out('Press Ctrl-C to stop.');

  // Runs until Ctrl-C, or until the chain goes away (our node crashed, or the process
  // that owns the reused devnet stopped it).
  let watch: NodeJS.Timeout | undefined;
  const reason = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('stop'));
    process.once('SIGTERM', () => resolve('stop'));
    if (devnet.owned) void devnet.exited.then(() => resolve('the devnet node exited'));
    else {
      watch = setInterval(() => {
        void probeDeployment(d).then((alive) => {
          if (!alive) resolve('the devnet this command was reusing stopped');
        });
      }, 5_000);
    }
  });
  clearInterval(watch);
  if (reason !== 'stop') process.stderr.write(`rigshift: ${reason}\n`);
  else process.stderr.write('rigshift: stopping the devnet…\n');
  await requester?.stop();
  // Before the chain goes: a rival that lost its chain would look for another.
  await rivals?.stop();
  await devnet.stop();
  return reason === 'stop' ? 0 : 1;
}
