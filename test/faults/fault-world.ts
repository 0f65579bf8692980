/**
 * The world the fault harness breaks: a real Hardhat devnet, a loopback RPC proxy in front
 * of it (so the endpoint can go down), a results upload server, a busybox job image, a data
 * dir on its own small tmpfs (so the disk can fill up; a plain temp folder without root),
 * and a real `rigshift headless` agent with bidding on, its wallet imported and unlocked.
 * A demo-like requester (devnet account #1) posts short CPU jobs and accepts every result.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Contract, JsonRpcProvider, Wallet } from 'ethers';
import { LOOPBACK_DEVNET_RULES_ENV } from '../../electron/agent/chain/local-chain-rules';
import { MARKET_ABI, marketJobStateName, type MarketJobStateName } from '../../electron/agent/chain/market-abi';
import { chainNow, postMarketJob } from '../../electron/agent/requester/post-job';
import { startUploadServer, type UploadServer } from '../../electron/agent/requester/upload-server';
import { TEST_SCRYPT_N_ENV } from '../../electron/agent/wallet/scrypt-params';
import { SCHEDULE_CELLS } from '../../shared/domain/controls';
import type { MarketStatus, ProviderJob } from '../../shared/domain/market';
import { startTestDevnet, type TestDevnet } from '../helpers/devnet';
import { type HeadlessProcess, startHeadlessAgent } from '../helpers/headless-process';
import { buildJobTestImage, type JobTestImage } from '../helpers/job-images';
import { type LimitProxy, startLimitProxy } from '../helpers/rpc-limit-proxy';
import { recordingLogger } from '../helpers/silent-logger';

const PASSWORD = 'fault harness wallet';
/** Each job sleeps this long: a run is short, but long enough to be killed in. */
export const JOB_SLEEP_SECONDS = 2;
export const JOB_MAX_SECONDS = 30;

export interface WalletTxOnDisk {
  id: string;
  kind: string;
  hash: string;
  nonce: number;
  status: string;
  data: string;
}

export interface FaultWorld {
  devnet: TestDevnet;
  rpc: JsonRpcProvider;
  proxy: LimitProxy;
  dataDir: string;
  /** Set when the data dir is a tmpfs of its own (the disk-full fault needs it). */
  tmpfs: boolean;
  address: string;
  /** Every pid the agent has had (its containers carry it as owner-pid). */
  agentPids: number[];
  agent(): HeadlessProcess | null;
  /** Which engine the agent (and the job image) use: undefined for the default one. */
  useEngine(dockerHost: string | undefined): void;
  dockerEnv(): NodeJS.ProcessEnv;
  startAgent(): Promise<void>;
  killAgent(): Promise<void>;
  api<T = unknown>(name: string, request?: unknown): Promise<T>;
  postJob(name: string): Promise<string>;
  chainJob(id: string): Promise<{ state: MarketJobStateName; provider: string }>;
  record(id: string): ProviderJob | null;
  walletTxs(): WalletTxOnDisk[];
  /** The job's results reached the requester's upload server, result.txt in them. */
  delivered(id: string): boolean;
  /** Accepts every submitted job of ours (the requester's side of settling). */
  acceptSubmitted(ids: string[]): Promise<void>;
  stop(): Promise<void>;
}

