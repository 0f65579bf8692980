/**
 * The devnet as a user meets it: `rigshift devnet` starts a Hardhat node, deploys, writes
 * deployment.json, is reused by a second command, and its node dies with it (even on
 * SIGKILL); `rigshift market post` posts a job a provider can read back from the chain;
 * `rigshift headless` with --network custom / --no-devnet; and the demo requester accepting
 * an upload whose files match the provider's commitment (the provider played by hand).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Contract, JsonRpcProvider, keccak256, NonceManager, toUtf8Bytes, Wallet } from 'ethers';
import tarStream from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MARKET_ABI, MarketJobState, TOKEN_ABI } from '../../electron/agent/chain/market-abi';
import { DEVNET_MARKET_VERSION_ENV } from '../../electron/agent/devnet/deploy-devnet';
import { readDeployment } from '../../electron/agent/devnet/deployment-file';
import { probeDeployment } from '../../electron/agent/devnet/devnet-supervisor';
import { pickFreePort } from '../../electron/agent/devnet/ports-free';
import type { DemoRequester, DemoRequesterEvent } from '../../electron/agent/requester/demo-requester';
import { DEMO_IMAGE_FILE } from '../../electron/agent/requester/demo-image';
import { outputsDigest } from '../../shared/domain/market-job';
import { cliShim, repoRoot, runCli } from '../helpers/cli';
import { startTestDemoRequester } from '../helpers/demo-requester';
import { type TestDevnet, startTestDevnet } from '../helpers/devnet';
import { startHeadlessAgent } from '../helpers/headless-process';
import { dockerEngine, fileExists, need } from '../helpers/requirements';
import { tempDir } from '../helpers/temp-dir';

const IMAGE = `rigshift/demo-job@sha256:${'ab'.repeat(32)}`;

function spec(overrides: Record<string, unknown> = {}) {
  return {
    version: 1,
    name: 'hash for 20 s',
    image: IMAGE,
    command: ['hash', '20'],
    inputs: [],
    outputs: { maxTotalBytes: 1_048_576, maxFiles: 8 },
    resources: { gpus: 0, minVramMiB: 0, cpus: 1, memoryMiB: 256, scratchMiB: 64 },
    maxDurationSeconds: 120,
    preemptible: false,
    ...overrides,
  };
}

interface DevnetCli {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** Every CLI started here, killed after the tests even when one fails half-way. */
const started: ChildProcess[] = [];
afterAll(() => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/**
 * `rigshift devnet …` in the background, resolved once it says it is ready. These tests were
 * written for the legacy v1 market (its ABI, its demo requester's words): they ask for it
 * explicitly (the devnet's default is v2).
 */
function startDevnetCli(args: string[]): Promise<DevnetCli> {
  const env = { ...process.env, [DEVNET_MARKET_VERSION_ENV]: '1' };
  const child = spawn(process.execPath, [cliShim, 'devnet', ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`rigshift devnet did not get ready:\n${out}`)), 60_000);
    const onData = () => {
      if (!out.includes('Press Ctrl-C to stop.')) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolve({ child, output: () => out, exited });
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`rigshift devnet exited (${code}):\n${out}`));
    });
  });
}

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('rigshift devnet', () => {
  const dirs: Array<{ cleanup(): void }> = [];
  afterAll(() => dirs.forEach((d) => d.cleanup()));

  it('starts a devnet, deploys, writes deployment.json, is reused, and stops cleanly on Ctrl-C', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const port = await pickFreePort();
    const first = await startDevnetCli(['--data-dir', dir.path, '--port', String(port)]);
    const deployment = readDeployment(join(dir.path, 'devnet'))!;
    expect(deployment).toMatchObject({ chainId: 31337, port, rpcUrl: `http://127.0.0.1:${port}` });
    expect(first.output()).toContain(`RPC URL:   ${deployment.rpcUrl}`);
    expect(first.output()).toContain(deployment.market);
    expect(first.output()).toMatch(/PUBLIC test keys/);
    expect(await probeDeployment(deployment)).toBe(true);

    // The market is deployed with the devnet parameters, and the accounts hold tUSD.
    const provider = new JsonRpcProvider(deployment.rpcUrl, 31337, { staticNetwork: true });
    const market = new Contract(deployment.market, MARKET_ABI, provider);
    expect(await market.getFunction('token')()).toBe(deployment.token);
    expect(await market.getFunction('minStake')()).toBe(5_000_000n);
    expect(await market.getFunction('challengeWindow')()).toBe(60n);
    expect(await market.getFunction('feeBps')()).toBe(100n);
    expect(await market.getFunction('reopenClaimWindow')()).toBe(300n);
    const token = new Contract(deployment.token, TOKEN_ABI, provider);
    expect(await token.getFunction('decimals')()).toBe(6n);
    expect(await token.getFunction('balanceOf')('0x70997970C51812dc3A010C7d01b50e0d17dc79C8')).toBeGreaterThan(0n);
    provider.destroy();

    // A second command for the same data dir reuses the running chain.
    const second = await startDevnetCli(['--data-dir', dir.path]);
    expect(second.output()).toContain(`already running (pid ${deployment.pid}): reusing it`);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
    expect(alive(deployment.pid)).toBe(true); // it did not own the node

    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    await waitUntil(() => !alive(deployment.pid), 10_000, 'the node to exit');
    expect(existsSync(join(dir.path, 'devnet', 'deployment.json'))).toBe(false);
  }, 60_000);

  it('its Hardhat node dies with it, even when it is killed with SIGKILL', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const cli = await startDevnetCli(['--data-dir', dir.path, '--port', String(await pickFreePort())]);
    const { pid } = readDeployment(join(dir.path, 'devnet'))!;
    expect(alive(pid)).toBe(true);
    cli.child.kill('SIGKILL');
    await cli.exited;
    await waitUntil(() => !alive(pid), 10_000, 'the orphaned node to exit');
    // The stale file is not trusted: the next start is a new chain.
    const stale = readDeployment(join(dir.path, 'devnet'))!;
    expect(await probeDeployment(stale)).toBe(false);
  }, 60_000);

  it('refuses a port that is taken when --port is given', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const busy = await startDevnetCli(['--data-dir', dir.path, '--port', String(await pickFreePort())]);
    const other = tempDir();
    dirs.push(other);
    const taken = readDeployment(join(dir.path, 'devnet'))!.port;
    const run = await runCli(['devnet', '--data-dir', other.path, '--port', String(taken)]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Port \d+ is already in use.*--port/);
    busy.child.kill('SIGINT');
    await busy.exited;
  }, 60_000);
});

