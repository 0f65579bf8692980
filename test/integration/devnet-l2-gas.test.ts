/**
 * Issue 13: the devnet prices gas like Arbitrum One (0.01 gwei base fee floor, tips
 * ignored), not like mainnet (Hardhat's 1 gwei tip on every transaction), so "net includes
 * gas" shows what a provider on an L2 would pay. A real devnet node: the fee data wallets
 * read, what a transaction really paid, and the base fee after idle blocks.
 */
import { JsonRpcProvider, Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devnetAccount } from '../../electron/agent/devnet/devnet-accounts';
import { type DevnetProcess, spawnDevnetNode } from '../../electron/agent/devnet/devnet-process';
import { pickFreePort } from '../../electron/agent/devnet/ports-free';
import { recordingLogger } from '../helpers/silent-logger';

const GWEI_001 = 10_000_000n;

describe('the devnet charges L2 gas (Arbitrum One: 0.01 gwei)', () => {
  let node: DevnetProcess;
  let provider: JsonRpcProvider;

  beforeAll(async () => {
    node = await spawnDevnetNode({ port: await pickFreePort(), intervalMs: 250, logger: recordingLogger().logger });
    provider = new JsonRpcProvider(node.rpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1 });
  }, 60_000);

  afterAll(async () => {
    provider?.destroy();
    await node?.stop();
  });

  it('suggests the L2 fees: a 1 wei tip, and a cap of twice the 0.01 gwei base fee', async () => {
    const fees = await provider.getFeeData();
    expect(fees.maxPriorityFeePerGas).toBe(1n);
    expect(fees.maxFeePerGas).toBeLessThanOrEqual(2n * GWEI_001 + 1n);
    expect(fees.gasPrice).toBe(GWEI_001 + 1n);
  });

  it('a transaction pays about 0.01 gwei per gas, and idle blocks keep the base fee there', async () => {
    const sender = new Wallet(devnetAccount(0).privateKey, provider);
    const sent = await sender.sendTransaction({ to: devnetAccount(1).address, value: 1n });
    const receipt = (await sent.wait())!;
    expect(receipt.gasPrice).toBeGreaterThanOrEqual((GWEI_001 * 7n) / 8n);
    expect(receipt.gasPrice).toBeLessThanOrEqual(GWEI_001 + 1n);
    // A second of empty blocks: the base fee stays at the floor instead of decaying.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const latest = (await provider.getBlock('latest'))!;
    expect(latest.baseFeePerGas).toBeGreaterThanOrEqual((GWEI_001 * 7n) / 8n);
    expect(latest.baseFeePerGas).toBeLessThanOrEqual(GWEI_001);
    console.log(
      `devnet gas: a transfer paid ${receipt.gasPrice} wei/gas (${receipt.gasUsed} gas); base fee after idle blocks ${latest.baseFeePerGas} wei`,
    );
  });
});
