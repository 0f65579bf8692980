/**
 * A `rigshift headless` agent providing on a v2 market: its embedded devnet deploys v2
 * (RIGSHIFT_DEVNET_MARKET_VERSION=2, an isolated runtime dir so no other devnet is reused),
 * bidding on with a devnet key at a fixed floor, a busybox job image and the requester's
 * upload server. Shared by market-v2-agent.docker.test.ts and the v2 agent bench.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JsonRpcProvider, type Signer } from 'ethers';
import { devnetAccounts } from '../../electron/agent/devnet/devnet-accounts';
import { DevnetDeploymentSchema } from '../../electron/agent/devnet/deployment-file';
import { postV2Job } from '../../electron/agent/requester/market-v2-requester';
import { type ReceivedUpload, startUploadServer, type UploadServer } from '../../electron/agent/requester/upload-server';
import { TEST_SCRYPT_N_ENV } from '../../electron/agent/wallet/scrypt-params';
import type { MarketJobDocument } from '../../shared/domain/market-job';
import { agentApi, type AgentApi } from './agent-api';
import { startBidding } from './bidding-agent';
import { type HeadlessProcess, startHeadlessAgent } from './headless-process';
import { buildJobTestImage, type JobTestImage } from './job-images';
import { recordingLogger } from './silent-logger';
import { tempDir } from './temp-dir';

export interface V2AgentRun {
  agent: HeadlessProcess;
  api: AgentApi;
  rpc: JsonRpcProvider;
  market: string;
  token: string;
  /** The agent's wallet (devnet account #4). */
  me: string;
  dataDir: string;
  uploads: UploadServer;
  received: ReceivedUpload[];
  documentFor(uploadUrl: string, command?: string[], preemptible?: boolean): MarketJobDocument;
  /** Posts an auction (max price per hour in micros; bidWindow 0: a fixed-price listing) from `requester`; returns its id. */
  postAuction(requester: Signer, uploadUrl: string, options: { maxPrice: bigint; replicas?: number; bidWindow?: number; command?: string[]; preemptible?: boolean }): Promise<bigint>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The deterministic output every v2 agent test job writes (the same digest on every machine). */
export const V2_TEST_COMMAND = ['sh', '-c', 'echo v2-result > /workspace/out/result.txt; sleep 1'];

/** A market job document running `command` in the locally built busybox image, uploading to `uploadUrl`. */
export function v2JobDocument(imageReference: string, uploadUrl: string, options: { command?: string[]; preemptible?: boolean } = {}): MarketJobDocument {
  return {
    kind: 'rigshift-job',
    version: 1,
    job: {
      version: 1,
      name: 'v2 agent test',
      image: imageReference,
      command: options.command ?? V2_TEST_COMMAND,
      inputs: [],
      outputs: { maxTotalBytes: 1_048_576, maxFiles: 4 },
      resources: { gpus: 0, minVramMiB: 0, cpus: 1, memoryMiB: 128, scratchMiB: 0 },
      maxDurationSeconds: 120,
      preemptible: options.preemptible ?? false,
    },
    upload: { url: uploadUrl },
  } as MarketJobDocument;
}

export async function startV2Agent(floorMicrosPerHour: bigint): Promise<V2AgentRun> {
  const dataDir = tempDir('rigshift-v2-agent-');
  const runtime = tempDir('rigshift-v2-agent-runtime-');
  const image: JobTestImage = buildJobTestImage();
  const uploads = await startUploadServer({ logger: recordingLogger().logger, port: 0 });
  const received: ReceivedUpload[] = [];
  uploads.onUpload((u) => received.push(u));
  let agent: HeadlessProcess | null = null;
  let rpc: JsonRpcProvider | null = null;
  const stop = async () => {
    await agent?.stop();
    rpc?.destroy();
    await uploads.close();
    image.remove();
    dataDir.cleanup();
    runtime.cleanup();
  };
  try {
    agent = await startHeadlessAgent(['--data-dir', dataDir.path], 120_000, {
      devnet: true,
      env: { ...process.env, RIGSHIFT_DEVNET_MARKET_VERSION: '2', RIGSHIFT_RUNTIME_DIR: runtime.path, [TEST_SCRYPT_N_ENV]: '1024' },
    });
    const file = join(dataDir.path, 'devnet', 'deployment.json');
    const end = Date.now() + 120_000;
    while (!existsSync(file)) {
      if (Date.now() > end) throw new Error(`the agent's devnet never came up\n${agent.output().slice(-3000)}`);
      await sleep(200);
    }
    const deployment = DevnetDeploymentSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    if (deployment.marketVersion !== 2) throw new Error(`the agent's devnet deployed a v${deployment.marketVersion ?? 1} market`);
    rpc = new JsonRpcProvider(deployment.rpcUrl, deployment.chainId, { staticNetwork: true, cacheTimeout: -1, pollingInterval: 200 });
    const api = agentApi(agent);
    await startBidding(api, agent, { privateKey: devnetAccounts()[4]!.privateKey, password: 'v2 agent test password', floorMicrosPerHour: floorMicrosPerHour.toString() });
    const documentFor = (uploadUrl: string, command?: string[], preemptible = false) => v2JobDocument(image.reference, uploadUrl, { command, preemptible });
    const chain = rpc;
    return {
      agent,
      api,
      rpc: chain,
      market: deployment.market,
      token: deployment.token,
      me: devnetAccounts()[4]!.address,
      dataDir: dataDir.path,
      uploads,
      received,
      documentFor,
      async postAuction(requester, uploadUrl, options) {
        const now = (await chain.getBlock('latest'))!.timestamp;
        const posted = await postV2Job(requester, deployment.market, {
          document: documentFor(uploadUrl, options.command, options.preemptible ?? false),
          maxPricePerHourMicros: options.maxPrice,
          maxDurationSeconds: 120,
          bidWindowSeconds: options.bidWindow ?? 10,
          claimBy: now + 300,
          runBy: now + 900,
          replicas: options.replicas ?? 1,
          deterministic: true,
          preemptible: options.preemptible ?? false,
          minProviderSettled: 0,
        });
        return posted.jobId;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Polls `probe` every 250 ms until it answers. A timeout names `what` and shows the agent's
 * state (`state`: its market, unless the test looks at something else) and its output tail.
 */
export async function waitOnAgent<T>(
  run: Pick<V2AgentRun, 'agent' | 'api'>,
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  options: { timeoutMs?: number; state?: { label: string; read(): Promise<unknown> } } = {},
): Promise<T> {
  const state = options.state ?? { label: 'market', read: () => run.api('getMarket', { limit: 5 }) };
  const end = Date.now() + (options.timeoutMs ?? 120_000);
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) {
      const seen = await state.read().catch((error: unknown) => String(error));
      throw new Error(`timed out waiting for ${what}\n${state.label}: ${JSON.stringify(seen, null, 1).slice(0, 4000)}\n${run.agent.output().slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
