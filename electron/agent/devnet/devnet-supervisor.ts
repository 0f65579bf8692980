/**
 * Makes sure a local devnet runs and says where: reuses the one described by
 * `<devnetDir>/deployment.json` when it still answers (same genesis hash, market code at
 * the address), otherwise starts a Hardhat node, deploys the contracts, funds the test
 * accounts and writes the file. So `rigshift devnet --demo` in one terminal and
 * `rigshift headless` in another share one chain, whichever starts first.
 *
 * Hardhat keeps the chain in memory: a devnet started again is a NEW chain (another
 * genesis hash) with the same contract addresses. Consumers key their data by genesis hash.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { AgentError } from '../../../shared/api/result';
import { jsonRpcCall } from '../chain/json-rpc';
import type { Logger } from '../ports';
import { deployDevnetContracts, devnetMarketVersion } from './deploy-devnet';
import { DEVNET_CHAIN_ID } from './devnet-accounts';
import { type DevnetDeployment, deploymentPath, ownPublishedDir, publishedDevnetDir, readDeployment, writeDeployment } from './deployment-file';
import { spawnDevnetNode } from './devnet-process';
import { isPortFree, pickFreePort } from './ports-free';

export const DEFAULT_DEVNET_PORT = 8545;

export interface RunningDevnet {
  deployment: DevnetDeployment;
  /** True when this process started the node (its stop() stops it). */
  owned: boolean;
  /** Resolves when an owned node exits (crash or stop); never for a reused one. */
  exited: Promise<void>;
  stop(): Promise<void>;
}

export interface EnsureDevnetOptions {
  devnetDir: string;
  /** Preferred port (default 8545); a free one is used when it is taken, unless strictPort. */
  port?: number;
  strictPort?: boolean;
  resourcesDir?: string;
  /** Interval mining in ms (default 1000; 0: automine only). */
  intervalMs?: number;
  /** Reuse a running devnet described by deployment.json (default true). */
  reuse?: boolean;
  /**
   * The per-user folder where `rigshift devnet` publishes its deployment (deployment-file.ts):
   * consulted after devnetDir so an agent with another data dir finds that devnet; null: never.
   */
  publishedDir?: string | null;
  /** Also publish this devnet there (`rigshift devnet` does; agents do not). */
  publish?: boolean;
  /** The market a new devnet deploys (default: devnetMarketVersion(), env or the one-line default). */
  marketVersion?: 1 | 2;
  logger: Logger;
}