export async function startFaultWorld(options: { log: (line: string) => void }): Promise<FaultWorld> {
  const devnet = await startTestDevnet();
  const rpc = new JsonRpcProvider(devnet.rpcUrl, devnet.chainId, { staticNetwork: true, cacheTimeout: -1, pollingInterval: 100 });
  const proxy = await startLimitProxy(devnet.rpcUrl, { maxLogRange: 1_000_000_000 });
  const uploads: UploadServer = await startUploadServer({ logger: recordingLogger().logger });
  const { dataDir, tmpfs, cleanup } = makeDataDir(options.log);
  const key = devnet.privateKeys[6]!;
  const address = new Wallet(key).address;
  const requester = new Wallet(devnet.privateKeys[1]!, rpc);
  const market = new Contract(devnet.marketAddress, MARKET_ABI, requester);
  let dockerHost: string | undefined;
  const images = new Map<string, JobTestImage>();
  let agent: HeadlessProcess | null = null;
  const agentPids: number[] = [];
  const uploadTokens = new Map<string, string>();
  let imported = false;
  // One requester transaction at a time (posts and accepts share its nonce).
  let requesterQueue: Promise<unknown> = Promise.resolve();
  const asRequester = <T,>(work: () => Promise<T>): Promise<T> => {
    const next = requesterQueue.then(work, work);
    requesterQueue = next.catch(() => undefined);
    return next;
  };

  const dockerEnv = (): NodeJS.ProcessEnv => {
    const env = { ...process.env };
    if (dockerHost) env.DOCKER_HOST = dockerHost;
    else delete env.DOCKER_HOST;
    return env;
  };
  const image = (): JobTestImage => {
    const key = dockerHost ?? 'default';
    let built = images.get(key);
    if (!built) {
      const saved = process.env.DOCKER_HOST;
      if (dockerHost) process.env.DOCKER_HOST = dockerHost;
      try {
        built = buildJobTestImage();
      } finally {
        if (saved === undefined) delete process.env.DOCKER_HOST;
        else process.env.DOCKER_HOST = saved;
      }
      images.set(key, built);
    }
    return built;
  };

  const api = async <T,>(name: string, request: unknown = {}): Promise<T> => {
    const response = await fetch(`${agent!.origin}/api/call/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${agent!.token}` },
      body: JSON.stringify(request),
    });
    const result = (await response.json()) as { ok: boolean; value?: unknown; error?: unknown };
    if (!result.ok) throw new Error(`${name}: ${JSON.stringify(result.error)}`);
    return result.value as T;
  };

  const args = () => ['--data-dir', dataDir, '--network', 'custom', '--rpc-url', proxy.url, '--chain-id', String(devnet.chainId), '--market-address', devnet.marketAddress];

  const startAgent = async () => {
    const env = dockerEnv();
    env[TEST_SCRYPT_N_ENV] = '1024';
    // A throwaway Hardhat node of our own: devnet rules (loopback uploads) on a custom network.
    env[LOOPBACK_DEVNET_RULES_ENV] = '1';
    agent = await startHeadlessAgent(args(), 90_000, { env });
    if (agent.child.pid) agentPids.push(agent.child.pid);
    if (!imported) {
      const settings = await api<{ controls: { price: Record<string, unknown> } }>('updateSettings', { patch: {} });
      await api('updateSettings', {
        patch: {
          controls: {
            price: { ...settings.controls.price, floorMicrosPerHour: '100000', neverBelowBreakEven: false },
            presence: {
              idle: { enabled: false, minutes: 10 },
              processes: { enabled: false, builtIn: true, watchList: [] },
              fullscreen: { enabled: false },
              gpuInUse: { enabled: false, thresholdPercent: 5 },
              battery: { enabled: false },
            },
            schedule: { timeZone: 'UTC', cells: '1'.repeat(SCHEDULE_CELLS) },
            pause: { kind: 'none' },
          },
          market: { bidding: true },
        },
      });
      await api('importWallet', { source: { kind: 'privateKey', privateKey: key }, password: PASSWORD });
      imported = true;
    } else {
      await api('unlockWallet', { password: PASSWORD });
    }
    const until = Date.now() + 120_000;
    while (!(await api<{ status: MarketStatus }>('getMarket', { limit: 1 }).catch(() => null))?.status.biddingActive) {
      if (Date.now() > until) throw new Error(`the agent did not start bidding\n${agent.output().slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  const killAgent = async () => {
    const child = agent?.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  };

  const postJob = (name: string) =>
    asRequester(async () => {
      const upload = uploads.newUploadUrl();
      const now = await chainNow(requester);
      const posted = await postMarketJob(requester, devnet.marketAddress, {
        document: {
          kind: 'rigshift-job',
          version: 1,
          job: {
            version: 1,
            name,
            image: image().reference,
            command: ['sh', '-c', `echo ${name.replace(/[^a-z0-9 -]/gi, '')} > /workspace/out/result.txt; sleep ${JOB_SLEEP_SECONDS}`],
            inputs: [],
            outputs: { maxTotalBytes: 1_048_576, maxFiles: 10 },
            resources: { gpus: 0, minVramMiB: 0, cpus: 1, memoryMiB: 128, scratchMiB: 0 },
            maxDurationSeconds: JOB_MAX_SECONDS,
            preemptible: false,
          },
          upload: { url: upload.url },
          description: 'fault harness job',
        },
        maxPricePerHourMicros: 2_000_000n,
        maxDurationSeconds: JOB_MAX_SECONDS,
        claimBy: now + 3600,
        runBy: now + 3600 + 7200,
        preemptible: false,
      });
      uploadTokens.set(posted.jobId.toString(), upload.token);
      return posted.jobId.toString();
    });

  const chainJob = async (id: string) => {
    const job = (await market.getFunction('getJob')(BigInt(id))) as { state: bigint; provider: string };
    return { state: marketJobStateName(job.state), provider: String(job.provider) };
  };

  const record = (id: string): ProviderJob | null => {
    const root = join(dataDir, 'market', 'jobs');
    let chains: string[];
    try {
      chains = readdirSync(root);
    } catch {
      return null;
    }
    for (const chain of chains) {
      try {
        return (JSON.parse(readFileSync(join(root, chain, `${id}.json`), 'utf8')) as { record: ProviderJob }).record;
      } catch {
        // Not this chain, or mid-rename.
      }
    }
    return null;
  };

  const walletTxs = (): WalletTxOnDisk[] => {
    try {
      return (JSON.parse(readFileSync(join(dataDir, 'wallet', 'transactions.json'), 'utf8')) as { txs: WalletTxOnDisk[] }).txs;
    } catch {
      return [];
    }
  };

  const acceptSubmitted = async (ids: string[]) => {
    for (const id of ids) {
      if ((await chainJob(id)).state !== 'Submitted') continue;
      await asRequester(async () => {
        if ((await chainJob(id)).state !== 'Submitted') return;
        await (await market.getFunction('accept')(BigInt(id))).wait();
      }).catch((error: unknown) => options.log(`  requester: accept of job ${id} failed: ${String(error).slice(0, 200)}`));
    }
  };

  return {
    devnet,
    rpc,
    proxy,
    dataDir,
    tmpfs,
    address,
    agentPids,
    agent: () => agent,
    useEngine: (host) => {
      dockerHost = host;
    },
    dockerEnv,
    startAgent,
    killAgent,
    api,
    postJob,
    chainJob,
    record,
    walletTxs,
    delivered: (id) => {
      const token = uploadTokens.get(id);
      return token !== undefined && (uploads.upload(token)?.files.some((f) => f.name === 'result.txt' && f.sizeBytes > 0) ?? false);
    },
    acceptSubmitted,
    stop: async () => {
      try {
        await killAgent();
        await uploads.close().catch(() => undefined);
        await proxy.close().catch(() => undefined);
        await devnet.stop().catch(() => undefined);
        for (const [host, built] of images) {
          const saved = process.env.DOCKER_HOST;
          if (host !== 'default') process.env.DOCKER_HOST = host;
          built.remove();
          if (saved === undefined) delete process.env.DOCKER_HOST;
          else process.env.DOCKER_HOST = saved;
        }
      } finally {
        cleanup();
      }
    },
  };
}

/** A data dir on a 256 MiB tmpfs of its own when we are root (disk-full fault), else a temp folder. */
function makeDataDir(log: (line: string) => void): { dataDir: string; tmpfs: boolean; cleanup(): void } {
  const base = mkdtempSync(join(tmpdir(), 'rigshift-faults-'));
  const dataDir = join(base, 'data');
  mkdirSync(dataDir);
  let tmpfs = false;
  if (process.platform === 'linux' && process.getuid?.() === 0) {
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256m,mode=0700', 'rigshift-faults', dataDir], { stdio: 'pipe' });
      tmpfs = true;
    } catch (error) {
      log(`  data dir: no tmpfs (${String(error).slice(0, 120)}); the disk-full fault will be skipped`);
    }
  }
  return {
    dataDir,
    tmpfs,
    cleanup: () => {
      if (tmpfs) {
        // The agent was killed a moment ago: its files may still be held for a little while.
        for (let i = 0; i < 20 && readFileSync('/proc/mounts', 'utf8').includes(` ${dataDir} `); i += 1) {
          try {
            execFileSync('umount', ['-l', dataDir], { stdio: 'pipe' });
            break;
          } catch {
            execFileSync('sleep', ['0.25']);
          }
        }
      }
      rmSync(base, { recursive: true, force: true });
    },
  };
}
