/**
 * A real Hardhat devnet (child process, automine) with the market deployed, plus a
 * requester that posts jobs and a connection shaped like the chain hub's, for the
 * market client's tests. A forwarding proxy in front of the node lets a test take the
 * RPC away and bring it back.
 */
import http from 'node:http';
import { AbiCoder, Contract, JsonRpcProvider, NonceManager, Wallet } from 'ethers';
import type { ChainConnection } from '../../../electron/agent/chain/chain-hub';
import { createEthersChainPort } from '../../../electron/agent/chain/ethers-chain-port';
import { createRpcProvider } from '../../../electron/agent/chain/rpc-provider';
import { MARKET_ABI, TOKEN_ABI } from '../../../electron/agent/chain/market-abi';
import { deployDevnetContracts } from '../../../electron/agent/devnet/deploy-devnet';
import { devnetAccounts } from '../../../electron/agent/devnet/devnet-accounts';
import { spawnDevnetNode } from '../../../electron/agent/devnet/devnet-process';
import { pickFreePort } from '../../../electron/agent/devnet/ports-free';
import { recordingLogger } from '../../helpers/silent-logger';

export interface ChainFixture {
  rpcUrl: string;
  /** The proxy's URL: what the connection uses (so it can go away). */
  proxyUrl: string;
  connection: ChainConnection;
  direct: JsonRpcProvider;
  market: string;
  token: string;
  deploymentBlock: number;
  accounts: ReturnType<typeof devnetAccounts>;
  post(options?: Partial<PostOptions>, from?: number): Promise<{ id: string; block: number }>;
  /** Posts a job whose spec is these raw bytes (the contract takes any bytes, valid UTF-8 or not). */
  postRaw(spec: Uint8Array, options?: Partial<Omit<PostOptions, 'spec'>>, from?: number): Promise<{ id: string; block: number }>;
  signer(index: number): NonceManager;
  /** JSON-RPC to the node; nonce managers are reset after evm_revert. */
  send(method: string, params?: unknown[]): Promise<unknown>;
  proxy: { down(): Promise<void>; up(): Promise<void> };
  stop(): Promise<void>;
}

export interface PostOptions {
  spec: string;
  maxPricePerHour: bigint;
  maxDurationSeconds: number;
  claimWindow: number;
  runWindow: number;
  preemptible: boolean;
}

export function jobDocument(over: { name?: string; image?: string; preemptible?: boolean; maxDurationSeconds?: number; uploadUrl?: string; command?: string[] } = {}): string {
  return JSON.stringify({
    kind: 'rigshift-job',
    version: 1,
    job: {
      version: 1,
      name: over.name ?? 'test job',
      image: over.image ?? `rigshift-test/job@sha256:${'b'.repeat(64)}`,
      command: over.command ?? ['sh', '-c', 'echo done > /workspace/out/result.txt'],
      inputs: [],
      outputs: { maxTotalBytes: 1_048_576, maxFiles: 10 },
      resources: { gpus: 0, minVramMiB: 0, cpus: 1, memoryMiB: 128, scratchMiB: 0 },
      maxDurationSeconds: over.maxDurationSeconds ?? 600,
      preemptible: over.preemptible ?? false,
    },
    upload: { url: over.uploadUrl ?? 'http://127.0.0.1:9/upload' },
    description: 'a test job',
  });
}

