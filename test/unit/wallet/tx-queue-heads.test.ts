/**
 * The wallet's transaction queue reacts to the chain's one head stream (issue 11): a
 * pending transaction's receipt is looked for when a block comes, not on a timer of its own,
 * and nothing is asked of the chain while nothing is pending. Through the fake chain.
 */
import { Transaction, Wallet } from 'ethers';
import { afterEach, describe, expect, it } from 'vitest';
import { createTxQueue, type TxQueue } from '../../../electron/agent/wallet/tx-queue';
import { createTxStore } from '../../../electron/agent/wallet/tx-store';
import { createFakeChain, fakeChainHub, fakeConnection } from '../../fakes/fake-chain';
import { recordingLogger } from '../../helpers/silent-logger';
import { tempDir } from '../../helpers/temp-dir';

const MARKET = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const key = Wallet.createRandom();
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function queueOn() {
  const chain = createFakeChain();
  const dir = tempDir('rigshift-txqueue-heads-');
  const hub = fakeChainHub(fakeConnection(chain, MARKET));
  const queue: TxQueue = createTxQueue({
    store: createTxStore({ dataDir: dir.path, logger: recordingLogger().logger, now: () => new Date() }),
    chain: hub,
    address: () => key.address,
    isUnlocked: () => true,
    sign: async (tx) => {
      const raw = await key.signTransaction({ ...tx, from: undefined } as never);
      return { raw, hash: Transaction.from(raw).hash! };
    },
    emit: () => undefined,
    clock: { now: () => new Date() },
    logger: recordingLogger().logger,
    pollMs: 3_600_000,
  });
  cleanups.push(() => queue.stop(), () => dir.cleanup());
  return { chain, queue };
}

const settle = () => new Promise((r) => setTimeout(r, 20));

describe('the tx queue follows the head stream', () => {
  it('asks for no receipt while nothing is pending, even as blocks come', async () => {
    const { chain, queue } = queueOn();
    queue.start();
    expect(chain.listeners()).toBe(1);
    for (let i = 0; i < 5; i++) {
      chain.mineEmpty(1);
      await settle();
    }
    expect(chain.calls.receipt ?? 0).toBe(0);
    expect(chain.calls.nonce ?? 0).toBe(0);
  });

  it('confirms a sent transaction when the block with its receipt arrives', async () => {
    const { chain, queue } = queueOn();
    queue.start();
    const sent = await queue.send({ to: MARKET, data: '0x', kind: 'transfer', label: 'test' });
    expect(queue.pending()).toHaveLength(1);
    const waited = sent.wait();
    const block = chain.mine();
    chain.setReceipt(sent.hash, { from: key.address, status: 1, blockNumber: block.number, gasUsed: 21_000n, effectiveGasPrice: 2n });
    // No timer of its own (pollMs is an hour): the head alone brings the receipt in.
    const mined = await waited;
    expect(mined.status).toBe('confirmed');
    expect(mined.blockNumber).toBe(block.number);
    expect(queue.pending()).toEqual([]);
    await queue.stop();
    expect(chain.listeners()).toBe(0);
  });

  it('sends an estimated call with at least the intent\'s minGasLimit, and the estimate plus its margin when that is more', async () => {
    const { chain, queue } = queueOn();
    queue.start();
    // The fake chain estimates 100 000 gas for anything.
    await queue.send({ to: MARKET, data: '0x', kind: 'other', label: 'floored', minGasLimit: 400_000n });
    await queue.send({ to: MARKET, data: '0x', kind: 'other', label: 'estimated', minGasLimit: 50_000n });
    await queue.send({ to: MARKET, data: '0x', kind: 'other', label: 'plain' });
    expect(chain.sent.map((raw) => Transaction.from(raw).gasLimit)).toEqual([400_000n, 120_000n, 120_000n]);
    await queue.stop();
  });
});
