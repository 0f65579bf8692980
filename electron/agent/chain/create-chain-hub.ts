/**
 * The ChainHub (chain-hub.ts): one connection to the owner's chosen network, with an
 * explicit state the UI shows and the other features wait on.
 *
 *   disabled ── (no devnet on purpose)           wrong-chain ◄── eth_chainId ≠ configured
 *   connecting ──► online ◄──► offline (backoff 1 s … 30 s; checks every few seconds)
 *
 * Pitfalls handled here (docs/ARCHITECTURE.md, "Chain, devnet and requester"):
 *  - ethers' JsonRpcProvider without a static network retries network detection forever
 *    when the node is down; we give it staticNetwork and check eth_chainId ourselves, at
 *    connect and on every periodic check, with a raw request that cannot be cached.
 *  - ethers' default request timeout is 300 s; ours is a few seconds.
 *  - a restarted Hardhat devnet is a new chain at the same URL and addresses: the genesis
 *    hash is checked too, and a new one gives consumers a new provider and network.
 */
import { Contract, type JsonRpcProvider } from 'ethers';
import { join } from 'node:path';
import type { ChainStatus, ResolvedNetwork } from '../../../shared/domain/chain';
import type { NetworkSettings } from '../../../shared/domain/settings';
import { isMarketV2 } from './market-v2-abi';
import { ensureDevnet, type RunningDevnet } from '../devnet/devnet-supervisor';
import type { Clock, Logger } from '../ports';
import type { ChainConnection, ChainHub } from './chain-hub';
import type { ChainBlock } from './chain-port';
import { resolveDeploymentBlock } from './deployment-block';
import { createEthersChainPort } from './ethers-chain-port';
import { webSocketUrlOf } from './head-stream';
import { jsonRpcCall } from './json-rpc';
import { MARKET_ABI, TOKEN_ABI } from './market-abi';
import { rpcBackoff } from './rpc-backoff';
import { createRpcProvider } from './rpc-provider';

/** The hub's own connect-time reads wait out rate limits like the port's (rpc-backoff.ts). */
const limited = rpcBackoff();

export interface ChainHubTiming {
  /** Health check while online (chain id, genesis, head). */
  checkIntervalMs: number;
  /** Timeout of every RPC request the hub and its provider make. */
  requestTimeoutMs: number;
  backoffMinMs: number;
  backoffMaxMs: number;
  /** ethers polling interval, and the interval of the one head stream when it polls (head-stream.ts). */
  pollingIntervalMs: number;
}

export interface ChainHubDeps {
  settings: () => NetworkSettings;
  dataDir: string;
  logger: Logger;
  clock: Clock;
  /** 'off' (headless --no-devnet, tests): the devnet network setting leaves the hub disabled. */
  devnet: 'auto' | 'off';
  /** Where resources/devnet lives (packaged apps); found from this module's location otherwise. */
  resourcesDir?: string;
  /** Default <dataDir>/devnet. */
  devnetDir?: string;
  /** Port a devnet this hub starts prefers (default 8545, a free one when taken). */
  devnetPort?: number;
  timing?: Partial<ChainHubTiming>;
  /** false: never try newHeads over WebSocket, poll the head (default: try it). */
  headSubscription?: boolean;
}

const DEFAULT_TIMING: ChainHubTiming = {
  // A failing head read of the stream checks at once; this is for a chain with no blocks.
  checkIntervalMs: 10_000,
  requestTimeoutMs: 5_000,
  backoffMinMs: 1_000,
  backoffMaxMs: 30_000,
  pollingIntervalMs: 1_000,
};

export const DEVNET_LABEL = 'Local devnet';

interface Target {
  label: string;
  isDevnet: boolean;
  rpcUrl: string;
  chainId: number;
  marketAddress: string;
  /** Known for a devnet we deployed (deployment.json); the owner's (checked) or searched for otherwise. */
  deploymentBlock: number | null;
  genesisHash: string | null;
  /** Known for a devnet we deployed; probed otherwise (isMarketV2). */
  marketVersion?: 1 | 2;
}

class Unavailable extends Error {
  constructor(readonly status: ChainStatus) {
    super('message' in status ? status.message : status.state);
  }
}

function hostLabel(rpcUrl: string): string {
  try {
    return new URL(rpcUrl).host;
  } catch {
    return rpcUrl;
  }
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 300);

