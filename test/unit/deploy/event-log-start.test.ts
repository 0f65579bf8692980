/**
 * The event log starts at the network's deployment block, also when it already has a cursor
 * below it: an owner who ran a custom network without the block (scanning from 0) and then
 * sets it, or imports the deployment file, for the same market must not keep reading the
 * millions of blocks before the market existed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ChainConnection } from '../../../electron/agent/chain/chain-hub';
import { createMarketIndexer } from '../../../electron/agent/market/market-indexer';
import { createFakeChain, type FakeChain } from '../../fakes/fake-chain';
import { postedLog } from '../../fakes/market-logs';
import { recordingLogger } from '../../helpers/silent-logger';
import { tempDir } from '../../helpers/temp-dir';
import { jobDocument } from '../market/chain-fixture';

const MARKET = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const REQUESTER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

const dirs: Array<ReturnType<typeof tempDir>> = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.cleanup();
});

function eventLog(chain: FakeChain, deploymentBlock: number, dataDir: string) {
  const ranges: Array<[number, number]> = [];
  const connection: ChainConnection = {
    network: {
      label: 'custom', isDevnet: false, chainId: 8453, rpcUrl: 'https://rpc.example', marketAddress: MARKET,
      tokenAddress: '0x0000000000000000000000000000000000000001', token: { symbol: 'USDC', decimals: 6 },
      deploymentBlock, genesisHash: chain.blocks()[0]!.hash,
    },
    port: chain,
  };
  const log = createMarketIndexer({
    connection: () => connection,
    reportFailure: () => undefined,
    getLogs: (port, filter, from, to) => {
      if (filter.address === MARKET) ranges.push([from, to]);
      return port.getLogs(filter, from, to);
    },
    dataDir,
    logger: recordingLogger().logger,
    clock: { now: () => new Date() },
    confirmations: () => 0,
    reopenClaimWindow: async () => 300,
    account: () => null,
    pollMs: 1000,
  });
  return { log, ranges };
}

describe('where the event log starts', () => {
  it('a cursor below the deployment block jumps to it', async () => {
    const d = tempDir('rigshift-log-start-');
    dirs.push(d);
    const chain = createFakeChain();
    chain.mineEmpty(20);
    // Without the block (searched and not found: 0), the log has read blocks 0-20.
    const before = eventLog(chain, 0, d.path);
    while ((before.log.status().block ?? -1) < 20) await before.log.poll();
    await before.log.stop();

    chain.mineEmpty(500);
    const posted = chain.mine([postedLog(MARKET, 1, REQUESTER, jobDocument({ name: 'after deployment' }))]);
    // Now the owner set the deployment block (the market was created in block 400).
    const after = eventLog(chain, 400, d.path);
    while ((after.log.status().block ?? -1) < posted.number) await after.log.poll();
    expect(after.ranges[0]![0]).toBe(400);
    expect(Math.min(...after.ranges.map(([from]) => from))).toBe(400);
    expect(after.log.document('1')).toContain('after deployment');
    await after.log.stop();
  });
});
