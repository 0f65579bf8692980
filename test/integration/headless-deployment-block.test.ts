/**
 * `rigshift headless --network custom … --deployment-block N` saves the custom network with
 * the block its event log starts at; a block that is no whole number, or given with a
 * deployment file (which has one), is refused before anything starts.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Settings } from '../../shared/domain/settings';
import { cliBundle, runCli } from '../helpers/cli';
import { callAgent, type HeadlessProcess, startHeadlessAgent } from '../helpers/headless-process';
import { fileExists, need } from '../helpers/requirements';
import { tempDir } from '../helpers/temp-dir';

const built = need(fileExists(cliBundle, 'npm run build'));
const MARKET = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
// Nothing listens on port 9: the chain stays offline, the setting is what is under test.
const custom = ['--network', 'custom', '--rpc-url', 'http://127.0.0.1:9', '--chain-id', '8453', '--market-address', MARKET];

describe.skipIf(!built)('headless --deployment-block', () => {
  const dir = tempDir('rigshift-deployment-block-');
  let agent: HeadlessProcess | undefined;
  afterAll(async () => {
    await agent?.stop();
    dir.cleanup();
  });

  it('refuses a block that is not a whole number, and one given with a deployment file', async () => {
    const bad = await runCli(['headless', ...custom, '--deployment-block', '12.5', '--data-dir', join(dir.path, 'bad')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('rigshift: --deployment-block must be a whole block number, not "12.5"\n');
    const both = await runCli(['headless', '--deployment', join(dir.path, 'deployment.json'), '--deployment-block', '5', '--data-dir', join(dir.path, 'bad')]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--deployment-block is for --network custom/);
  });

  it('saves the custom network with its deployment block', async () => {
    agent = await startHeadlessAgent(['--data-dir', join(dir.path, 'agent'), ...custom, '--deployment-block', '19000123']);
    const { settings } = await callAgent<{ settings: Settings }>(agent, 'getSnapshot');
    expect(settings.network).toEqual({ kind: 'custom', rpcUrl: 'http://127.0.0.1:9', chainId: 8453, marketAddress: MARKET, deploymentBlock: 19_000_123 });
  }, 60_000);
});
