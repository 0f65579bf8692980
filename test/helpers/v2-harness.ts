/**
 * One v2 devnet and three shipped `rigshift headless` agents on it, each with its own data
 * dir, devnet account and floor, plus what the end-to-end test needs around them: a busybox
 * job image, the requester's upload server, a harness account that uses the contract
 * directly through ethers (a cheating replica, a garbage provider, a release attacker), and
 * reads of the chain at a block.
 *
 * The devnet is the product's (ensureDevnet, deploying v2); it is written where the agents'
 * RIGSHIFT_RUNTIME_DIR says `rigshift devnet` publishes its deployment, so each agent (whose
 * own data dir has no devnet) finds and joins it, as agents with other data dirs join a
 * `rigshift devnet --market-version 2` a user started.
 */
import { Contract, JsonRpcProvider, NonceManager, type Signer, Wallet } from 'ethers';
import { TOKEN_ABI } from '../../electron/agent/chain/market-abi';
import { MARKET_V2_ABI } from '../../electron/agent/chain/market-v2-abi';
import { devnetAccounts } from '../../electron/agent/devnet/devnet-accounts';
import { postV2Job, showV2Job, type V2Target } from '../../electron/agent/requester/market-v2-requester';
import { type ReceivedUpload, startUploadServer, type UploadServer } from '../../electron/agent/requester/upload-server';
import { TEST_SCRYPT_N_ENV } from '../../electron/agent/wallet/scrypt-params';
import type { MarketStatus } from '../../shared/domain/market';
import { agentApi, type AgentApi } from './agent-api';
import { startBidding } from './bidding-agent';
import { startTestDevnet, type TestDevnet } from './devnet';
import { type HeadlessProcess, startHeadlessAgent } from './headless-process';
import { buildJobTestImage, type JobTestImage } from './job-images';
import { recordingLogger } from './silent-logger';
import { tempDir } from './temp-dir';
import { v2JobDocument } from './v2-agent-run';

export interface V2TestAgent {
  label: string;
  process: HeadlessProcess;
  api: AgentApi;
  /** Checksummed address of its wallet (a devnet account). */
  address: string;
  floor: bigint;
}

export interface V2Harness {
  address: string;
  signer: Signer;
  /** The market, called as the harness. */
  market: Contract;
  /** Sends and waits for the receipt; returns its block number. */
  mined(tx: Promise<unknown>): Promise<number>;
}

export interface ThreeAgentMarket {
  devnet: TestDevnet;
  rpc: JsonRpcProvider;
  market: Contract;
  target: V2Target;
  agents: V2TestAgent[];
  uploads: UploadServer;
  received: ReceivedUpload[];
  requester(account: number): Signer;
  harness(account: number, stake: bigint): Promise<V2Harness>;
  post(requester: Signer, options: { maxPrice: bigint; replicas?: number; preemptible?: boolean }): Promise<bigint>;
  show(id: bigint): ReturnType<typeof showV2Job>;
  /** Waits for the results of a job posted with post() at its upload URL. */
  delivered(id: bigint): Promise<ReceivedUpload>;
  waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs?: number): Promise<T>;
  /** Chain time of the newest block. */
  chainTime(): Promise<number>;
  /** Moves chain time past `timestamp` (evm_increaseTime, then a block). */
  advancePast(timestamp: number): Promise<void>;
  /** What `address` was credited by the one transaction of block `block` (automine: one per block). */
  creditGained(address: string, block: number): Promise<bigint>;
  stop(): Promise<void>;
}

/** Agents' devnet accounts: #4, #6, #7 (#1-#3, #8, #9 post, #5 is the harness, #0 takes fees). */
export const AGENT_ACCOUNTS = [4, 6, 7];
/**
 * The bid window every test job gets: long enough that three agents on a loaded machine all
 * bid; the test moves chain time past it once the bids it expects are on chain.
 */
export const TEST_BID_WINDOW = 90;
export const TEST_DURATION = 120;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mineOf = async (tx: Promise<unknown>) => (await (await (tx as Promise<{ wait(): Promise<{ blockNumber: number; status: number }> }>)).wait()).blockNumber;

