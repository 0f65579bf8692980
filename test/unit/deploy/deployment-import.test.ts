/**
 * Importing a deployment file from the app (Settings → Network): the text is checked on the
 * agent and answered with a preview of the network change; hostile files (huge, not JSON,
 * wrong types, a pasted private key or recovery words, a v2 market, a javascript: RPC) are
 * refused in words that never quote the file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatchCall } from '../../../electron/agent/api/dispatch';
import { parseDeploymentText, previewDeploymentImport } from '../../../electron/agent/deploy/deployment-import';
import { networkFromDeployment } from '../../../electron/agent/deploy/market-deployment-file';
import { createDeploymentImportFeature, readChosenDeploymentFile } from '../../../electron/agent/deploy/deployment-import-feature';
import { AgentError } from '../../../shared/api/result';
import { DeploymentImportPreviewSchema } from '../../../shared/domain/deployment-import';
import type { NetworkSettings } from '../../../shared/domain/settings';
import { tempDir } from '../../helpers/temp-dir';

const FILE = {
  kind: 'rigshift-market-deployment',
  version: 1,
  chainId: 84532,
  rpcUrl: 'https://sepolia.base.org',
  market: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  token: '0x036CbD53842c5426634e7929541eC2318f3dCF7e',
  tokenSymbol: 'USDC',
  tokenDecimals: 6,
  deploymentBlock: 19_000_123,
  deployTxHash: `0x${'12'.repeat(32)}`,
  deployer: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  genesisHash: `0x${'34'.repeat(32)}`,
  params: { minStakeMicros: '5000000', challengeWindowSeconds: 3600, feeBps: 100, feeRecipient: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', reopenClaimWindowSeconds: 300 },
  deployedAt: '2026-12-01T00:00:00.000Z',
};
const text = (content: object = FILE) => JSON.stringify(content, null, 2);
// Hardhat's public test key #0: shaped like any private key.
const KEY = 'ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const DEVNET: NetworkSettings = { kind: 'devnet' };
const noEnv = {};

/** The AgentError a call throws (fails the test when it does not throw one). */
function refusal(run: () => unknown): AgentError {
  try {
    run();
  } catch (error) {
    if (error instanceof AgentError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('previewing a deployment file', () => {
  it('from the devnet: every line that changes, and the network setting applying would set', () => {
    const preview = previewDeploymentImport({ text: text(), fileName: '/home/me/Downloads/deployment.json' }, DEVNET, noEnv);
    expect(DeploymentImportPreviewSchema.parse(preview)).toEqual(preview);
    expect(preview.fileName).toBe('deployment.json');
    expect(preview.network).toEqual({ kind: 'custom', rpcUrl: FILE.rpcUrl, chainId: 84532, marketAddress: FILE.market, deploymentBlock: 19_000_123 });
    expect(preview.deployment).toMatchObject({ token: FILE.token, tokenSymbol: 'USDC', marketVersion: 1, deploymentBlock: 19_000_123 });
    expect(preview.confirmations).toBe(2);
    expect(preview.changes.map((c) => [c.field, c.from, c.to])).toEqual([
      ['network', 'Local devnet', 'Custom network'],
      ['rpcUrl', null, FILE.rpcUrl],
      ['chainId', null, '84532'],
      ['marketAddress', null, FILE.market],
      ['deploymentBlock', null, '19000123'],
      ['confirmations', '0', '2'],
    ]);
  });

  it('over the same market without its block: only the block changes; already in effect: no change', () => {
    const same = { kind: 'custom' as const, rpcUrl: FILE.rpcUrl, chainId: 84532, marketAddress: FILE.market.toLowerCase() };
    expect(previewDeploymentImport({ text: text() }, same, noEnv).changes).toEqual([
      { field: 'deploymentBlock', label: 'Deployment block', from: 'not set (searched for)', to: '19000123' },
    ]);
    expect(previewDeploymentImport({ text: text() }, { ...same, deploymentBlock: 19_000_123 }, noEnv).changes).toEqual([]);
  });

  it('a file without marketVersion is a v1 market; a v2 file follows the one market-version rule (networkFromDeployment)', () => {
    expect(previewDeploymentImport({ text: text() }, DEVNET, noEnv).deployment.marketVersion).toBe(1);
    const v2 = text({ ...FILE, marketVersion: 2 });
    let rule: AgentError | null = null;
    try {
      networkFromDeployment(parseDeploymentText(v2));
    } catch (error) {
      rule = error as AgentError;
    }
    if (rule) {
      // While the agent provides on v1 only: refused, in that rule's words.
      const refused = refusal(() => previewDeploymentImport({ text: v2 }, DEVNET, noEnv));
      expect(refused.code).toBe('market_version');
      expect(refused.message).toBe(rule.message);
      expect(refused.message).toMatch(/a v2 market/);
    } else {
      // Once the v2 provider lifts the rule there, the preview says v2.
      expect(previewDeploymentImport({ text: v2 }, DEVNET, noEnv).deployment.marketVersion).toBe(2);
    }
  });
});

describe('refusing hostile deployment files', () => {
  it('a pasted private key (with or without 0x, in any field or outside JSON) is refused and never quoted', () => {
    for (const hostile of [
      text({ ...FILE, privateKey: `0x${KEY}` }),
      text({ ...FILE, deployer: KEY }),
      `${text()}\n${KEY}\n`,
      `PRIVATE_KEY=0x${KEY}`,
    ]) {
      const error = refusal(() => parseDeploymentText(hostile));
      expect(error.code).toBe('deployment_file_secret');
      expect(error.message).toMatch(/looks like a private key/);
      expect(JSON.stringify(error.toApiError())).not.toMatch(/ac0974bec39a17e3/i);
    }
    // Its own two hashes are 64 hex digits too, and are fine.
    expect(parseDeploymentText(text()).deployTxHash).toBe(FILE.deployTxHash);
  });

  it('recovery words are refused', () => {
    const words = 'test test test test test test test test test test test junk';
    const error = refusal(() => parseDeploymentText(text({ ...FILE, mnemonic: words })));
    expect(error.message).toMatch(/recovery words/);
    expect(error.message).not.toContain('junk');
  });

  it('a huge file is refused by size before anything else is read', () => {
    const huge = `${text()}${' '.repeat(70 * 1024)}`;
    expect(refusal(() => parseDeploymentText(huge)).message).toMatch(/^That file is 7\d KiB; a deployment file is about 1 KiB \(at most 64 KiB\)/);
  });

  it('not JSON: says where it breaks, never what the text is', () => {
    const error = refusal(() => parseDeploymentText('{"kind": "rigshift-market-deployment", secret-ish stuff'));
    expect(error.message).toMatch(/^That file is not JSON/);
    expect(error.message).not.toMatch(/secret-ish/);
  });

  it('wrong types and unknown fields name the field', () => {
    expect(refusal(() => parseDeploymentText(text({ ...FILE, chainId: '84532' }))).message).toMatch(/not a RigShift market deployment \(chainId: /);
    expect(refusal(() => parseDeploymentText(text({ ...FILE, deploymentBlock: -5 }))).message).toMatch(/\(deploymentBlock: /);
    expect(refusal(() => parseDeploymentText(text({ ...FILE, extra: 1 }))).message).toMatch(/not a RigShift market deployment/);
    expect(refusal(() => parseDeploymentText('[]')).message).toMatch(/not a RigShift market deployment/);
    expect(refusal(() => parseDeploymentText(text({ ...FILE, chainId: 2 ** 60 }))).message).toMatch(/\(chainId: /);
  });

  it('an RPC URL that is not http(s) is refused', () => {
    expect(refusal(() => parseDeploymentText(text({ ...FILE, rpcUrl: 'javascript:alert(1)' }))).message).toMatch(/https:\/\//);
    expect(refusal(() => parseDeploymentText(text({ ...FILE, rpcUrl: 'file:///etc/passwd' }))).message).toMatch(/uses file:/);
  });
});

describe('the import feature at the agent boundary', () => {
  const dirs: Array<ReturnType<typeof tempDir>> = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) d.cleanup();
  });

  it('answers a preview as data, a refusal as an error, and changes nothing', async () => {
    let network: NetworkSettings = DEVNET;
    const feature = createDeploymentImportFeature({ network: () => network });
    const ok = await dispatchCall(feature.handlers, 'previewDeploymentImport', { text: text(), fileName: 'd.json' });
    expect(ok.ok && ok.value).toMatchObject({ fileName: 'd.json', network: { kind: 'custom', deploymentBlock: 19_000_123 } });
    const refused = await dispatchCall(feature.handlers, 'previewDeploymentImport', { text: `0x${KEY}` });
    expect(refused).toMatchObject({ ok: false, error: { code: 'deployment_file_secret' } });
    expect(network).toEqual(DEVNET);
    network = { kind: 'custom', rpcUrl: FILE.rpcUrl, chainId: 84532, marketAddress: FILE.market, deploymentBlock: 19_000_123 };
    const again = await dispatchCall(feature.handlers, 'previewDeploymentImport', { text: text() });
    expect(again.ok && (again.value as { changes: unknown[] }).changes).toEqual([]);
  });

  it('without a desktop dialog (headless), openDeploymentFile is unavailable; with one, the chosen file is read', async () => {
    expect(await dispatchCall(createDeploymentImportFeature({ network: () => DEVNET }).handlers, 'openDeploymentFile', {})).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    const d = tempDir('rigshift-import-');
    dirs.push(d);
    const path = join(d.path, 'deployment.json');
    writeFileSync(path, text());
    let answer: string | null = path;
    const feature = createDeploymentImportFeature({ network: () => DEVNET, chooser: { choose: async () => answer } });
    expect(await dispatchCall(feature.handlers, 'openDeploymentFile', {})).toEqual({ ok: true, value: { text: text(), fileName: 'deployment.json' } });
    answer = null;
    expect(await dispatchCall(feature.handlers, 'openDeploymentFile', {})).toEqual({ ok: true, value: null });
  });

  it('a chosen file that is too large, or not a file, is refused unread', async () => {
    const d = tempDir('rigshift-import-');
    dirs.push(d);
    const big = join(d.path, 'big.json');
    writeFileSync(big, Buffer.alloc(10 * 1024 * 1024, 0x20));
    await expect(readChosenDeploymentFile(big)).rejects.toThrow(/10240 KiB; a deployment file is about 1 KiB/);
    const folder = join(d.path, 'folder');
    mkdirSync(folder);
    await expect(readChosenDeploymentFile(folder)).rejects.toThrow(/is not a file/);
    await expect(readChosenDeploymentFile(join(d.path, 'missing.json'))).rejects.toThrow(/Cannot open missing.json: ENOENT/);
  });
});
