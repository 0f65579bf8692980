/**
 * The event log catching up (issue 11 ingest): the next range's eth_getLogs is asked while
 * the current one is processed, one request ahead and no more, and a reorg while catching
 * up never leaves logs of the old fork in the book, whether the answer was asked ahead or not.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ChainConnection } from '../../../electron/agent/chain/chain-hub';
import type { ChainLog } from '../../../electron/agent/chain/chain-port';
import { createMarketIndexer, type GetLogs } from '../../../electron/agent/market/market-indexer';
import { createFakeChain, type FakeChain } from '../../fakes/fake-chain';
import { postedLog } from '../../fakes/market-logs';
import { recordingLogger } from '../../helpers/silent-logger';
import { tempDir } from '../../helpers/temp-dir';
import { jobDocument } from './chain-fixture';

const MARKET = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const REQUESTER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

const dirs: Array<ReturnType<typeof tempDir>> = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.cleanup();
});

const post = (id: number) => postedLog(MARKET, id, REQUESTER, jobDocument({ name: `job ${id}` }));

function eventLog(chain: FakeChain, getLogs: GetLogs, stepBlocks: number) {
  const d = tempDir('rigshift-catch-up-');
  dirs.push(d);
  const connection: ChainConnection = {
    network: { label: 'fake', isDevnet: true, chainId: 31337, rpcUrl: 'http://fake', marketAddress: MARKET, tokenAddress: '0x0000000000000000000000000000000000000001', token: { symbol: 'tUSD', decimals: 6 }, deploymentBlock: 1, genesisHash: chain.blocks()[0]!.hash },
    port: chain,
  };
  return createMarketIndexer({
    connection: () => connection,
    reportFailure: () => undefined,
    getLogs,
    dataDir: d.path,
    logger: recordingLogger().logger,
    clock: { now: () => new Date() },
    confirmations: () => 0,
    reopenClaimWindow: async () => 300,
    stepBlocks,
  });
}

describe('catching up', () => {
  it('asks the next range while this one is processed, never more than one ahead', async () => {
    const chain = createFakeChain();
    for (let id = 1; id <= 12; id++) chain.mine([post(id)]);
    let inFlight = 0;
    let most = 0;
    const order: string[] = [];
    const log = eventLog(
      chain,
      async (port, filter, from, to) => {
        order.push(`ask ${from}-${to}`);
        most = Math.max(most, ++inFlight);
        try {
          await new Promise((r) => setTimeout(r, 5));
          return await port.getLogs(filter, from, to);
        } finally {
          inFlight--;
        }
      },
      1,
    );
    log.onUpdate((update) => {
      if (update.changed.size > 0) order.push(`applied ${[...update.changed].join(',')}`);
    });
    await log.poll();
    expect(log.book.size()).toBe(12);
    // Block 2's logs were asked before block 1's were applied, and so on; each range once.
    expect(order.slice(0, 4)).toEqual(['ask 1-1', 'ask 2-2', 'applied 1', 'ask 3-3']);
    expect(order.filter((o) => o.startsWith('ask'))).toEqual(Array.from({ length: 12 }, (_, i) => `ask ${i + 1}-${i + 1}`));
    expect(most).toBeLessThanOrEqual(2);
    await log.stop();
  });

  it('never keeps logs of a fork the chain left while it caught up (an answer asked ahead, or asked after the last check)', async () => {
    const chain = createFakeChain();
    // Posts in odd blocks, even blocks empty: each 2-block step ends on a block without logs,
    // so only the cursor's check can tell that its answer came from the old fork.
    for (let id = 1; id <= 3; id++) {
      chain.mine([post(id)]);
      chain.mine([]);
    }
    let reorged = false;
    const log = eventLog(
      chain,
      async (port, filter, from, to) => {
        const answer: ChainLog[] = await port.getLogs(filter, from, to);
        if (from === 3 && !reorged) {
          // Answered from the old chain, then blocks 2-6 are replaced (job 2 and 3 never were).
          reorged = true;
          chain.reorg(5, [[], [post(20)], [], [post(30)], []]);
        }
        return answer;
      },
      2,
    );
    await log.poll();
    await log.poll();
    expect(reorged).toBe(true);
    expect([...log.book.all()].map((j) => j.id).sort()).toEqual(['1', '20', '30']);
    await log.stop();
  });
});