async function startAgent(runtimeDir: string, account: number, floor: bigint, label: string): Promise<{ agent: V2TestAgent; cleanup(): Promise<void> }> {
  const dataDir = tempDir(`rigshift-v2-three-${label}-`);
  let process_: HeadlessProcess | null = null;
  const cleanup = async () => {
    await process_?.stop();
    dataDir.cleanup();
  };
  try {
    process_ = await startHeadlessAgent(['--data-dir', dataDir.path], 180_000, {
      devnet: true,
      env: { ...process.env, RIGSHIFT_DEVNET_MARKET_VERSION: '2', RIGSHIFT_RUNTIME_DIR: runtimeDir, [TEST_SCRYPT_N_ENV]: '1024' },
    });
    const api = agentApi(process_);
    const key = devnetAccounts()[account]!;
    await startBidding(api, process_, { privateKey: key.privateKey, password: `v2 three agents ${label}`, floorMicrosPerHour: floor.toString() });
    const status = (await api<{ status: MarketStatus }>('getMarket', { limit: 1 })).status;
    if (status.marketVersion !== 2) throw new Error(`agent ${label} is not on the v2 devnet (market version ${status.marketVersion ?? 1})`);
    return { agent: { label, process: process_, api, address: key.address, floor }, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

export async function startThreeAgentMarket(floors: readonly bigint[]): Promise<ThreeAgentMarket> {
  const devnet = await startTestDevnet({ marketVersion: 2 });
  const image: JobTestImage = buildJobTestImage();
  const uploads = await startUploadServer({ logger: recordingLogger().logger, port: 0 });
  const received: ReceivedUpload[] = [];
  uploads.onUpload((u) => received.push(u));
  const rpc = new JsonRpcProvider(devnet.rpcUrl, devnet.chainId, { staticNetwork: true, cacheTimeout: -1, pollingInterval: 200 });
  const cleanups: Array<() => Promise<void>> = [];
  const stop = async () => {
    await Promise.all(cleanups.map((c) => c().catch(() => undefined)));
    rpc.destroy();
    await uploads.close();
    image.remove();
    await devnet.stop();
  };
  try {
    // devnet.dataDir/devnet is where an agent with RIGSHIFT_RUNTIME_DIR=devnet.dataDir looks for a published devnet.
    const started = await Promise.allSettled(floors.map((floor, i) => startAgent(devnet.dataDir, AGENT_ACCOUNTS[i]!, floor, String.fromCharCode(65 + i))));
    for (const s of started) if (s.status === 'fulfilled') cleanups.push(s.value.cleanup);
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    const agents = started.map((s) => (s as PromiseFulfilledResult<{ agent: V2TestAgent }>).value.agent);
    const market = new Contract(devnet.marketAddress, MARKET_V2_ABI, rpc);
    const target: V2Target = { rpcUrl: devnet.rpcUrl, chainId: devnet.chainId, marketAddress: devnet.marketAddress, fromBlock: 0 };
    const chainTime = async () => (await rpc.getBlock('latest'))!.timestamp;
    const uploadTokens = new Map<bigint, string>();
    const diagnostics = () => agents.map((a) => `--- agent ${a.label} (${a.address}) ---\n${a.process.output().slice(-2500)}`).join('\n');
    const waitFor = async <T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 150_000): Promise<T> => {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const value = await probe();
        if (value) return value;
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${diagnostics()}`);
        await sleep(300);
      }
    };
    return {
      devnet,
      rpc,
      market,
      target,
      agents,
      uploads,
      received,
      requester: (account) => new NonceManager(new Wallet(devnetAccounts()[account]!.privateKey, rpc)),
      async harness(account, stake) {
        const signer = new NonceManager(new Wallet(devnetAccounts()[account]!.privateKey, rpc));
        const asHarness = new Contract(devnet.marketAddress, MARKET_V2_ABI, signer);
        await mineOf(new Contract(devnet.tokenAddress, TOKEN_ABI, signer).getFunction('approve')(devnet.marketAddress, stake));
        await mineOf(asHarness.getFunction('depositStake')(stake));
        return { address: devnetAccounts()[account]!.address, signer, market: asHarness, mined: mineOf };
      },
      async post(requester, options) {
        const now = await chainTime();
        const upload = uploads.newUploadUrl();
        const posted = await postV2Job(requester, devnet.marketAddress, {
          document: v2JobDocument(image.reference, upload.url, { preemptible: options.preemptible ?? false }),
          maxPricePerHourMicros: options.maxPrice,
          maxDurationSeconds: TEST_DURATION,
          bidWindowSeconds: TEST_BID_WINDOW,
          // Far deadlines: the test moves chain time past bid windows, never past these.
          claimBy: now + 3_600,
          runBy: now + 7_200,
          replicas: options.replicas ?? 1,
          deterministic: true,
          preemptible: options.preemptible ?? false,
          minProviderSettled: 0,
        });
        uploadTokens.set(posted.jobId, upload.token);
        return posted.jobId;
      },
      show: (id) => showV2Job(rpc, target, id),
      delivered(id) {
        return waitFor(`the results of job ${id} uploaded`, async () => received.find((u) => u.token === uploadTokens.get(id)));
      },
      waitFor,
      chainTime,
      async advancePast(timestamp) {
        const now = await chainTime();
        if (now <= timestamp) await rpc.send('evm_increaseTime', [timestamp - now + 1]);
        await rpc.send('evm_mine', []);
      },
      async creditGained(address, block) {
        const credit = market.getFunction('credit');
        const after = (await credit(address, { blockTag: block })) as bigint;
        const before = (await credit(address, { blockTag: block - 1 })) as bigint;
        return after - before;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
