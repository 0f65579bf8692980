/**
 * kill -9 right after the submit transaction was sent, through the real parts: a
 * `rigshift headless` process on a real Hardhat devnet with a real container. Mining is
 * stopped while the job runs, so the submit sits in the node's mempool when the agent is
 * SIGKILLed; the agent is started again on the same data dir (and unlocked), then mining
 * resumes. The job must reach the chain's state (submitted, then settled when the requester
 * accepts) with the submit sent exactly once and no reverted transaction of the agent.
 * (Before the state machine: the restarted agent signed a second submit, which reverted
 * NotClaimed, and kept retrying.)
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Contract, Interface, JsonRpcProvider, Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MARKET_ABI } from '../../electron/agent/chain/market-abi';
import { chainNow, postMarketJob } from '../../electron/agent/requester/post-job';
import { startUploadServer, type UploadServer } from '../../electron/agent/requester/upload-server';
import { TEST_SCRYPT_N_ENV } from '../../electron/agent/wallet/scrypt-params';
import { SCHEDULE_CELLS } from '../../shared/domain/controls';
import type { MarketJobDetail, MarketStatus, ProviderJob } from '../../shared/domain/market';
import { cliBundle } from '../helpers/cli';
import { startTestDevnet, type TestDevnet } from '../helpers/devnet';
import { type HeadlessProcess, startHeadlessAgent } from '../helpers/headless-process';
import { buildJobTestImage, busyboxAvailable, type JobTestImage } from '../helpers/job-images';
import { dockerEngine, fileExists, need } from '../helpers/requirements';
import { recordingLogger } from '../helpers/silent-logger';
import { tempDir } from '../helpers/temp-dir';

const ready = need(fileExists(cliBundle, 'npm run build')) && need(dockerEngine()) && need(busyboxAvailable());
const PASSWORD = 'e2e restart after submit';
const marketInterface = new Interface(MARKET_ABI);

describe.skipIf(!ready)('kill -9 right after the submit is sent: the restarted agent follows the chain', () => {
  let devnet: TestDevnet;
  let rpc: JsonRpcProvider;
  let image: JobTestImage;
  let uploads: UploadServer;
  let agent: HeadlessProcess | null = null;
  const pids: number[] = [];
  const dir = tempDir('rigshift-e2e-restart-');
  let key: string;
  let address: string;

  const args = () => ['--data-dir', dir.path, '--network', 'custom', '--rpc-url', devnet.rpcUrl, '--chain-id', String(devnet.chainId), '--market-address', devnet.marketAddress];

  async function api<T = unknown>(name: string, request: unknown = {}): Promise<T> {
    const response = await fetch(`${agent!.origin}/api/call/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${agent!.token}` },
      body: JSON.stringify(request),
    });
    const result = (await response.json()) as { ok: boolean; value?: unknown; error?: unknown };
    if (!result.ok) throw new Error(`${name}: ${JSON.stringify(result.error)}`);
    return result.value as T;
  }

  async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 90_000): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${agent?.output().slice(-4000)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** The provider's record of the job, read from its file (what survives a kill -9). */
  function recordOnDisk(id: string): ProviderJob | null {
    const root = join(dir.path, 'market', 'jobs');
    try {
      for (const chain of readdirSync(root)) {
        try {
          return (JSON.parse(readFileSync(join(root, chain, `${id}.json`), 'utf8')) as { record: ProviderJob }).record;
        } catch {
          // not this chain, or mid-rename
        }
      }
    } catch {
      // no records yet
    }
    return null;
  }

  /** Every transaction of the agent mined on the chain, with its status. */
  async function agentTxs() {
    const latest = await rpc.getBlockNumber();
    const out: Array<{ name: string; status: number }> = [];
    for (let n = devnet.deploymentBlock; n <= latest; n++) {
      const block = await rpc.getBlock(n, true);
      for (const tx of block?.prefetchedTransactions ?? []) {
        if (tx.from.toLowerCase() !== address.toLowerCase()) continue;
        const receipt = await rpc.getTransactionReceipt(tx.hash);
        const name = tx.to?.toLowerCase() === devnet.marketAddress.toLowerCase() ? marketInterface.parseTransaction({ data: tx.data })?.name ?? '?' : 'token';
        out.push({ name, status: receipt?.status ?? -1 });
      }
    }
    return out;
  }

  async function startAgent() {
    agent = await startHeadlessAgent(args(), 60_000);
    if (agent.child.pid) pids.push(agent.child.pid);
  }

  beforeAll(async () => {
    image = buildJobTestImage();
    devnet = await startTestDevnet();
    rpc = new JsonRpcProvider(devnet.rpcUrl, devnet.chainId, { staticNetwork: true, cacheTimeout: -1, pollingInterval: 100 });
    uploads = await startUploadServer({ logger: recordingLogger().logger });
    key = devnet.privateKeys[6]!;
    address = new Wallet(key).address;
    const before = process.env[TEST_SCRYPT_N_ENV];
    process.env[TEST_SCRYPT_N_ENV] = '1024';
    try {
      await startAgent();
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
          market: { bidding: true }, // a new install waits for "Start renting"
        },
      });
      await api('importWallet', { source: { kind: 'privateKey', privateKey: key }, password: PASSWORD });
    } finally {
      if (before === undefined) delete process.env[TEST_SCRYPT_N_ENV];
      else process.env[TEST_SCRYPT_N_ENV] = before;
    }
    await waitFor('the agent to bid', async () => (await api<{ status: MarketStatus }>('getMarket', { limit: 1 })).status.biddingActive);
  }, 150_000);

  afterAll(async () => {
    await agent?.stop();
    for (const pid of pids) {
      try {
        const ids = execFileSync('docker', ['ps', '-aq', '--filter', `label=io.rigshift.owner-pid=${pid}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
        if (ids.length > 0) execFileSync('docker', ['rm', '-f', ...ids], { stdio: 'pipe' });
      } catch {
        // No engine: nothing to clean.
      }
    }
    await uploads?.close();
    await devnet?.stop();
    image?.remove();
    dir.cleanup();
  }, 60_000);

  it('submits once, reconciles after the restart, and settles', async () => {
    const requester = new Wallet(devnet.privateKeys[1]!, rpc);
    const upload = uploads.newUploadUrl();
    const now = await chainNow(requester);
    const posted = await postMarketJob(requester, devnet.marketAddress, {
      document: {
        kind: 'rigshift-job',
        version: 1,
        job: {
          version: 1,
          name: 'restart e2e',
          image: image.reference,
          command: ['sh', '-c', 'echo restart-result > /workspace/out/result.txt; sleep 3'],
          inputs: [],
          outputs: { maxTotalBytes: 1_048_576, maxFiles: 10 },
          resources: { gpus: 0, minVramMiB: 0, cpus: 1, memoryMiB: 128, scratchMiB: 0 },
          maxDurationSeconds: 120,
          preemptible: false,
        },
        upload: { url: upload.url },
        description: 'restart e2e',
      },
      maxPricePerHourMicros: 2_000_000n,
      maxDurationSeconds: 120,
      claimBy: now + 3600,
      runBy: now + 3600 + 7200,
      preemptible: false,
    });
    const id = posted.jobId.toString();

    // While it runs, the node stops mining: the submit will wait in the mempool.
    await waitFor('the job to run', () => recordOnDisk(id)?.state === 'running');
    await rpc.send('evm_setAutomine', [false]);
    await rpc.send('evm_setIntervalMining', [0]);
    const sent = await waitFor('the submit to be sent', () => recordOnDisk(id)?.txs.some((t) => t.kind === 'submit'), 60_000);
    expect(sent).toBe(true);
    agent!.child.kill('SIGKILL');
    await new Promise((r) => agent!.child.once('exit', r));
    expect(recordOnDisk(id)?.state).toBe('uploading');

    // Restarted while the submit is still unmined: it must wait for it, not sign another.
    await startAgent();
    await api('unlockWallet', { password: PASSWORD });
    await new Promise((r) => setTimeout(r, 8000));
    const pending = (await rpc.send('eth_getBlockByNumber', ['pending', true])) as { transactions: Array<{ from: string; input: string }> };
    const pendingSubmits = pending.transactions.filter((t) => t.from.toLowerCase() === address.toLowerCase() && marketInterface.parseTransaction({ data: t.input })?.name === 'submit');
    expect(pendingSubmits).toHaveLength(1);

    await rpc.send('evm_setAutomine', [true]);
    await rpc.send('evm_mine', []);
    const detail = await waitFor('the restarted agent to see the job submitted', async () => {
      // Until its event log has caught up with the chain, the restarted agent answers "not seen".
      const d = await api<MarketJobDetail>('getMarketJob', { chainJobId: id }).catch(() => null);
      // Our record learns it from the receipt, the market view from the event log a moment later.
      return d?.mine?.state === 'submitted' && d.chainState === 'submitted' ? d : null;
    });
    expect(detail.chainState).toBe('submitted');

    const market = new Contract(devnet.marketAddress, MARKET_ABI, requester);
    await (await market.getFunction('accept')(BigInt(id))).wait();
    await waitFor('the job to settle', async () => (await api<MarketJobDetail>('getMarketJob', { chainJobId: id })).mine?.state === 'settled');
    // A few more ticks: nothing else is sent for the job.
    await new Promise((r) => setTimeout(r, 4000));
    const txs = await agentTxs();
    expect(txs.filter((t) => t.name === 'submit')).toHaveLength(1);
    expect(txs.filter((t) => t.status !== 1)).toEqual([]);
    expect(uploads.upload(upload.token)).not.toBeNull();
  }, 240_000);
});
