/**
 * Where the event log starts on a custom network (issue 11 item 5): the owner's deployment
 * block (Settings, or an imported deployment file) when the chain does not contradict it;
 * migration 0008 keeps a usable one and drops a broken one; the patch schema checks it.
 */
import { describe, expect, it } from 'vitest';
import { resolveDeploymentBlock, type CodeReader } from '../../../electron/agent/chain/deployment-block';
import { m0008NetworkDeploymentBlock } from '../../../electron/agent/settings/migrations/0008-network-deployment-block';
import { migrateSettings } from '../../../electron/agent/settings/settings-service';
import { applySettingsPatch, DEFAULT_SETTINGS, SETTINGS_SCHEMA_VERSION } from '../../../shared/domain/settings';

const MARKET = `0x${'ab'.repeat(20)}`;

/** A chain whose market was created at block `deployedAt`; `archive: false` refuses old state like a full node. */
function chainWith(deployedAt: number, head: number, archive = true): CodeReader & { reads: number[] } {
  const reads: number[] = [];
  return {
    reads,
    blockNumber: async () => head,
    codeAt: async (_address, block) => {
      reads.push(block);
      if (!archive && block < head - 128) throw new Error('missing trie node');
      return block >= deployedAt ? '0x6080' : '0x';
    },
  };
}
const quiet = { warn: () => undefined };

describe('the deployment block the event log starts at', () => {
  it('the owner\'s block stands when the market did not exist the block before', async () => {
    const chain = chainWith(5_000, 90_000);
    expect(await resolveDeploymentBlock(chain, MARKET, 5_000, quiet)).toBe(5_000);
    expect(chain.reads).toEqual([4_999]);
  });

  it('on a full node that cannot answer for old blocks, the owner\'s block stands (no scan from 0)', async () => {
    const chain = chainWith(5_000, 90_000, false);
    expect(await resolveDeploymentBlock(chain, MARKET, 5_000, quiet)).toBe(5_000);
  });

  it('a block after the real deployment would miss events: the real one is found below it', async () => {
    const warnings: string[] = [];
    const chain = chainWith(5_000, 90_000);
    expect(await resolveDeploymentBlock(chain, MARKET, 7_000, { warn: (m) => warnings.push(m) })).toBe(5_000);
    expect(warnings.join()).toMatch(/already existed before the deployment block/);
  });

  it('a block past the head is searched for', async () => {
    expect(await resolveDeploymentBlock(chainWith(5_000, 9_000), MARKET, 50_000, quiet)).toBe(5_000);
  });

  it('without a block, an archive node is searched and a full node falls back to block 0 with a hint', async () => {
    expect(await resolveDeploymentBlock(chainWith(5_000, 90_000), MARKET, null, quiet)).toBe(5_000);
    const warnings: string[] = [];
    expect(await resolveDeploymentBlock(chainWith(5_000, 90_000, false), MARKET, null, { warn: (m) => warnings.push(m) })).toBe(0);
    expect(warnings.join()).toMatch(/Settings → Network/);
  });
});

describe('settings migration 0008: a custom network\'s deployment block', () => {
  const custom = { kind: 'custom', rpcUrl: 'https://rpc.example', chainId: 8453, marketAddress: MARKET };

  it('a version-7 custom network migrates unchanged (no block: searched as before)', () => {
    const v7 = { ...structuredClone(DEFAULT_SETTINGS), schemaVersion: 7, network: custom } as unknown as Record<string, unknown>;
    const { settings, migrated } = migrateSettings(v7);
    expect(migrated).toBe(true);
    expect(settings.schemaVersion).toBe(SETTINGS_SCHEMA_VERSION);
    expect(settings.network).toEqual(custom);
  });

  it('keeps a usable block, drops one that is not a block number (the settings do not fail closed)', () => {
    const up = (network: unknown) => m0008NetworkDeploymentBlock.up({ schemaVersion: 7, network }).network;
    expect(up({ ...custom, deploymentBlock: 123 })).toEqual({ ...custom, deploymentBlock: 123 });
    expect(up({ ...custom, deploymentBlock: '123' })).toEqual(custom);
    expect(up({ ...custom, deploymentBlock: -1 })).toEqual(custom);
    expect(up({ kind: 'devnet', deploymentBlock: 4 })).toEqual({ kind: 'devnet' });
    expect(m0008NetworkDeploymentBlock.up({ schemaVersion: 7 })).toEqual({ schemaVersion: 8 });
  });

  it('the patch takes a whole block number only', () => {
    const patch = (deploymentBlock: unknown) => () => applySettingsPatch(DEFAULT_SETTINGS, { network: { ...custom, deploymentBlock } as never });
    expect(patch(42)().network).toEqual({ ...custom, deploymentBlock: 42 });
    expect(patch(1.5)).toThrow(/whole block number/);
    expect(patch(-3)).toThrow(/0 or more/);
    expect(patch(2 ** 60)).toThrow(/beyond any chain/);
  });
});