describe('rigshift market post and headless on the devnet', () => {
  let devnet: TestDevnet;
  let provider: JsonRpcProvider;
  const dirs: Array<{ cleanup(): void }> = [];

  beforeAll(async () => {
    devnet = await startTestDevnet();
    provider = new JsonRpcProvider(devnet.rpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1 });
  });
  afterAll(async () => {
    provider?.destroy();
    await devnet?.stop();
    dirs.forEach((d) => d.cleanup());
  });

  it('posts a job spec with exact approval; the chain holds its document, escrow and deadlines', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const specFile = join(dir.path, 'job.json');
    writeFileSync(specFile, JSON.stringify(spec()));
    const run = await runCli([
      'market', 'post', specFile, '--max-price', '0.36', '--max-hours', '0.05', '--claim-minutes', '15',
      '--upload-url', 'http://127.0.0.1:9/upload/x', '--account', '2', '--data-dir', devnet.dataDir, '--json',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { jobId: string; txHash: string; escrowMicros: string; requester: string };
    expect(result.requester).toBe(devnet.accounts[2]);
    // 0.36 USD/h for 180 s = 18,000 micros.
    expect(result.escrowMicros).toBe('18000');

    const market = new Contract(devnet.marketAddress, MARKET_ABI, provider);
    const job = await market.getFunction('getJob')(BigInt(result.jobId));
    expect(job.requester).toBe(devnet.accounts[2]);
    expect(job.maxPricePerHour).toBe(360_000n);
    expect(job.maxDurationSeconds).toBe(180n);
    expect(job.escrow).toBe(18_000n);
    expect(Number(job.state)).toBe(MarketJobState.Open);
    expect(job.runBy - job.claimBy).toBe(180n + 600n);
    // The posted document is in the event, its hash in storage.
    const receipt = await provider.getTransactionReceipt(result.txHash);
    const posted = receipt!.logs.map((l) => market.interface.parseLog(l)).find((l) => l?.name === 'JobPosted')!;
    const document = JSON.parse(posted.args.getValue('spec') as string);
    expect(document).toEqual({ kind: 'rigshift-job', version: 1, job: spec(), upload: { url: 'http://127.0.0.1:9/upload/x' } });
    expect(job.specHash).toBe(keccak256(toUtf8Bytes(posted.args.getValue('spec') as string)));
    // Exact approval: nothing left approved afterwards.
    const token = new Contract(devnet.tokenAddress, TOKEN_ABI, provider);
    expect(await token.getFunction('allowance')(devnet.accounts[2], devnet.marketAddress)).toBe(0n);
  });

  it('explains what is wrong: no upload URL, a short --max-hours, a readable key file, an unknown network', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const specFile = join(dir.path, 'job.json');
    writeFileSync(specFile, JSON.stringify(spec()));
    const base = ['market', 'post', specFile, '--max-price', '0.3', '--data-dir', devnet.dataDir];
    const noUpload = await runCli([...base, '--max-hours', '1']);
    expect(noUpload.code).toBe(1);
    expect(noUpload.stderr).toMatch(/--upload-url/);
    const short = await runCli([...base, '--max-hours', '0.01', '--upload-url', 'http://127.0.0.1:9/u']);
    expect(short.stderr).toMatch(/shorter than the job's own maxDurationSeconds/);
    const keyFile = join(dir.path, 'key');
    writeFileSync(keyFile, `${devnet.privateKeys[3]}\n`, { mode: 0o644 });
    chmodSync(keyFile, 0o644);
    const readable = await runCli([...base, '--max-hours', '1', '--upload-url', 'http://127.0.0.1:9/u', '--private-key-file', keyFile]);
    expect(readable.stderr).toMatch(/can be read by other users.*chmod 600/);
    chmodSync(keyFile, 0o600);
    const ok = await runCli([...base, '--max-hours', '1', '--upload-url', 'http://127.0.0.1:9/u', '--private-key-file', keyFile]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^Job \d+ posted \(tx 0x[0-9a-f]{64}\)/);
    expect(ok.stdout).toContain(devnet.accounts[3]);
    const nowhere = tempDir();
    dirs.push(nowhere);
    const noDevnet = await runCli(['market', 'post', specFile, '--max-price', '0.3', '--max-hours', '1', '--upload-url', 'http://127.0.0.1:9/u', '--data-dir', nowhere.path]);
    expect(noDevnet.stderr).toMatch(/No running local devnet.*npm run devnet/);
  }, 60_000);

  it('headless --network custom connects to that chain; --no-devnet leaves the chain off and says so', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const agent = await startHeadlessAgent(['--data-dir', dir.path, '--network', 'custom', '--rpc-url', devnet.rpcUrl, '--chain-id', '31337', '--market-address', devnet.marketAddress]);
    try {
      const call = async () => {
        const response = await fetch(`${agent.origin}/api/call/getChainStatus`, { method: 'POST', headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json' }, body: '{}' });
        return ((await response.json()) as { value: { state: string; network?: { marketAddress: string; genesisHash: string } } }).value;
      };
      await waitUntil(async () => (await call()).state === 'online', 20_000, 'the chain to be online');
      const status = await call();
      expect(status.network).toMatchObject({ marketAddress: devnet.marketAddress, genesisHash: devnet.genesisHash });
      expect(agent.output()).toContain(`Chain online: 127.0.0.1:${new URL(devnet.rpcUrl).port} (chain 31337`);
    } finally {
      await agent.stop();
    }
    const off = tempDir();
    dirs.push(off);
    const disabled = await startHeadlessAgent(['--data-dir', off.path]); // the helper adds --no-devnet
    try {
      await waitUntil(() => disabled.output().includes('Chain disabled: The local devnet is off'), 10_000, 'the disabled line');
    } finally {
      await disabled.stop();
    }
    const bad = await runCli(['headless', '--network', 'custom', '--rpc-url', devnet.rpcUrl]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--network custom needs --rpc-url, --chain-id and --market-address/);
  }, 60_000);
});

describe('demo requester', () => {
  let devnet: TestDevnet;
  let provider: JsonRpcProvider;
  let requester: DemoRequester;
  const events: DemoRequesterEvent[] = [];

  beforeAll(async () => {
    devnet = await startTestDevnet();
    provider = new JsonRpcProvider(devnet.rpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1 });
    requester = await startTestDemoRequester(devnet, IMAGE);
    requester.onEvent((e) => events.push(e));
  });
  afterAll(async () => {
    await requester?.stop();
    provider?.destroy();
    await devnet?.stop();
  });

  /** A provider (devnet account #6) doing by hand what the agent does: stake, claim, upload, submit. */
  async function provide(jobId: bigint, uploadUrl: string, files: Record<string, string>, commit: 'honest' | 'lie') {
    const wallet = new NonceManager(new Wallet(devnet.privateKeys[6]!, provider));
    const market = new Contract(devnet.marketAddress, MARKET_ABI, wallet);
    const token = new Contract(devnet.tokenAddress, TOKEN_ABI, wallet);
    if ((await market.getFunction('freeStake')(devnet.accounts[6])) < 5_000_000n) {
      await (await token.getFunction('approve')(devnet.marketAddress, 5_000_000n)).wait();
      await (await market.getFunction('depositStake')(5_000_000n)).wait();
    }
    const job = await market.getFunction('getJob')(jobId);
    await (await market.getFunction('claim')(jobId, job.maxPricePerHour)).wait();
    await provider.send('evm_increaseTime', [30]);
    await provider.send('evm_mine', []);
    // The outputs as the runner records them, and the tar the provider uploads.
    const outputs = Object.entries(files).map(([name, body]) => ({ name, sizeBytes: Buffer.byteLength(body), sha256: createHash('sha256').update(body).digest('hex') }));
    const pack = tarStream.pack();
    const chunks: Buffer[] = [];
    pack.on('data', (c) => chunks.push(c as Buffer));
    const done = new Promise<void>((r) => pack.on('end', () => r()));
    for (const [name, body] of Object.entries(files)) pack.entry({ name, size: Buffer.byteLength(body) }, body);
    pack.finalize();
    await done;
    const put = await fetch(uploadUrl, { method: 'PUT', body: Buffer.concat(chunks) });
    expect(put.status).toBe(201);
    const digest = commit === 'honest' ? outputsDigest(outputs) : outputsDigest([{ name: 'other.txt', sizeBytes: 1, sha256: '00'.repeat(32) }]);
    await (await market.getFunction('submit')(jobId, digest, 25, uploadUrl)).wait();
  }

  it('posts jobs, accepts a result whose uploaded files match the commitment, and not one that does not', async () => {
    const honest = await requester.postOne();
    const liar = await requester.postOne();
    expect(honest.uploadUrl).toMatch(new RegExp(`^${requester.uploadOrigin}/upload/[a-f0-9]{32}$`));
    // Posted from different demo accounts, as real documents.
    expect(honest.requester).not.toBe(liar.requester);
    const market = new Contract(devnet.marketAddress, MARKET_ABI, provider);
    expect(Number((await market.getFunction('getJob')(honest.jobId)).state)).toBe(MarketJobState.Open);

    await provide(honest.jobId, honest.uploadUrl, { 'digest.txt': 'abc\n', 'summary.json': '{"rounds":3}\n' }, 'honest');
    await provide(liar.jobId, liar.uploadUrl, { 'digest.txt': 'xyz\n' }, 'lie');
    await requester.tick();

    const accepted = events.find((e) => e.kind === 'accepted');
    expect(accepted?.jobId).toBe(honest.jobId.toString());
    const settled = await market.getFunction('getJob')(honest.jobId);
    expect(Number(settled.state)).toBe(MarketJobState.Settled);
    // Paid: ask × 25 s at the job's max price, minus the 1 % fee, credited to the provider.
    const gross = (settled.ask * 25n) / 3600n;
    expect(await market.getFunction('credit')(devnet.accounts[6])).toBe(gross - (gross * 100n) / 10_000n);

    const disputed = events.find((e) => e.kind === 'disputed');
    expect(disputed?.jobId).toBe(liar.jobId.toString());
    expect(disputed?.message).toMatch(/hash to 0x[0-9a-f]{64}, the provider committed to 0x[0-9a-f]{64}/);
    expect(Number((await market.getFunction('getJob')(liar.jobId)).state)).toBe(MarketJobState.Submitted);
    expect(requester.jobs().find((j) => j.jobId === liar.jobId)?.state).toBe('disputed');
  }, 60_000);

  it('refunds its jobs nobody claimed before the deadline and withdraws the refund', async () => {
    const job = await requester.postOne();
    const token = new Contract(devnet.tokenAddress, TOKEN_ABI, provider);
    const before = (await token.getFunction('balanceOf')(job.requester)) as bigint;
    await provider.send('evm_increaseTime', [11 * 60]);
    await provider.send('evm_mine', []);
    await requester.tick();
    expect(requester.jobs().find((j) => j.jobId === job.jobId)?.state).toBe('refunded');
    const escrow = (job.plan.maxPricePerHourMicros * BigInt(job.plan.maxDurationSeconds) + 3599n) / 3600n;
    expect((await token.getFunction('balanceOf')(job.requester)) as bigint).toBe(before + escrow);
  });
});