export async function startChainFixture(): Promise<ChainFixture> {
  const port = await pickFreePort();
  const node = await spawnDevnetNode({ port, intervalMs: 0, logger: recordingLogger().logger });
  // The legacy v1 market, asked for by name: the suites on this fixture were written for it.
  const deployed = await deployDevnetContracts(node.rpcUrl, 1);
  const direct = new JsonRpcProvider(node.rpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, polling: true });
  const genesis = (await direct.send('eth_getBlockByNumber', ['0x0', false])) as { hash: string };

  // A forwarding proxy the test can take down.
  const proxyPort = await pickFreePort();
  let server: http.Server | null = null;
  const sockets = new Set<import('node:net').Socket>();
  const up = () =>
    new Promise<void>((resolve) => {
      server = http.createServer((req, res) => {
        const upstream = http.request(node.rpcUrl, { method: req.method, headers: req.headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        upstream.on('error', () => res.destroy());
        req.pipe(upstream);
      });
      server.on('connection', (socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      server.listen(proxyPort, '127.0.0.1', () => resolve());
    });
  const down = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      if (!server) return resolve();
      server.close(() => resolve());
      server = null;
    });
  await up();
  const proxyUrl = `http://127.0.0.1:${proxyPort}`;
  // The agent's own provider (its transport and decoding), so benches over this fixture measure the agent's path.
  const provider = createRpcProvider(proxyUrl, 31337, { cacheTimeout: -1, pollingIntervalMs: 4000 });

  const connection: ChainConnection = {
    network: {
      label: 'Local devnet',
      isDevnet: true,
      chainId: 31337,
      rpcUrl: proxyUrl,
      marketAddress: deployed.market,
      tokenAddress: deployed.token,
      token: { symbol: 'tUSD', decimals: 6 },
      deploymentBlock: deployed.deploymentBlock,
      genesisHash: genesis.hash,
    },
    port: createEthersChainPort(provider, { headPollMs: 200 }),
  };
  const accounts = devnetAccounts();
  const signers = new Map<number, NonceManager>();
  const signer = (index: number) => {
    let s = signers.get(index);
    if (!s) {
      s = new NonceManager(new Wallet(accounts[index]!.privateKey, direct));
      signers.set(index, s);
    }
    return s;
  };
  const approved = new Set<number>();

  return {
    rpcUrl: node.rpcUrl,
    proxyUrl,
    connection,
    direct,
    market: deployed.market,
    token: deployed.token,
    deploymentBlock: deployed.deploymentBlock,
    accounts,
    signer,
    async post(options = {}, from = 1) {
      const s = signer(from);
      if (!approved.has(from)) {
        await (await new Contract(deployed.token, TOKEN_ABI, s).getFunction('approve')(deployed.market, 2n ** 200n)).wait();
        approved.add(from);
      }
      const latest = (await direct.send('eth_getBlockByNumber', ['latest', false])) as { timestamp: string };
      const now = Math.max(Number(latest.timestamp), Math.floor(Date.now() / 1000));
      const o: PostOptions = {
        spec: jobDocument(),
        maxPricePerHour: 1_000_000n,
        maxDurationSeconds: 600,
        claimWindow: 3600,
        runWindow: 7200,
        preemptible: false,
        ...options,
      };
      const market = new Contract(deployed.market, MARKET_ABI, s);
      const tx = await market.getFunction('post')(o.spec, o.maxPricePerHour, o.maxDurationSeconds, now + o.claimWindow, now + o.claimWindow + o.runWindow, o.preemptible);
      const receipt = await tx.wait();
      const log = receipt.logs.map((l: { topics: string[]; data: string }) => market.interface.parseLog(l)).find((p: { name: string } | null) => p?.name === 'JobPosted');
      return { id: (log.args.id as bigint).toString(), block: receipt.blockNumber as number };
    },
    async postRaw(spec, options = {}, from = 1) {
      const s = signer(from);
      if (!approved.has(from)) {
        await (await new Contract(deployed.token, TOKEN_ABI, s).getFunction('approve')(deployed.market, 2n ** 200n)).wait();
        approved.add(from);
      }
      const latest = (await direct.send('eth_getBlockByNumber', ['latest', false])) as { timestamp: string };
      const now = Math.max(Number(latest.timestamp), Math.floor(Date.now() / 1000));
      const o = { maxPricePerHour: 1_000_000n, maxDurationSeconds: 600, claimWindow: 3600, runWindow: 7200, preemptible: false, ...options };
      const market = new Contract(deployed.market, MARKET_ABI, s);
      // `string` and `bytes` share one ABI encoding: encoding as bytes lets invalid UTF-8 through.
      const selector = market.interface.getFunction('post')!.selector;
      const args = AbiCoder.defaultAbiCoder().encode(
        ['bytes', 'uint128', 'uint32', 'uint64', 'uint64', 'bool'],
        [spec, o.maxPricePerHour, o.maxDurationSeconds, now + o.claimWindow, now + o.claimWindow + o.runWindow, o.preemptible],
      );
      const tx = await s.sendTransaction({ to: deployed.market, data: selector + args.slice(2) });
      const receipt = await tx.wait();
      const topic = market.interface.getEvent('JobPosted')!.topicHash;
      const log = receipt!.logs.find((l) => l.topics[0] === topic)!;
      return { id: BigInt(log.topics[1]!).toString(), block: receipt!.blockNumber };
    },
    async send(method, params = []) {
      const result: unknown = await direct.send(method, params);
      if (method === 'evm_revert') signers.clear();
      return result;
    },
    proxy: { down, up },
    async stop() {
      await down();
      connection.port.destroy();
      direct.destroy();
      await node.stop();
    },
  };
}
