/**
 * The chain hub against a real Hardhat devnet (child process), through a small JSON-RPC
 * proxy the test controls: connect and resolve, wrong chain id, an RPC that goes away and
 * comes back, a devnet the hub starts itself, and eth_getLogs against an RPC that refuses
 * big block ranges.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Contract, JsonRpcProvider, NonceManager, Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainStatus } from '../../shared/domain/chain';
import type { NetworkSettings } from '../../shared/domain/settings';
import { createChainHub } from '../../electron/agent/chain/create-chain-hub';
import { devnetFund } from '../../electron/agent/chain/devnet-faucet';
import { createEthersChainPort } from '../../electron/agent/chain/ethers-chain-port';
import { tokenBalance } from '../../electron/agent/wallet/token';
import { getLogsChunked, isRangeLimitError } from '../../electron/agent/chain/get-logs-chunked';
import { TOKEN_ABI } from '../../electron/agent/chain/market-abi';
import { readDeployment } from '../../electron/agent/devnet/deployment-file';
import { type TestDevnet, startTestDevnet } from '../helpers/devnet';
import { recordingLogger } from '../helpers/silent-logger';
import { tempDir } from '../helpers/temp-dir';

const clock = { now: () => new Date() };
const fastTiming = { checkIntervalMs: 200, requestTimeoutMs: 1_000, backoffMinMs: 100, backoffMaxMs: 400, pollingIntervalMs: 200 };

interface RpcProxy {
  url: string;
  port: number;
  /** Block ranges of eth_getLogs the proxy forwarded / refused. */
  served: number[];
  refused: number[];
  close(): Promise<void>;
}

/** Forwards JSON-RPC to the devnet; refuses eth_getLogs spanning more than maxLogRange blocks, like hosted RPCs do. */
function startProxy(target: string, options: { port?: number; maxLogRange?: number } = {}): Promise<RpcProxy> {
  const served: number[] = [];
  const refused: number[] = [];
  const server: Server = createServer((request, response) => {
    // An HTTP-only proxy: the hub's head stream finds no WebSocket here and polls.
    if (request.headers.upgrade) {
      response.writeHead(400).end();
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const payload = JSON.parse(body) as { id: number; method: string; params: Array<{ fromBlock?: string; toBlock?: string }> } | unknown[];
      const single = Array.isArray(payload) ? null : payload;
      if (single?.method === 'eth_getLogs' && options.maxLogRange !== undefined) {
        const { fromBlock, toBlock } = single.params[0]!;
        const span = Number(toBlock) - Number(fromBlock) + 1;
        if (span > options.maxLogRange) {
          refused.push(span);
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ jsonrpc: '2.0', id: single.id, error: { code: -32005, message: `query exceeds max block range ${options.maxLogRange}` } }));
          return;
        }
        served.push(span);
      }
      fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(
        async (upstream) => {
          response.writeHead(upstream.status, { 'content-type': 'application/json' });
          response.end(await upstream.text());
        },
        () => {
          response.writeHead(502);
          response.end();
        },
      );
    });
  });
  return new Promise((resolve) => {
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        served,
        refused,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

function waitForStatus(hub: ReturnType<typeof createChainHub>, predicate: (s: ChainStatus) => boolean, timeoutMs = 20_000): Promise<ChainStatus> {
  if (predicate(hub.status())) return Promise.resolve(hub.status());
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`status never matched; last: ${JSON.stringify(hub.status())}`));
    }, timeoutMs);
    const off = hub.onStatus((status) => {
      if (!predicate(status)) return;
      clearTimeout(timer);
      off();
      resolve(status);
    });
  });
}