/** Does the devnet in this file still run, with the same chain and the market deployed? */
export async function probeDeployment(deployment: DevnetDeployment, timeoutMs = 2_000): Promise<boolean> {
  try {
    const chainId = Number(await jsonRpcCall<string>(deployment.rpcUrl, 'eth_chainId', [], timeoutMs));
    if (chainId !== deployment.chainId) return false;
    const genesis = await jsonRpcCall<{ hash: string } | null>(deployment.rpcUrl, 'eth_getBlockByNumber', ['0x0', false], timeoutMs);
    if (genesis?.hash !== deployment.genesisHash) return false;
    const code = await jsonRpcCall<string>(deployment.rpcUrl, 'eth_getCode', [deployment.market, 'latest'], timeoutMs);
    return code !== '0x' && code.length > 2;
  } catch {
    return false;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const LOCK_STALE_MS = 120_000;

/**
 * One starter at a time per devnet folder (two agents starting together would otherwise
 * start two chains and overwrite each other's deployment.json). Returns null when another
 * live process holds the lock.
 */
function tryLock(devnetDir: string): (() => void) | null {
  const path = join(devnetDir, 'starting.lock');
  try {
    const fd = openSync(path, 'wx', 0o600);
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return () => rmSync(path, { force: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  try {
    const holder = Number(readFileSync(path, 'utf8'));
    const age = Date.now() - statSync(path).mtimeMs;
    if (Number.isInteger(holder) && holder > 0 && pidAlive(holder) && age < LOCK_STALE_MS) return null;
  } catch {
    // Vanished or unreadable: treat as stale.
  }
  rmSync(path, { force: true });
  return tryLock(devnetDir);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function ensureDevnet(options: EnsureDevnetOptions): Promise<RunningDevnet> {
  const { devnetDir, logger } = options;
  mkdirSync(devnetDir, { recursive: true, mode: 0o700 });
  const deadline = Date.now() + LOCK_STALE_MS;
  for (;;) {
    if (options.reuse !== false) {
      const existing = readDeployment(devnetDir);
      if (existing && (await probeDeployment(existing))) {
        logger.info('reusing the running devnet', { rpcUrl: existing.rpcUrl, pid: existing.pid });
        if (options.publish) await publish(options, existing);
        return { deployment: existing, owned: false, exited: new Promise(() => undefined), stop: async () => undefined };
      }
      const publishedDir = options.publishedDir === undefined ? publishedDevnetDir() : options.publishedDir;
      // Agents look there; `rigshift devnet` (the publisher) keeps to its own data dir.
      const look = !options.publish && publishedDir && publishedDir !== devnetDir && ownPublishedDir(publishedDir, false);
      const shared = look ? readDeployment(publishedDir) : null;
      if (shared && (await probeDeployment(shared))) {
        logger.info('reusing the devnet started by `rigshift devnet`', { rpcUrl: shared.rpcUrl, pid: shared.pid, from: publishedDir });
        return { deployment: shared, owned: false, exited: new Promise(() => undefined), stop: async () => undefined };
      }
    }
    const unlock = tryLock(devnetDir);
    if (unlock) {
      try {
        return await startFresh(options);
      } finally {
        unlock();
      }
    }
    if (Date.now() > deadline) {
      throw new AgentError('devnet_busy', `Another RigShift process has been starting the devnet in ${devnetDir} for too long.`, 'Stop it, or delete starting.lock in that folder.');
    }
    await sleep(300);
  }
}

function publishedDirOf(options: EnsureDevnetOptions): string | null {
  const dir = options.publishedDir === undefined ? publishedDevnetDir() : options.publishedDir;
  return dir && dir !== options.devnetDir ? dir : null;
}

/** Best effort: the devnet works without it; only other data dirs would not find it. */
async function publish(options: EnsureDevnetOptions, deployment: DevnetDeployment): Promise<void> {
  const dir = publishedDirOf(options);
  if (!dir) return;
  if (!ownPublishedDir(dir, true)) {
    options.logger.warn('cannot publish the devnet for other data dirs: the folder is not safely ours', { dir });
    return;
  }
  await writeDeployment(dir, deployment).catch((error: unknown) => options.logger.warn('cannot publish the devnet for other data dirs', { dir, error: String(error) }));
}

async function startFresh(options: EnsureDevnetOptions): Promise<RunningDevnet> {
  const { devnetDir, logger } = options;
  const wanted = options.port ?? DEFAULT_DEVNET_PORT;
  let port = wanted;
  if (wanted !== 0 && !(await isPortFree(wanted))) {
    if (options.strictPort) {
      throw new AgentError('port_in_use', `Port ${wanted} is already in use, so the devnet cannot listen on it.`, 'Pick another with --port, or leave it out for 8545 or a free one.');
    }
    port = await pickFreePort();
    logger.info('devnet port taken; using a free one', { wanted, port });
  }
  const node = await spawnDevnetNode({ port, resourcesDir: options.resourcesDir, intervalMs: options.intervalMs, logger });
  try {
    const contracts = await deployDevnetContracts(node.rpcUrl, options.marketVersion ?? devnetMarketVersion());
    const genesis = await jsonRpcCall<{ hash: string }>(node.rpcUrl, 'eth_getBlockByNumber', ['0x0', false]);
    const deployment: DevnetDeployment = {
      chainId: DEVNET_CHAIN_ID,
      rpcUrl: node.rpcUrl,
      port: node.port,
      pid: node.pid,
      market: contracts.market,
      ...(contracts.marketVersion === 2 ? { marketVersion: 2 as const } : {}),
      token: contracts.token,
      deploymentBlock: contracts.deploymentBlock,
      genesisHash: genesis.hash,
      startedAt: new Date().toISOString(),
    };
    await writeDeployment(devnetDir, deployment);
    if (options.publish) await publish(options, deployment);
    logger.info('devnet deployed', { rpcUrl: node.rpcUrl, market: contracts.market, marketVersion: contracts.marketVersion, token: contracts.token });
    return {
      deployment,
      owned: true,
      exited: node.exited.then(() => undefined),
      stop: async () => {
        await node.stop();
        // Leave no file pointing at a chain that no longer exists (unless another devnet replaced it).
        if (readDeployment(devnetDir)?.pid === node.pid) rmSync(deploymentPath(devnetDir), { force: true });
        const shared = options.publish ? publishedDirOf(options) : null;
        if (shared && readDeployment(shared)?.pid === node.pid) rmSync(deploymentPath(shared), { force: true });
      },
    };
  } catch (error) {
    await node.stop();
    throw error instanceof AgentError
      ? error
      : new AgentError('devnet_failed', `The devnet started but deploying the contracts failed: ${error instanceof Error ? error.message : String(error)}`, 'Run npm run build:contracts, then try again.');
  }
}
