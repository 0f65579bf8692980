/** The v2 market's named errors in words, and deployment files that say which market version they are. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { marketV2Interface } from '../../../electron/agent/chain/market-v2-abi';
import { describeMarketV2Revert, V2_ERROR_WORDS } from '../../../electron/agent/chain/market-v2-errors';
import { marketVersionOf, networkFromDeployment, readMarketDeployment } from '../../../electron/agent/deploy/market-deployment-file';
import { tempDir } from '../../helpers/temp-dir';

const dirs: Array<ReturnType<typeof tempDir>> = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.cleanup();
});

describe('v2 named errors', () => {
  it('has words for every error in the v2 ABI', () => {
    const names: string[] = [];
    marketV2Interface.forEachError((e) => names.push(e.name));
    expect(names.filter((n) => !(n in V2_ERROR_WORDS))).toEqual([]);
  });

  it('finds the revert data wherever ethers put it and says it with its values', () => {
    const data = marketV2Interface.encodeErrorResult('BiddingOpen', [7n, 1_800_000_000n]);
    expect(describeMarketV2Revert({ code: 'CALL_EXCEPTION', data })).toEqual({ name: 'BiddingOpen', words: 'Bidding on job 7 is open until 2027-01-15T08:00:00.000Z: it can be awarded after that.' });
    const nested = { info: { error: { code: 3, data: { data: marketV2Interface.encodeErrorResult('AskOutOfRange', [250_000n, 200_000n]) } } } };
    expect(describeMarketV2Revert(nested)?.words).toBe("An ask of 0.25 USD/h is out of range: between 0.000001 and the job's max price 0.20 USD/h.");
    expect(describeMarketV2Revert({ data: marketV2Interface.encodeErrorResult('NotSubmitted', [3n, 4n]) })?.words).toBe('Job 3 has no result waiting (it is settled).');
  });

  it('answers null for what is not a v2 revert (network errors, other contracts)', () => {
    expect(describeMarketV2Revert(new Error('connect ECONNREFUSED'))).toBeNull();
    expect(describeMarketV2Revert({ data: '0x08c379a0' })).toBeNull();
    expect(describeMarketV2Revert({ data: '0x12345678' })).toBeNull();
    expect(describeMarketV2Revert(null)).toBeNull();
  });
});

const V1_FILE = {
  kind: 'rigshift-market-deployment',
  version: 1,
  chainId: 84532,
  rpcUrl: 'https://sepolia.base.org',
  market: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  token: '0x036CbD53842c5426634e7929541eC2318f3dCF7e',
  tokenSymbol: 'USDC',
  tokenDecimals: 6,
  deploymentBlock: 12,
  deployTxHash: `0x${'12'.repeat(32)}`,
  deployer: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  genesisHash: `0x${'34'.repeat(32)}`,
  params: { minStakeMicros: '5000000', challengeWindowSeconds: 3600, feeBps: 100, feeRecipient: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', reopenClaimWindowSeconds: 300 },
  deployedAt: '2026-12-01T00:00:00.000Z',
};

function file(content: object): string {
  const d = tempDir('rigshift-v2-deploy-');
  dirs.push(d);
  const path = join(d.path, 'deployment.json');
  writeFileSync(path, JSON.stringify(content));
  return path;
}

describe('deployment files name their market version', () => {
  it('a file written before v2 (no marketVersion) still reads, as a v1 market the agent can use', () => {
    const d = readMarketDeployment(file(V1_FILE));
    expect(marketVersionOf(d)).toBe(1);
    expect(networkFromDeployment(d)).toEqual({ kind: 'custom', rpcUrl: V1_FILE.rpcUrl, chainId: 84532, marketAddress: V1_FILE.market, deploymentBlock: V1_FILE.deploymentBlock });
  });

  it('a v2 file reads as v2, and the agent provides on it (the hub probes the contract; the market switch runs the v2 feature)', () => {
    const d = readMarketDeployment(file({ ...V1_FILE, marketVersion: 2 }));
    expect(marketVersionOf(d)).toBe(2);
    expect(networkFromDeployment(d)).toEqual({ kind: 'custom', rpcUrl: V1_FILE.rpcUrl, chainId: 84532, marketAddress: V1_FILE.market, deploymentBlock: V1_FILE.deploymentBlock });
  });

  it('an unknown market version is refused', () => {
    expect(() => readMarketDeployment(file({ ...V1_FILE, marketVersion: 3 }))).toThrow(/marketVersion/);
  });
});