describe('chain hub (real Hardhat devnet)', () => {
  let devnet: TestDevnet;
  const dirs: Array<{ cleanup(): void }> = [];

  beforeAll(async () => {
    devnet = await startTestDevnet();
  });
  afterAll(async () => {
    await devnet?.stop();
    for (const dir of dirs) dir.cleanup();
  });

  const hubFor = (settings: NetworkSettings, extra: Partial<Parameters<typeof createChainHub>[0]> = {}) => {
    const dir = tempDir();
    dirs.push(dir);
    return createChainHub({ settings: () => settings, dataDir: dir.path, logger: recordingLogger().logger, clock, devnet: 'off', timing: fastTiming, ...extra });
  };

  it('connects to a custom network and resolves the token, its decimals, the deployment block and the genesis', async () => {
    const hub = hubFor({ kind: 'custom', rpcUrl: devnet.rpcUrl, chainId: 31337, marketAddress: devnet.marketAddress });
    expect(hub.status().state).toBe('disabled'); // not started: one-shot commands never connect
    await hub.start();
    const connection = await hub.whenOnline();
    expect(connection.network).toEqual({
      label: new URL(devnet.rpcUrl).host,
      isDevnet: false,
      chainId: 31337,
      rpcUrl: devnet.rpcUrl,
      marketAddress: devnet.marketAddress,
      tokenAddress: devnet.tokenAddress,
      token: { symbol: 'tUSD', decimals: 6 },
      // Found by binary search over eth_getCode: the block the devnet deployed the market in.
      deploymentBlock: devnet.deploymentBlock,
      genesisHash: devnet.genesisHash,
      // Probed (MAX_REPLICAS() is v2's): the agent provides with the matching feature.
      marketVersion: 1,
    });
    const status = hub.status();
    expect(status.state).toBe('online');
    expect(status.state === 'online' && status.headBlock).toBeGreaterThanOrEqual(devnet.deploymentBlock);
    expect(hub.connection()?.port).toBe(connection.port);
    await hub.stop();
    expect(hub.status().state).toBe('disabled');
    await expect(hub.whenOnline()).rejects.toThrow(/stopped/);
  });

  it('refuses a chain whose id is not the configured one', async () => {
    const hub = hubFor({ kind: 'custom', rpcUrl: devnet.rpcUrl, chainId: 8453, marketAddress: devnet.marketAddress });
    await hub.start();
    const status = await waitForStatus(hub, (s) => s.state === 'wrong-chain');
    expect(status).toMatchObject({ state: 'wrong-chain', expectedChainId: 8453, actualChainId: 31337 });
    expect(hub.connection()).toBeNull();
    await hub.stop();
  });

  it('says offline with the reason when there is no contract at the market address', async () => {
    const hub = hubFor({ kind: 'custom', rpcUrl: devnet.rpcUrl, chainId: 31337, marketAddress: '0x000000000000000000000000000000000000dEaD' });
    await hub.start();
    const status = await waitForStatus(hub, (s) => s.state === 'offline');
    expect(status.state === 'offline' && status.message).toMatch(/no contract at the market address/);
    await hub.stop();
  });

  it('goes offline when the RPC goes away and back online when it returns', async () => {
    let proxy = await startProxy(devnet.rpcUrl);
    const port = proxy.port;
    const hub = hubFor({ kind: 'custom', rpcUrl: proxy.url, chainId: 31337, marketAddress: devnet.marketAddress });
    const seen: string[] = [];
    hub.onStatus((s) => {
      if (seen.at(-1) !== s.state) seen.push(s.state);
    });
    await hub.start();
    const first = await hub.whenOnline();
    await proxy.close();
    const offline = await waitForStatus(hub, (s) => s.state === 'offline');
    expect(offline.state === 'offline' && offline.network?.genesisHash).toBe(devnet.genesisHash);
    expect(hub.connection()).toBeNull();
    const back = hub.whenOnline();
    proxy = await startProxy(devnet.rpcUrl, { port });
    const again = await back;
    // Same chain: consumers keep the same port (and its head stream).
    expect(again.port).toBe(first.port);
    expect(seen).toEqual(['connecting', 'online', 'offline', 'online']);
    await hub.stop();
    await proxy.close();
  });

  it('checks at once when a consumer reports a failure', async () => {
    const proxy = await startProxy(devnet.rpcUrl);
    const hub = hubFor(
      { kind: 'custom', rpcUrl: proxy.url, chainId: 31337, marketAddress: devnet.marketAddress },
      { timing: { ...fastTiming, checkIntervalMs: 60_000 } },
    );
    await hub.start();
    await hub.whenOnline();
    await proxy.close();
    hub.reportFailure(new Error('connect ECONNREFUSED'));
    await waitForStatus(hub, (s) => s.state === 'offline', 5_000);
    await hub.stop();
  });

  it('follows heads pushed over WebSocket (newHeads) on the Hardhat node, and polls through an HTTP-only endpoint', async () => {
    const heads = async (rpcUrl: string) => {
      const hub = hubFor({ kind: 'custom', rpcUrl, chainId: 31337, marketAddress: devnet.marketAddress });
      await hub.start();
      const connection = await hub.whenOnline();
      const seen: Array<{ number: number; hash: string; parentHash?: string; logsBloom?: string }> = [];
      const off = hub.onHead((head) => seen.push(head));
      const end = Date.now() + 15_000;
      // The devnet mines a block a second: three consecutive heads, once the stream has settled.
      while (Date.now() < end && (seen.length < 4 || (rpcUrl === devnet.rpcUrl && connection.port.headVia?.() !== 'newHeads'))) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const via = connection.port.headVia?.();
      const startAt = seen.length;
      while (Date.now() < end && seen.length < startAt + 3) await new Promise((r) => setTimeout(r, 50));
      off();
      await hub.stop();
      return { via, heads: seen.slice(startAt) };
    };
    const direct = await heads(devnet.rpcUrl);
    expect(direct.via).toBe('newHeads');
    expect(direct.heads.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < direct.heads.length; i++) {
      expect(direct.heads[i]!.number).toBe(direct.heads[i - 1]!.number + 1);
      expect(direct.heads[i]!.parentHash).toBe(direct.heads[i - 1]!.hash);
      expect(direct.heads[i]!.logsBloom).toMatch(/^0x[0-9a-f]{512}$/);
    }
    const proxy = await startProxy(devnet.rpcUrl);
    try {
      const polled = await heads(proxy.url);
      expect(polled.via).toBe('poll');
      expect(polled.heads.length).toBeGreaterThanOrEqual(3);
    } finally {
      await proxy.close();
    }
  });

  it('is disabled with a clear message when the devnet is off', async () => {
    const hub = hubFor({ kind: 'devnet' });
    await hub.start();
    const status = await waitForStatus(hub, (s) => s.state === 'disabled');
    expect(status.state === 'disabled' && status.message).toMatch(/--no-devnet/);
    await hub.stop();
  });

  it('starts a devnet itself for the devnet setting, and stops it when it stops', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const hub = createChainHub({
      settings: () => ({ kind: 'devnet' }),
      dataDir: dir.path,
      logger: recordingLogger().logger,
      clock,
      devnet: 'auto',
      devnetPort: 0,
      timing: fastTiming,
    });
    await hub.start();
    const connection = await hub.whenOnline();
    const deployment = readDeployment(`${dir.path}/devnet`);
    expect(deployment).not.toBeNull();
    expect(connection.network).toMatchObject({
      label: 'Local devnet',
      isDevnet: true,
      chainId: 31337,
      rpcUrl: deployment!.rpcUrl,
      marketAddress: deployment!.market,
      tokenAddress: deployment!.token,
      deploymentBlock: deployment!.deploymentBlock,
      genesisHash: deployment!.genesisHash,
    });
    // Test funds work on the devnet.
    const someone = Wallet.createRandom().address;
    await devnetFund(connection, someone, { eth: 10n ** 18n, tokenMicros: 7_000_000n });
    expect(await connection.port.balance(someone)).toBe(10n ** 18n);
    expect(await tokenBalance(connection.port, connection.network.tokenAddress, someone)).toBe(7_000_000n);

    await hub.stop();
    expect(() => process.kill(deployment!.pid, 0)).toThrow();
    expect(readDeployment(`${dir.path}/devnet`)).toBeNull();
  });

  it('refuses test funds on a chain that is not a devnet', async () => {
    const network = { ...devnet, chainId: 1 };
    const provider = new JsonRpcProvider(devnet.rpcUrl, 31337, { staticNetwork: true });
    const connection = {
      port: createEthersChainPort(provider),
      network: { label: 'x', isDevnet: false, chainId: network.chainId, rpcUrl: devnet.rpcUrl, marketAddress: devnet.marketAddress, tokenAddress: devnet.tokenAddress, token: { symbol: 'tUSD', decimals: 6 }, deploymentBlock: 0, genesisHash: devnet.genesisHash },
    };
    await expect(devnetFund(connection, devnet.accounts[1]!, { tokenMicros: 1n })).rejects.toMatchObject({ code: 'not_devnet' });
    provider.destroy();
  });

  it('getLogsChunked halves the range against an RPC that refuses big ones, and finds every log', async () => {
    // Twelve mints, each in its own block (automine): Transfer logs spread over the chain.
    const provider = new JsonRpcProvider(devnet.rpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1 });
    const minter = new NonceManager(new Wallet(devnet.privateKeys[4]!, provider));
    const token = new Contract(devnet.tokenAddress, TOKEN_ABI, minter);
    for (let i = 1; i <= 12; i++) await (await token.getFunction('mint')(devnet.accounts[5]!, BigInt(i))).wait();
    const head = await provider.getBlockNumber();
    const filter = { address: devnet.tokenAddress };
    const direct = await provider.getLogs({ ...filter, fromBlock: 0, toBlock: head });

    const proxy = await startProxy(devnet.rpcUrl, { maxLogRange: 5 });
    const viaProxy = new JsonRpcProvider(proxy.url, 31337, { staticNetwork: true, cacheTimeout: -1 });
    const chunks: Array<{ fromBlock: number; toBlock: number }> = [];
    const logs = await getLogsChunked(viaProxy, filter, 0, head, { initialChunk: 1_000, onChunk: (c) => chunks.push(c) });

    expect(logs.map((l) => `${l.transactionHash}:${l.index}`)).toEqual(direct.map((l) => `${l.transactionHash}:${l.index}`));
    expect(logs.length).toBeGreaterThanOrEqual(12 + 10); // 10 grants at deployment + our 12 mints
    expect(proxy.refused.length).toBeGreaterThan(0);
    expect(Math.max(...proxy.served)).toBeLessThanOrEqual(5);
    // Contiguous, non-overlapping chunks covering 0..head.
    expect(chunks[0]!.fromBlock).toBe(0);
    expect(chunks.at(-1)!.toBlock).toBe(head);
    for (let i = 1; i < chunks.length; i++) expect(chunks[i]!.fromBlock).toBe(chunks[i - 1]!.toBlock + 1);

    // An RPC that refuses even a single block is an error, not an endless loop.
    const stingy = await startProxy(devnet.rpcUrl, { maxLogRange: 0 });
    const viaStingy = new JsonRpcProvider(stingy.url, 31337, { staticNetwork: true, cacheTimeout: -1 });
    await expect(getLogsChunked(viaStingy, filter, 0, 3)).rejects.toThrow(/single block/);
    viaProxy.destroy();
    viaStingy.destroy();
    provider.destroy();
    await proxy.close();
    await stingy.close();
  });

  it('tells range-limit errors of common RPCs from other failures', () => {
    expect(isRangeLimitError(new Error('query returned more than 10000 results'))).toBe(true);
    expect(isRangeLimitError({ error: { code: -32602, message: 'eth_getLogs is limited to a 10,000 block range' } })).toBe(true);
    expect(isRangeLimitError({ info: { error: { code: -32005, message: 'Log response size exceeded.' } } })).toBe(true);
    expect(isRangeLimitError(new Error('connect ECONNREFUSED 127.0.0.1:8545'))).toBe(false);
    expect(isRangeLimitError(new Error('execution reverted'))).toBe(false);
  });
});
