/**
 * A real chain reached the way a public endpoint allows: a loopback proxy in front of a
 * Hardhat node refuses eth_getLogs over more than 1,000 blocks (with Alchemy's wording) and
 * answers HTTP 429 to bursts. Through it, `rigshift market deploy` puts a new market on the
 * chain against its existing 6-decimal stablecoin (refusing an 18-decimal one and a
 * world-readable key file), a job is posted, 5,000 blocks pass, and `rigshift headless
 * --deployment FILE` indexes through them (the job's event lies more than 1,000 blocks behind the head) and sees the job, with custom rules (no devnet rules:
 * its loopback upload URL is refused) and without the test switch that grants them.
 */
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JsonRpcProvider } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MarketDeploymentSchema } from '../../electron/agent/deploy/market-deployment-file';
import { cliBundle, runCli } from '../helpers/cli';
import { startTestDevnet, type TestDevnet } from '../helpers/devnet';
import { startHeadlessAgent, type HeadlessProcess } from '../helpers/headless-process';
import { fileExists, need } from '../helpers/requirements';
import { startLimitProxy, type LimitProxy } from '../helpers/rpc-limit-proxy';
import { tempDir } from '../helpers/temp-dir';

const built = need(fileExists(cliBundle, 'npm run build'));
const IMAGE = `rigshift/demo-job@sha256:${'ab'.repeat(32)}`;
const SPEC = {
  version: 1, name: 'hash for 20 s', image: IMAGE, command: ['hash', '20'], inputs: [],
  outputs: { maxTotalBytes: 1_048_576, maxFiles: 8 },
  resources: { gpus: 0, minVramMiB: 0, cpus: 1, memoryMiB: 256, scratchMiB: 64 },
  maxDurationSeconds: 120, preemptible: false,
};

