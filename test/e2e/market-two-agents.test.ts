/**
 * Two `rigshift headless` agents with different floors compete on one real Hardhat devnet,
 * running real busybox containers (CPU jobs), with the requester's loopback upload endpoint:
 *  1. a job above both floors is won by one agent, run, uploaded, submitted, accepted and
 *     withdrawn: the winner's tUSD grows by exactly gross − fee, gross = ask × billed / 3600;
 *  2. a job below A's floor (above B's) is never claimed by A, whose verdict says why, and B
 *     claims it;
 *  3. a preemptible job is claimed by A, A's owner pauses renting mid-run: A releases it for
 *     the time served (its credit grows by exactly ask × served / 3600 − fee), the job reopens
 *     and B claims and finishes it.
 * Which agent may claim is made deterministic by pausing the other one (pauseRenting) while
 * a job is posted; scenario 1 is a free race. Every money figure comes from chain events.
 */
import { execFileSync } from 'node:child_process';
import { Contract, type EventLog, JsonRpcProvider, type Log, Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MARKET_ABI, TOKEN_ABI } from '../../electron/agent/chain/market-abi';
import { chainNow, postMarketJob } from '../../electron/agent/requester/post-job';
import { startUploadServer, type UploadServer } from '../../electron/agent/requester/upload-server';
import { TEST_SCRYPT_N_ENV } from '../../electron/agent/wallet/scrypt-params';
import { SCHEDULE_CELLS } from '../../shared/domain/controls';
import type { MarketJobDetail, MarketStatus } from '../../shared/domain/market';
import { cliBundle } from '../helpers/cli';
import { startTestDevnet, type TestDevnet } from '../helpers/devnet';
import { type HeadlessProcess, startHeadlessAgent } from '../helpers/headless-process';
import { buildJobTestImage, busyboxAvailable, type JobTestImage } from '../helpers/job-images';
import { dockerEngine, fileExists, need } from '../helpers/requirements';
import { recordingLogger } from '../helpers/silent-logger';
import { tempDir } from '../helpers/temp-dir';

type TempDir = ReturnType<typeof tempDir>;

const ready = need(fileExists(cliBundle, 'npm run build')) && need(dockerEngine()) && need(busyboxAvailable());

const FLOOR_A = 300_000n; // 0.30 USD/h
const FLOOR_B = 100_000n; // 0.10 USD/h
const FEE_BPS = 100n;

interface TestAgent {
  name: 'A' | 'B';
  process: HeadlessProcess;
  dir: TempDir;
  address: string;
  floor: bigint;
}

