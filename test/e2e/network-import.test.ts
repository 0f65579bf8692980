/**
 * Pointing the app at the owner's own deployment (issue 11 item 5), in Chromium against
 * `rigshift headless`: a Hardhat node behind a loopback proxy that acts like a public full
 * node (getLogs capped at 1,000 blocks, 429 on bursts, no state for old blocks, so the
 * deployment block cannot be searched for); `rigshift market deploy` puts a market on it 2,000
 * blocks in; in Settings → Network the owner imports the deployment file: hostile files are
 * refused in words, the preview lists what changes, Apply switches the network and Undo puts
 * the previous one back; applied again, the Market page is online and indexes from the
 * deployment block (no eth_getLogs below it).
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MarketDeploymentSchema } from '../../electron/agent/deploy/market-deployment-file';
import type { Settings } from '../../shared/domain/settings';
import { launchChromium, watchPageErrors } from '../helpers/browser';
import { cliBundle, repoRoot, runCli } from '../helpers/cli';
import { startTestDevnet, type TestDevnet } from '../helpers/devnet';
import { callAgent, type HeadlessProcess, startHeadlessAgent } from '../helpers/headless-process';
import { chromium, fileExists, need } from '../helpers/requirements';
import { startLimitProxy, type LimitProxy } from '../helpers/rpc-limit-proxy';
import { tempDir } from '../helpers/temp-dir';

const ready =
  need(fileExists(cliBundle, 'npm run build')) &&
  need(fileExists(join(repoRoot, 'dist/renderer/index.html'), 'npm run build')) &&
  need(chromium());

const SPEC = {
  version: 1, name: 'hash for 20 s', image: `rigshift/demo-job@sha256:${'ab'.repeat(32)}`, command: ['hash', '20'], inputs: [],
  outputs: { maxTotalBytes: 1_048_576, maxFiles: 8 },
  resources: { gpus: 0, minVramMiB: 0, cpus: 1, memoryMiB: 256, scratchMiB: 64 },
  maxDurationSeconds: 120, preemptible: false,
};

async function mine(rpcUrl: string, blocks: number) {
  for (let done = 0; done < blocks; done += 500) {
    const calls = Array.from({ length: Math.min(500, blocks - done) }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'evm_mine', params: [] }));
    const mined = await fetch(rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(calls) });
    expect(mined.ok).toBe(true);
  }
}

async function head(rpcUrl: string): Promise<number> {
  const answer = await fetch(rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_blockNumber', params: [] }) });
  return Number(((await answer.json()) as { result: string }).result);
}

describe.skipIf(!ready)('Settings → Network: import a deployment file in Chromium against rigshift headless', () => {
  const dir = tempDir('rigshift-e2e-network-import-');
  let devnet: TestDevnet;
  let proxy: LimitProxy;
  let agent: HeadlessProcess;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    devnet = await startTestDevnet();
    proxy = await startLimitProxy(devnet.rpcUrl, { maxLogRange: 1_000, burst: { limit: 8, windowMs: 100 }, retryAfterSeconds: 1 });
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await agent?.stop();
    await proxy?.close();
    await devnet?.stop();
    dir.cleanup();
  });

  it('refuses hostile files, previews, applies, undoes, and indexes from the deployment block', async () => {
    // The market is deployed 2,000 blocks into the chain: a scan from block 0 would be seen.
    await mine(devnet.rpcUrl, 2_000);
    const keyFile = join(dir.path, 'deployer.key');
    writeFileSync(keyFile, `${devnet.privateKeys[2]}\n`);
    chmodSync(keyFile, 0o600);
    const out = join(dir.path, 'deployment.json');
    const env = { XDG_CONFIG_HOME: dir.path };
    const deployStarted = Date.now();
    // The legacy v1 market this suite was written for (the CLI's default is v2).
    const deployed = await runCli(['market', 'deploy', '--market-version', '1', '--rpc-url', proxy.url, '--token', devnet.tokenAddress, '--private-key-file', keyFile, '--out', out], { env, timeoutMs: 120_000 });
    expect(deployed.code, deployed.stderr + deployed.stdout).toBe(0);
    const deployment = MarketDeploymentSchema.parse(JSON.parse(readFileSync(out, 'utf8')));
    process.stderr.write(`[network-import] deployed in block ${deployment.deploymentBlock} in ${Date.now() - deployStarted} ms\n`);
    expect(deployment.deploymentBlock).toBeGreaterThan(2_000);

    // A job on the new market, posted straight to the node (the requester is not under test).
    const specFile = join(dir.path, 'job.json');
    writeFileSync(specFile, JSON.stringify(SPEC));
    const requesterKey = join(dir.path, 'requester.key');
    writeFileSync(requesterKey, devnet.privateKeys[3]!, { mode: 0o600 });
    const posted = await runCli(
      ['market', 'post', specFile, '--max-price', '0.36', '--max-hours', '0.05', '--claim-minutes', '300', '--upload-url', 'http://127.0.0.1:9/upload/x',
        '--rpc-url', devnet.rpcUrl, '--market-address', deployment.market, '--private-key-file', requesterKey, '--json'],
      { env, timeoutMs: 120_000 },
    );
    expect(posted.code, posted.stderr).toBe(0);
    const jobId = (JSON.parse(posted.stdout) as { jobId: string }).jobId;

    // From now on the endpoint keeps no old state, as a public full node: the block cannot be searched for.
    proxy.setStatePrunedBefore(await head(devnet.rpcUrl));
    const agentEnv: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: dir.path };
    delete agentEnv.RIGSHIFT_LOOPBACK_DEVNET_RULES;
    agent = await startHeadlessAgent(['--data-dir', join(dir.path, 'agent')], 60_000, { env: agentEnv });
    await callAgent(agent, 'updateSettings', { patch: { onboarding: { firstRunDone: true }, market: { bidding: false } } });
    page = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
    errors = watchPageErrors(page);
    await page.goto(agent.url);
    const current = page.locator('[data-testid="network-current"]');
    await current.waitFor();
    expect(await current.textContent()).toMatch(/^Local devnet/);

    // Hostile files: a pasted private key, and a huge file (refused in the page, never sent).
    const keyHex = devnet.privateKeys[5]!.replace(/^0x/, '');
    const withKey = join(dir.path, 'with-key.json');
    writeFileSync(withKey, JSON.stringify({ ...deployment, note: `my key ${keyHex}` }));
    await page.setInputFiles('[data-testid="network-import-input"]', withKey);
    const importError = page.locator('[data-testid="network-import-error"]');
    await importError.waitFor();
    expect(await importError.getAttribute('data-code')).toBe('deployment_file_secret');
    expect(await importError.textContent()).toMatch(/looks like a private key.*did not keep or log it/s);
    expect(await page.content()).not.toContain(keyHex);
    const huge = join(dir.path, 'huge.json');
    writeFileSync(huge, `${JSON.stringify(deployment)}${' '.repeat(200 * 1024)}`);
    await page.setInputFiles('[data-testid="network-import-input"]', huge);
    await expect.poll(() => importError.textContent()).toMatch(/a deployment file is about 1 KiB/);

    // The real file: a preview, and nothing changed yet.
    const importFile = async () => {
      await page.setInputFiles('[data-testid="network-import-input"]', out);
      const preview = page.locator('[data-testid="network-import-preview"]');
      await preview.waitFor();
      return preview;
    };
    const preview = await importFile();
    expect(await preview.locator('tr[data-field="deploymentBlock"] td').last().textContent()).toBe(String(deployment.deploymentBlock));
    expect(await preview.locator('tr[data-field="marketAddress"] td').last().textContent()).toBe(deployment.market);
    expect(await preview.locator('tr[data-field="rpcUrl"] td').last().textContent()).toBe(proxy.url);
    expect(await page.textContent('[data-testid="network-import-confirmations"]')).toMatch(/^2 blocks/);
    expect((await callAgent<{ settings: Settings }>(agent, 'getSnapshot')).settings.network).toEqual({ kind: 'devnet' });
    const violations = (await new AxeBuilder({ page }).include('#network').analyze()).violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);

    // Apply, then Undo: the previous network is back.
    await page.click('[data-testid="network-import-apply"]');
    await page.locator('[data-testid="network-saved"]').waitFor();
    const applied = { kind: 'custom', rpcUrl: proxy.url, chainId: 31337, marketAddress: deployment.market, deploymentBlock: deployment.deploymentBlock };
    expect((await callAgent<{ settings: Settings }>(agent, 'getSnapshot')).settings.network).toEqual(applied);
    expect(await current.textContent()).toMatch(new RegExp(`^Custom: 127\\.0\\.0\\.1:${proxy.port} · chain 31337 · .* from block ${deployment.deploymentBlock.toLocaleString('en-US')}$`));
    // The form shows the imported network, with its block; a wrong block is refused in the page.
    expect(await page.inputValue('[data-testid="network-deploymentBlock"]')).toBe(String(deployment.deploymentBlock));
    await page.fill('[data-testid="network-deploymentBlock"]', '12.5');
    await page.click('[data-testid="network-save"]');
    expect(await page.textContent('[data-testid="network-deploymentBlock-problem"]')).toMatch(/whole block number/);
    await page.click('[data-testid="network-discard"]');
    await page.click('[data-testid="network-undo"]');
    await page.locator('[data-testid="network-restored"]').waitFor();
    expect((await callAgent<{ settings: Settings }>(agent, 'getSnapshot')).settings.network).toEqual({ kind: 'devnet' });
    expect(await current.textContent()).toMatch(/^Local devnet/);

    // Applied again: the Market page is online and indexes from the deployment block.
    await (await importFile()).locator('[data-testid="network-import-apply"]').click();
    await page.locator('[data-testid="network-saved"]').waitFor();
    const target = await head(devnet.rpcUrl);
    const started = Date.now();
    await page.click('[data-testid="nav-market"]');
    const state = page.locator('[data-testid="market-chain-state"]');
    await expect.poll(() => state.getAttribute('data-state'), { timeout: 60_000, interval: 250 }).toBe('online');
    expect(await page.textContent('[data-testid="market-network"]')).toContain('31337');
    const indexer = page.locator('[data-testid="market-indexer"]');
    await expect
      .poll(async () => Number(/Up to date at block (\d+)/.exec((await indexer.textContent()) ?? '')?.[1] ?? -1), { timeout: 90_000, interval: 250 })
      .toBeGreaterThanOrEqual(target - 2);
    process.stderr.write(`[network-import] online and indexed to the head in ${Date.now() - started} ms; getLogs served ${proxy.servedLogFroms.length}, refused ${proxy.refusedLogRanges.length}, 429s ${proxy.rateLimited}\n`);
    await expect.poll(async () => (await callAgent<{ open: Array<{ chainJobId: string }> }>(agent, 'getMarket', {})).open.map((j) => j.chainJobId), { timeout: 30_000 }).toContain(jobId);

    // The proxy saw getLogs from the deployment block on, and none below it; none over the cap.
    expect(proxy.servedLogFroms.length).toBeGreaterThan(0);
    expect(Math.min(...proxy.servedLogFroms), `getLogs from ${proxy.servedLogFroms.join(',')}`).toBe(deployment.deploymentBlock);
    expect(Math.max(...proxy.servedLogRanges)).toBeLessThanOrEqual(1_000);
    expect(agent.output()).not.toContain(keyHex);
    expect(errors).toEqual([]);
  }, 300_000);
});