describe.skipIf(!built)('a custom network behind a public-endpoint-like RPC', () => {
  let devnet: TestDevnet;
  let proxy: LimitProxy;
  let provider: JsonRpcProvider;
  let agent: HeadlessProcess | undefined;
  const dir = tempDir('rigshift-public-');

  beforeAll(async () => {
    devnet = await startTestDevnet();
    // Retry-After in seconds, as public endpoints send it: our backoff, not ethers', must honour it.
    proxy = await startLimitProxy(devnet.rpcUrl, { maxLogRange: 1_000, burst: { limit: 3, windowMs: 200 }, retryAfterSeconds: 1 });
    provider = new JsonRpcProvider(devnet.rpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1 });
  }, 120_000);
  afterAll(async () => {
    await agent?.stop();
    provider?.destroy();
    await proxy?.close();
    await devnet?.stop();
    dir.cleanup();
  });

  it('deploys through the proxy, and an agent imports the deployment and indexes past 1,000 blocks with custom rules', async () => {
    const env = { XDG_CONFIG_HOME: dir.path };
    const keyFile = join(dir.path, 'deployer.key');
    writeFileSync(keyFile, `${devnet.privateKeys[2]}\n`, { mode: 0o644 });
    chmodSync(keyFile, 0o644);
    const out = join(dir.path, 'deployment.json');
    // The legacy v1 market this suite was written for (the CLI's default is v2).
    const deployArgs = ['market', 'deploy', '--market-version', '1', '--rpc-url', proxy.url, '--token', devnet.tokenAddress, '--private-key-file', keyFile, '--out', out, '--json'];

    const help = await runCli(['market', 'deploy', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: rigshift market deploy --rpc-url <url> --token <0x…>/);
    const missing = await runCli(['market', 'deploy', '--rpc-url', proxy.url]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('rigshift: market deploy needs --rpc-url <url> and --token <0x… 6-decimal stablecoin>\n');

    // A key file others can read is refused, in one line, before anything is sent.
    const open = await runCli(deployArgs, { env });
    expect(open.code).toBe(1);
    expect(open.stderr.trim().split('\n')).toHaveLength(1);
    expect(open.stderr).toMatch(/can be read by other users.*chmod 600/);
    // A key on the command line is refused outright.
    const inline = await runCli(['market', 'deploy', '--rpc-url', proxy.url, '--token', devnet.tokenAddress, '--private-key', devnet.privateKeys[2]!], { env });
    expect(inline.code).toBe(2);
    expect(inline.stderr).toMatch(/never taken on the command line/);
    chmodSync(keyFile, 0o600);

    // A token with 18 decimals (code that answers 18 to any call) is refused before deploying.
    const fake18 = '0x00000000000000000000000000000000000c0de1';
    await provider.send('hardhat_setCode', [fake18, '0x601260005260206000f3']);
    const wrong = await runCli(['market', 'deploy', '--rpc-url', proxy.url, '--token', fake18, '--private-key-file', keyFile, '--out', out], { env });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/has 18 decimals; the market needs a 6-decimal stablecoin/);
    expect(existsSync(out)).toBe(false);

    const deployed = await runCli(deployArgs, { env, timeoutMs: 120_000 });
    expect(deployed.stderr).toMatch(/Deploying RigShiftMarket on chain 31337/);
    expect(deployed.code, deployed.stderr + deployed.stdout).toBe(0);
    const rateLimitedDuringDeploy = proxy.rateLimited;
    expect(existsSync(out), deployed.stderr + deployed.stdout).toBe(true);
    const deployment = MarketDeploymentSchema.parse(JSON.parse(readFileSync(out, 'utf8')));
    expect(statSync(out).mode & 0o077).toBe(0);
    expect(deployment).toMatchObject({ chainId: 31337, rpcUrl: proxy.url, token: devnet.tokenAddress, tokenDecimals: 6, tokenSymbol: 'tUSD', deployer: devnet.accounts[2] });
    expect(await provider.getCode(deployment.market)).not.toBe('0x');

    const specFile = join(dir.path, 'job.json');
    writeFileSync(specFile, JSON.stringify(SPEC));
    const requesterKey = join(dir.path, 'requester.key');
    writeFileSync(requesterKey, devnet.privateKeys[3]!, { mode: 0o600 });
    const posted = await runCli(
      ['market', 'post', specFile, '--max-price', '0.36', '--max-hours', '0.05', '--claim-minutes', '300', '--upload-url', 'http://127.0.0.1:9/upload/x',
        // The requester uses its own endpoint: the agent's is the one under test.
        '--rpc-url', devnet.rpcUrl, '--market-address', deployment.market, '--private-key-file', requesterKey, '--json'],
      { env, timeoutMs: 120_000 },
    );
    expect(posted.stderr).toBe('');
    expect(posted.code).toBe(0);
    const jobId = (JSON.parse(posted.stdout) as { jobId: string }).jobId;
    // Then 5,000 real blocks (evm_mine in batches; hardhat_mine's reserved blocks answer
    // eth_getCode with nothing, which would mislead the hub's deployment-block search): the
    // indexer's growing step (5, 10, … 2,560 blocks) runs into the 1,000-block cap.
    for (let batch = 0; batch < 10; batch++) {
      const calls = Array.from({ length: 500 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'evm_mine', params: [] }));
      const mined = await fetch(devnet.rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(calls) });
      expect(mined.ok).toBe(true);
    }
    const head = await provider.getBlockNumber();
    if (process.env.DEBUG_PROXY) process.stderr.write(`deployment ${deployment.deploymentBlock} head ${head}\n`);
    expect(head - deployment.deploymentBlock).toBeGreaterThan(1_000);

    // The agent, without the switch that grants test chains devnet rules.
    const agentEnv: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: dir.path };
    delete agentEnv.RIGSHIFT_LOOPBACK_DEVNET_RULES;
    const rateLimitedBefore = proxy.rateLimited;
    agent = await startHeadlessAgent(['--data-dir', join(dir.path, 'agent'), '--deployment', out], 60_000, { env: agentEnv });
    const api = async <T>(name: string, body: unknown): Promise<T> => {
      const response = await fetch(`${agent!.origin}/api/call/${name}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${agent!.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const result = (await response.json()) as { ok: boolean; value: T; error?: unknown };
      if (!result.ok) throw new Error(JSON.stringify(result.error));
      return result.value;
    };
    type Overview = {
      status: { chain: { state: string; chainId: number | null; marketAddress: string | null; isDevnet: boolean }; indexer: { block: number; syncing: boolean; lastError: string | null } };
      open: Array<{ chainJobId: string; verdict: { fits: boolean; reasons: string[] } }>;
    };
    let overview: Overview | null = null;
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      overview = await api<Overview>('getMarket', {}).catch(() => null);
      // A 429 the RPC layer gives up on may take the chain offline for a moment; it must come back and catch up.
      if (overview && overview.status.chain.state === 'online' && overview.status.indexer.block >= head && overview.open.some((j) => j.chainJobId === jobId)) break;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    expect(overview, agent.output()).not.toBeNull();
    expect(overview!.status.chain, JSON.stringify(overview!.status) + agent.output().slice(-3000)).toMatchObject({ state: 'online', chainId: 31337, marketAddress: deployment.market, isDevnet: false });
    expect(overview!.status.indexer.block, agent.output()).toBeGreaterThanOrEqual(head);
    const job = overview!.open.find((j) => j.chainJobId === jobId);
    expect(job, JSON.stringify(overview!.open)).toBeDefined();
    // Custom rules: an upload URL on this machine is refused (a devnet would accept it).
    expect(job!.verdict.fits).toBe(false);
    expect(job!.verdict.reasons.join('; ')).toMatch(/upload URL must use https/);

    // The proxy really capped and throttled: no getLogs over 1,000 blocks was answered, some were refused, bursts got 429s.
    expect(proxy.refusedLogRanges.length, `served ${proxy.servedLogRanges.join(',')} methods ${[...new Set(proxy.methods)].join(',')}`).toBeGreaterThan(0);
    expect(Math.max(...proxy.servedLogRanges)).toBeLessThanOrEqual(1_000);
    expect(rateLimitedDuringDeploy, `429s during deploy; total ${proxy.rateLimited}, requests ${proxy.requests}`).toBeGreaterThan(0);
    expect(proxy.rateLimited, `429s total; before the agent ${rateLimitedBefore}`).toBeGreaterThan(rateLimitedBefore);
    expect(proxy.methods).not.toContain('eth_newFilter');
    expect(agent.child.exitCode).toBeNull();
  }, 240_000);
});