describe.skipIf(!ready)('two headless agents compete on the devnet with real containers', () => {
  let devnet: TestDevnet;
  let rpc: JsonRpcProvider;
  let image: JobTestImage;
  let uploads: UploadServer;
  let market: Contract;
  let token: Contract;
  let requester: Wallet;
  const agents: TestAgent[] = [];
  const agentA = () => agents.find((a) => a.name === 'A')!;
  const agentB = () => agents.find((a) => a.name === 'B')!;

  async function api<T = unknown>(agent: TestAgent, name: string, request: unknown = {}): Promise<T> {
    const response = await fetch(`${agent.process.origin}/api/call/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${agent.process.token}` },
      body: JSON.stringify(request),
    });
    const result = (await response.json()) as { ok: boolean; value?: unknown; error?: unknown };
    if (!result.ok) throw new Error(`${agent.name} ${name}: ${JSON.stringify(result.error)}`);
    return result.value as T;
  }

  const tails = () => agents.map((a) => `--- agent ${a.name} (${a.address}) ---\n${a.process.output().slice(-3000)}`).join('\n');

  async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 60_000): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${tails()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  const events = async (name: string, id: bigint) =>
    (await market.queryFilter(market.filters[name]!(id), 0, 'latest')).filter((l: Log): l is EventLog => 'args' in l);

  const status = async (agent: TestAgent) => (await api<{ status: MarketStatus }>(agent, 'getMarket', { limit: 1 })).status;

  async function pause(agent: TestAgent) {
    await api(agent, 'pauseRenting', { duration: 'indefinite' });
    await waitFor(`${agent.name} to stop bidding (paused)`, async () => (await status(agent)).blocks.some((b) => b.code === 'no-device'));
  }

  async function resume(agent: TestAgent) {
    await api(agent, 'resumeRenting', {});
    await waitFor(`${agent.name} to bid again`, async () => (await status(agent)).biddingActive);
  }

  async function post(options: { maxPrice: bigint; command: string; preemptible?: boolean; maxDurationSeconds?: number }) {
    const upload = uploads.newUploadUrl();
    const maxDurationSeconds = options.maxDurationSeconds ?? 120;
    const now = await chainNow(requester);
    const posted = await postMarketJob(requester, devnet.marketAddress, {
      document: {
        kind: 'rigshift-job',
        version: 1,
        job: {
          version: 1,
          name: 'two agents e2e',
          image: image.reference,
          command: ['sh', '-c', options.command],
          inputs: [],
          outputs: { maxTotalBytes: 1_048_576, maxFiles: 10 },
          resources: { gpus: 0, minVramMiB: 0, cpus: 1, memoryMiB: 128, scratchMiB: 0 },
          maxDurationSeconds,
          preemptible: options.preemptible ?? false,
        },
        upload: { url: upload.url },
        description: 'market-two-agents e2e',
      },
      maxPricePerHourMicros: options.maxPrice,
      maxDurationSeconds,
      claimBy: now + 3600,
      runBy: now + 3600 + 7200,
      preemptible: options.preemptible ?? false,
    });
    return { id: posted.jobId, token: upload.token };
  }

  const providerOf = (log: EventLog) => String(log.args.getValue('provider')).toLowerCase();

  beforeAll(async () => {
    image = buildJobTestImage();
    devnet = await startTestDevnet();
    rpc = new JsonRpcProvider(devnet.rpcUrl, devnet.chainId, { staticNetwork: true, cacheTimeout: -1, pollingInterval: 100 });
    market = new Contract(devnet.marketAddress, MARKET_ABI, rpc);
    token = new Contract(devnet.tokenAddress, TOKEN_ABI, rpc);
    requester = new Wallet(devnet.privateKeys[1]!, rpc);
    uploads = await startUploadServer({ logger: recordingLogger().logger });

    const before = process.env[TEST_SCRYPT_N_ENV];
    process.env[TEST_SCRYPT_N_ENV] = '1024';
    try {
      const specs = [
        { name: 'A' as const, floor: FLOOR_A, key: devnet.privateKeys[4]! },
        { name: 'B' as const, floor: FLOOR_B, key: devnet.privateKeys[5]! },
      ];
      const started = await Promise.all(
        specs.map(async (s) => {
          const dir = tempDir(`rigshift-e2e-market-${s.name}-`);
          const process = await startHeadlessAgent(
            ['--data-dir', dir.path, '--network', 'custom', '--rpc-url', devnet.rpcUrl, '--chain-id', String(devnet.chainId), '--market-address', devnet.marketAddress],
            60_000,
          );
          const agent = { name: s.name, process, dir, address: new Wallet(s.key).address, floor: s.floor };
          agents.push(agent); // at once: afterAll stops it even if the other one fails to start
          return { ...agent, key: s.key };
        }),
      );

      for (const a of started) {
        const agent = agents.find((x) => x.name === a.name)!;
        const settings = await api<{ controls: { price: Record<string, unknown>; presence: Record<string, unknown> } }>(agent, 'updateSettings', { patch: {} });
        // The floor first, so nothing is ever claimed at another price; presence detectors off
        // (a CI box has no idle/session signal to rely on), every hour of the week allowed.
        await api(agent, 'updateSettings', {
          patch: {
            controls: {
              price: { ...settings.controls.price, floorMicrosPerHour: a.floor.toString(), neverBelowBreakEven: false },
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
            // A new install waits for "Start renting"; these agents skip the wizard.
            market: { bidding: true },
          },
        });
        await api(agent, 'importWallet', { source: { kind: 'privateKey', privateKey: a.key }, password: `e2e two agents ${a.name}` });
      }
    } finally {
      if (before === undefined) delete process.env[TEST_SCRYPT_N_ENV];
      else process.env[TEST_SCRYPT_N_ENV] = before;
    }
    for (const agent of agents) {
      await waitFor(`${agent.name} to bid`, async () => (await status(agent)).biddingActive, 60_000);
    }
  }, 150_000);

  afterAll(async () => {
    for (const agent of agents) {
      const pid = agent.process.child.pid;
      await agent.process.stop();
      // Containers the agent left behind (it removes its own on a clean stop).
      try {
        const ids = execFileSync('docker', ['ps', '-aq', '--filter', `label=io.rigshift.owner-pid=${pid}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
        if (ids.length > 0) execFileSync('docker', ['rm', '-f', ...ids], { stdio: 'pipe' });
      } catch {
        // No engine: nothing to clean.
      }
      agent.dir.cleanup();
    }
    await uploads?.close();
    rpc?.destroy();
    await devnet?.stop();
    image?.remove();
  }, 60_000);

  it('1. a job above both floors is won by one agent, run, uploaded, submitted, accepted and paid exactly gross − fee', async () => {
    const job = await post({ maxPrice: 500_000n, command: 'echo two-agents > /workspace/out/result.txt; sleep 3' });

    const [submitted] = await waitFor('the job to be submitted', async () => {
      const logs = await events('JobSubmitted', job.id);
      return logs.length > 0 ? logs : null;
    }, 90_000);
    const claims = await events('JobClaimed', job.id);
    expect(claims).toHaveLength(1);
    const winner = agents.find((a) => a.address.toLowerCase() === providerOf(claims[0]!))!;
    expect(winner).toBeDefined();
    expect(providerOf(submitted!)).toBe(winner.address.toLowerCase());
    const ask = claims[0]!.args.getValue('ask') as bigint;
    expect(ask).toBe(winner.floor);
    const billed = BigInt(submitted!.args.getValue('billedSeconds') as bigint);
    expect(billed).toBeGreaterThanOrEqual(1n);

    // The requester received the tar of the outputs the provider committed to.
    const received = uploads.upload(job.token);
    expect(received?.files.map((f) => f.name)).toEqual(['result.txt']);
    expect(received?.digest).toBe(submitted!.args.getValue('outputsDigest'));

    const before = (await token.getFunction('balanceOf')(winner.address)) as bigint;
    const acceptTx = await (market.connect(requester) as Contract).getFunction('accept')(job.id);
    const accepted = await acceptTx.wait();
    const gross = (ask * billed) / 3600n;
    const fee = (gross * FEE_BPS) / 10_000n;
    const [settled] = await events('JobSettled', job.id);
    expect(settled!.args.getValue('gross')).toBe(gross);
    expect(settled!.args.getValue('fee')).toBe(fee);

    // The winner withdraws on its own once idle (batched); ask for it if it has not yet.
    const withdrawn = async () =>
      (await market.queryFilter(market.filters.Withdrawn!(winner.address), accepted.blockNumber, 'latest')).length > 0 &&
      ((await market.getFunction('credit')(winner.address)) as bigint) === 0n;
    const batched = await waitFor('the batched withdrawal', withdrawn, 20_000).catch(() => false);
    if (!batched) {
      await api(winner, 'withdrawEarnings', {});
      await waitFor('the withdrawal', withdrawn, 20_000);
    }
    const after = (await token.getFunction('balanceOf')(winner.address)) as bigint;
    expect(after - before).toBe(gross - fee);

    // The winner's record follows (its wallet polls receipts every few seconds): paid, with every tx.
    const mine = await waitFor("the winner's record to show the paid job", async () => {
      const detail = await api<MarketJobDetail>(winner, 'getMarketJob', { chainJobId: job.id.toString() });
      const record = detail.mine;
      return record?.state === 'settled' && record.txs.length === 3 && record.txs.every((t) => t.status === 'confirmed') ? record : null;
    });
    expect(mine.txs.map((t) => t.kind)).toEqual(['claim', 'submit', 'withdraw']);
    expect(mine.askMicrosPerHour).toBe(ask.toString());
    expect(mine.grossMicros).toBe(gross.toString());
    expect(mine.feeMicros).toBe(fee.toString());
  }, 150_000);

  it('2. a job below A\'s floor is never claimed by A (its verdict says why) and B claims it', async () => {
    const a = agentA();
    const b = agentB();
    // B sits out while A sees the job: A alone could claim it, and must not.
    await pause(b);
    const job = await post({ maxPrice: 200_000n, command: 'echo cheap > /workspace/out/result.txt; sleep 1' });
    const verdict = await waitFor("A's verdict on the cheap job", async () => {
      const detail = await api<MarketJobDetail>(a, 'getMarketJob', { chainJobId: job.id.toString() }).catch(() => null);
      return detail && detail.chainState === 'open' && detail.verdict.reasons.length > 0 ? detail.verdict : null;
    });
    expect(verdict.fits).toBe(false);
    expect(verdict.reasons.join('; ')).toMatch(/below your floor of 0\.30/);
    // The Market page's list says the same.
    const overview = await api<{ open: Array<{ chainJobId: string; verdict: { fits: boolean; reasons: string[] } }> }>(a, 'getMarket', {});
    const listed = overview.open.find((j) => j.chainJobId === job.id.toString());
    expect(listed?.verdict.fits).toBe(false);
    expect(listed?.verdict.reasons.join('; ')).toMatch(/below your floor/);
    // A goes through several of its 1 s bidding ticks with the job open and idle hands.
    await new Promise((r) => setTimeout(r, 3000));
    expect(await events('JobClaimed', job.id)).toHaveLength(0);
    expect((await status(a)).biddingActive).toBe(true);

    await resume(b);
    const [submitted] = await waitFor('B to run and submit the cheap job', async () => {
      const logs = await events('JobSubmitted', job.id);
      return logs.length > 0 ? logs : null;
    }, 60_000);
    const claims = await events('JobClaimed', job.id);
    expect(claims.map(providerOf)).toEqual([b.address.toLowerCase()]);
    expect(claims[0]!.args.getValue('ask')).toBe(FLOOR_B);
    expect(providerOf(submitted!)).toBe(b.address.toLowerCase());
    await (await (market.connect(requester) as Contract).getFunction('accept')(job.id)).wait();
  }, 120_000);

  it('3. a preemptible job paused by its owner is released for the time served and finished by the other agent', async () => {
    const a = agentA();
    const b = agentB();
    await pause(b);
    const job = await post({
      maxPrice: 500_000n,
      preemptible: true,
      command: 'sleep 20; echo finished > /workspace/out/result.txt',
    });
    const localJobId = await waitFor("A's run to start", async () => {
      const detail = await api<MarketJobDetail>(a, 'getMarketJob', { chainJobId: job.id.toString() }).catch(() => null);
      return detail?.mine?.state === 'running' ? detail.mine.localJobId : null;
    });
    // Its container really runs in Docker.
    await waitFor("A's container to run", async () =>
      execFileSync('docker', ['ps', '-q', '--filter', 'status=running', '--filter', `label=io.rigshift.job-id=${localJobId}`], { encoding: 'utf8' }).trim() !== '',
    );
    const firstClaim = (await events('JobClaimed', job.id))[0]!;
    expect(providerOf(firstClaim)).toBe(a.address.toLowerCase());
    expect(firstClaim.args.getValue('ask')).toBe(FLOOR_A);
    // Let it run a couple of seconds, then the owner takes the machine back.
    await new Promise((r) => setTimeout(r, 2000));
    await api(a, 'pauseRenting', { duration: 'indefinite' });

    const [released] = await waitFor('A to release the job', async () => {
      const logs = await events('JobReleased', job.id);
      return logs.length > 0 ? logs : null;
    });
    expect(providerOf(released!)).toBe(a.address.toLowerCase());
    const served = BigInt(released!.args.getValue('servedSeconds') as bigint);
    expect(served).toBeGreaterThan(0n);
    expect(released!.args.getValue('reopened')).toBe(true);
    const gross = (FLOOR_A * served) / 3600n;
    const fee = (gross * FEE_BPS) / 10_000n;
    expect(released!.args.getValue('gross')).toBe(gross);
    expect(released!.args.getValue('fee')).toBe(fee);
    // A's credit grew by exactly that in the release's block (the agent may withdraw later).
    const block = released!.blockNumber;
    const creditAt = async (tag: number) => (await market.getFunction('credit')(a.address, { blockTag: tag })) as bigint;
    expect((await creditAt(block)) - (await creditAt(block - 1))).toBe(gross - fee);
    await waitFor("A's record to say released", async () => {
      const detail = await api<MarketJobDetail>(a, 'getMarketJob', { chainJobId: job.id.toString() });
      const record = detail.mine;
      return record?.state === 'released' && record.billedSeconds === Number(served) && record.grossMicros === gross.toString() && record.feeMicros === fee.toString();
    });

    await resume(b);
    const [submitted] = await waitFor('B to finish the reopened job', async () => {
      const logs = await events('JobSubmitted', job.id);
      return logs.length > 0 ? logs : null;
    }, 90_000);
    const claims = await events('JobClaimed', job.id);
    expect(claims.map(providerOf)).toEqual([a.address.toLowerCase(), b.address.toLowerCase()]);
    expect(claims[1]!.args.getValue('attempt')).toBe(2n);
    expect(providerOf(submitted!)).toBe(b.address.toLowerCase());
    expect(uploads.upload(job.token)?.files.map((f) => f.name)).toEqual(['result.txt']);
    // A's record of its attempt is history, never replaced by an "adopted" copy while its index lagged.
    const history = await api<MarketJobDetail>(a, 'getMarketJob', { chainJobId: job.id.toString() });
    expect(history.mine).toMatchObject({ state: 'released', attempt: 1, billedSeconds: Number(served) });
    expect(a.process.output()).not.toContain('adopting a market job');
  }, 150_000);
});