export function createChainHub(deps: ChainHubDeps): ChainHub & { refresh(): void } {
  const timing = { ...DEFAULT_TIMING, ...deps.timing };
  const { logger } = deps;
  const devnetDir = deps.devnetDir ?? join(deps.dataDir, 'devnet');
  const listeners = new Set<(status: ChainStatus) => void>();
  let status: ChainStatus = { state: 'disabled', message: 'Not connected: this part of RigShift does not use the chain.' };
  let current: ChainConnection | null = null;
  let lastNetwork: ResolvedNetwork | null = null;
  let devnet: RunningDevnet | null = null;
  let started = false;
  let stopped = false;
  let loop: Promise<void> | null = null;
  let wake: (() => void) | null = null;
  let waiters: Array<{ resolve: (c: ChainConnection) => void; reject: (e: Error) => void }> = [];
  const deploymentBlocks = new Map<string, number>();
  /** The deployment block the settings named for the current connection (null: searched). */
  let currentGivenBlock: number | null = null;
  const headListeners = new Set<(head: ChainBlock) => void>();
  let headOff: (() => void) | null = null;
  const forwardHead = (head: ChainBlock) => {
    for (const listener of [...headListeners]) listener(head);
  };
  /** The hub listens to the current port's stream only while someone listens to the hub. */
  const followHeads = () => {
    headOff?.();
    headOff = current && headListeners.size > 0 ? current.port.onHead(forwardHead) : null;
  };

  const now = () => deps.clock.now().toISOString();

  function setStatus(next: ChainStatus) {
    status = next;
    for (const listener of listeners) {
      try {
        listener(next);
      } catch (error) {
        logger.warn('chain status listener failed', { error: describe(error) });
      }
    }
  }

  /** Sleeps, unless woken (reportFailure, refresh, stop, a devnet that died). */
  function pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        if (wake === done) wake = null;
        resolve();
      }
      wake = done;
    });
  }
  const poke = () => wake?.();

  const customTarget = (settings: Extract<NetworkSettings, { kind: 'custom' }>): Target => ({
    label: hostLabel(settings.rpcUrl),
    isDevnet: false,
    rpcUrl: settings.rpcUrl,
    chainId: settings.chainId,
    marketAddress: settings.marketAddress,
    deploymentBlock: settings.deploymentBlock ?? null,
    genesisHash: null,
  });

  async function devnetTarget(): Promise<Target> {
    if (!devnet || devnet.owned === false || (await devnetExited(devnet))) {
      setStatus({ state: 'connecting', message: 'Starting the local devnet…' });
      const running = await ensureDevnet({ devnetDir, port: deps.devnetPort, resourcesDir: deps.resourcesDir, logger });
      if (stopped) {
        await running.stop();
        throw new Unavailable({ state: 'disabled', message: 'Stopped.' });
      }
      if (devnet && devnet !== running && devnet.owned) await devnet.stop();
      devnet = running;
      // A crash of our own node should not wait for the next periodic check.
      void running.exited.then(() => {
        if (devnet === running && !stopped) {
          logger.warn('the local devnet node exited');
          poke();
        }
      });
    }
    const d = devnet.deployment;
    return {
      label: DEVNET_LABEL,
      isDevnet: true,
      rpcUrl: d.rpcUrl,
      chainId: d.chainId,
      marketAddress: d.market,
      deploymentBlock: d.deploymentBlock,
      genesisHash: d.genesisHash,
      marketVersion: d.marketVersion ?? 1,
    };
  }

  async function devnetExited(running: RunningDevnet): Promise<boolean> {
    const marker = Symbol('pending');
    const result = await Promise.race([running.exited.then(() => true), Promise.resolve(marker)]);
    return result === true;
  }

  function makeProvider(target: Target): JsonRpcProvider {
    // No ethers-side 429 retry: the chain port's withRpcBackoff decides (rpc-provider.ts).
    return createRpcProvider(target.rpcUrl, target.chainId, {
      timeoutMs: timing.requestTimeoutMs,
      pollingIntervalMs: timing.pollingIntervalMs,
      // Right after a block, a cached eth_blockNumber would be stale for consumers.
      cacheTimeout: 100,
    });
  }

  async function findDeploymentBlock(provider: JsonRpcProvider, market: string, genesis: string, given: number | null): Promise<number> {
    const key = `${genesis}:${market.toLowerCase()}:${given ?? 'search'}`;
    const known = deploymentBlocks.get(key);
    if (known !== undefined) return known;
    const reader = {
      blockNumber: () => limited(() => provider.getBlockNumber(), 'eth_blockNumber'),
      codeAt: (address: string, block: number) => limited(() => provider.getCode(address, block), 'eth_getCode'),
    };
    const found = await resolveDeploymentBlock(reader, market, given, logger);
    deploymentBlocks.set(key, found);
    return found;
  }

  async function connect(): Promise<ChainConnection> {
    let target: Target;
    const settings = deps.settings();
    if (settings.kind === 'devnet') {
      if (deps.devnet === 'off') {
        throw new Unavailable({
          state: 'disabled',
          message: 'The local devnet is off (started with --no-devnet): no chain, so no jobs and no wallet balance. Start without --no-devnet, or choose another network in Settings.',
        });
      }
      target = await devnetTarget();
    } else {
      target = customTarget(settings);
      if (status.state !== 'offline') setStatus({ state: 'connecting', message: `Connecting to ${target.label}…` });
    }

    const actual = Number(await jsonRpcCall<string>(target.rpcUrl, 'eth_chainId', [], timing.requestTimeoutMs));
    if (actual !== target.chainId) {
      throw new Unavailable({
        state: 'wrong-chain',
        message: `${target.rpcUrl} serves chain ${actual}, not the configured chain ${target.chainId}. Nothing is signed for it. Fix the RPC URL or the chain id in Settings.`,
        expectedChainId: target.chainId,
        actualChainId: actual,
      });
    }
    const genesis = await jsonRpcCall<{ hash: string } | null>(target.rpcUrl, 'eth_getBlockByNumber', ['0x0', false], timing.requestTimeoutMs);
    if (!genesis?.hash) throw new Error(`${target.rpcUrl} has no block 0`);
    if (target.genesisHash && genesis.hash !== target.genesisHash) {
      // deployment.json describes a chain that is gone: the next attempt starts a new devnet.
      devnet = null;
      throw new Error('the devnet at this address was restarted (another genesis); reconnecting');
    }

    const same =
      current && current.network.rpcUrl === target.rpcUrl && current.network.chainId === target.chainId && current.network.genesisHash === genesis.hash &&
      current.network.marketAddress.toLowerCase() === target.marketAddress.toLowerCase() &&
      currentGivenBlock === target.deploymentBlock;
    if (same) return current!;

    const provider = makeProvider(target);
    try {
      const code = await limited(() => provider.getCode(target.marketAddress), 'eth_getCode');
      if (code === '0x') {
        throw new Error(`there is no contract at the market address ${target.marketAddress} on chain ${target.chainId}; check the market address in Settings`);
      }
      const market = new Contract(target.marketAddress, MARKET_ABI, provider);
      const tokenAddress = String(await limited(() => market.getFunction('token')() as Promise<string>, 'token()'));
      const token = new Contract(tokenAddress, TOKEN_ABI, provider);
      const [symbol, decimals] = await Promise.all([
        limited(() => token.getFunction('symbol')() as Promise<string>, 'symbol()'),
        limited(() => token.getFunction('decimals')() as Promise<bigint>, 'decimals()'),
      ]);
      // A devnet's deployment.json is ours; an owner's block is checked against the chain.
      const deploymentBlock =
        target.isDevnet && target.deploymentBlock !== null
          ? target.deploymentBlock
          : await findDeploymentBlock(provider, target.marketAddress, genesis.hash, target.deploymentBlock);
      const network: ResolvedNetwork = {
        label: target.label,
        isDevnet: target.isDevnet,
        chainId: target.chainId,
        rpcUrl: target.rpcUrl,
        marketAddress: target.marketAddress,
        tokenAddress,
        token: { symbol: String(symbol), decimals: Number(decimals) },
        deploymentBlock,
        genesisHash: genesis.hash,
        marketVersion: target.marketVersion ?? ((await limited(() => isMarketV2(provider, target.marketAddress), 'MAX_REPLICAS()')) ? 2 : 1),
      };
      const previous = current;
      // newHeads over WebSocket where the endpoint offers it (a Hardhat node does, on its HTTP port).
      const port = createEthersChainPort(provider, {
        headPollMs: timing.pollingIntervalMs,
        onHeadError: () => poke(),
        wsUrl: deps.headSubscription === false ? null : webSocketUrlOf(target.rpcUrl),
        onHeadVia: (via, reason) => logger.info(`chain heads: ${via === 'newHeads' ? 'pushed over WebSocket (newHeads)' : 'polled'}`, { reason }),
      });
      current = { network, port };
      currentGivenBlock = target.deploymentBlock;
      followHeads();
      previous?.port.destroy();
      return current;
    } catch (error) {
      provider.destroy();
      throw error;
    }
  }

  /** Cheap liveness check while online: same chain, same genesis, and the head. */
  async function check(connection: ChainConnection): Promise<number> {
    const { rpcUrl, chainId, genesisHash } = connection.network;
    const actual = Number(await jsonRpcCall<string>(rpcUrl, 'eth_chainId', [], timing.requestTimeoutMs));
    if (actual !== chainId) {
      throw new Unavailable({
        state: 'wrong-chain',
        message: `${rpcUrl} now serves chain ${actual}, not ${chainId}. Nothing is signed for it.`,
        expectedChainId: chainId,
        actualChainId: actual,
      });
    }
    const genesis = await jsonRpcCall<{ hash: string } | null>(rpcUrl, 'eth_getBlockByNumber', ['0x0', false], timing.requestTimeoutMs);
    if (genesis?.hash !== genesisHash) throw new Error('the chain at this RPC was replaced (another genesis hash)');
    // The head stream knows the head while it runs; ask only when nobody listens to it.
    const streamed = connection.port.head();
    if (streamed) return streamed.number;
    return Number(await jsonRpcCall<string>(rpcUrl, 'eth_blockNumber', [], timing.requestTimeoutMs));
  }

  function settingsKey() {
    return JSON.stringify(deps.settings());
  }

  async function run() {
    let backoff = timing.backoffMinMs;
    let key = settingsKey();
    while (!stopped) {
      try {
        const connection = await connect();
        if (stopped) break;
        lastNetwork = connection.network;
        backoff = timing.backoffMinMs;
        // Online: check until something fails or the settings change.
        for (;;) {
          const head = await check(connection);
          if (stopped) return;
          setStatus({ state: 'online', network: connection.network, headBlock: head, checkedAt: now() });
          if (waiters.length) {
            const ready = waiters;
            waiters = [];
            for (const waiter of ready) waiter.resolve(connection);
          }
          await pause(timing.checkIntervalMs);
          if (stopped) return;
          if (settingsKey() !== key) break;
          if (devnet?.owned && (await devnetExited(devnet))) throw new Error('the local devnet node exited');
        }
        key = settingsKey();
        setStatus({ state: 'connecting', message: 'The network setting changed; reconnecting…' });
        continue;
      } catch (error) {
        if (stopped) return;
        key = settingsKey();
        if (error instanceof Unavailable) {
          setStatus(error.status);
          if (error.status.state === 'disabled') {
            // Nothing to retry; a settings change or refresh() wakes us.
            await pause(24 * 3600_000);
            continue;
          }
        } else {
          const message = describe(error);
          const since = status.state === 'offline' ? status.since : now();
          if (status.state !== 'offline') logger.warn('chain offline', { error: message });
          setStatus({ state: 'offline', message: `The chain RPC is not answering: ${message}. Retrying.`, since, network: lastNetwork });
        }
        await pause(backoff);
        backoff = Math.min(backoff * 2, timing.backoffMaxMs);
      }
    }
  }

  return {
    status: () => status,
    onStatus(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    connection: () => (status.state === 'online' ? current : null),
    onHead(listener) {
      headListeners.add(listener);
      if (headListeners.size === 1) followHeads();
      return () => {
        headListeners.delete(listener);
        if (headListeners.size === 0) followHeads();
      };
    },
    whenOnline() {
      if (status.state === 'online' && current) return Promise.resolve(current);
      if (stopped) return Promise.reject(new Error('the chain connection was stopped'));
      return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
    },
    reportFailure(error) {
      logger.info('chain failure reported; checking the RPC now', { error: describe(error) });
      poke();
    },
    refresh: poke,
    async start() {
      if (started) return;
      started = true;
      setStatus({ state: 'connecting', message: 'Connecting to the chain…' });
      loop = run().catch((error: unknown) => logger.error('chain hub loop failed', { error: describe(error) }));
    },
    async stop() {
      stopped = true;
      poke();
      const pending = waiters;
      waiters = [];
      for (const waiter of pending) waiter.reject(new Error('the chain connection was stopped'));
      await loop;
      headOff?.();
      headOff = null;
      current?.port.destroy();
      current = null;
      if (devnet?.owned) await devnet.stop();
      devnet = null;
      setStatus({ state: 'disabled', message: 'Stopped.' });
    },
  };
}