describe.skipIf(!need(dockerEngine()) || !need(fileExists(join(repoRoot, 'resources', 'images', DEMO_IMAGE_FILE), 'npm run build:images')))(
  'rigshift devnet --demo',
  () => {
    it('loads the demo image and posts jobs pinned to its local image id', async () => {
      const dir = tempDir();
      try {
        const cli = await startDevnetCli(['--data-dir', dir.path, '--port', String(await pickFreePort()), '--demo']);
        await waitUntil(() => /posted job 1: CPU (hash|compress|primes)/.test(cli.output()), 30_000, 'the first demo job');
        expect(cli.output()).toMatch(/results upload to http:\/\/127\.0\.0\.1:\d+\/upload\/<token>/);
        const deployment = readDeployment(join(dir.path, 'devnet'))!;
        const rpc = new JsonRpcProvider(deployment.rpcUrl, 31337, { staticNetwork: true });
        const market = new Contract(deployment.market, MARKET_ABI, rpc);
        const logs = await rpc.getLogs({ address: deployment.market, fromBlock: 0 });
        const posted = logs.map((l) => market.interface.parseLog(l)).find((l) => l?.name === 'JobPosted')!;
        const document = JSON.parse(posted.args.getValue('spec') as string);
        expect(document.job.image).toMatch(/^rigshift\/demo-job@sha256:[a-f0-9]{64}$/);
        expect(document.upload.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/upload\/[a-f0-9]{32}$/);
        rpc.destroy();
        cli.child.kill('SIGINT');
        expect(await cli.exited).toBe(0);
      } finally {
        dir.cleanup();
      }
    }, 60_000);
  },
);
