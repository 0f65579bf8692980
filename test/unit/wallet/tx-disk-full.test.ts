/**
 * A full disk under the wallet's transaction store, through the real store and queue with
 * the atomic writer made to fail with ENOSPC for a while, and an in-memory chain. Before
 * the fix, one ENOSPC rejected every later write until restart, the send had already signed,
 * and the unsaved transaction's nonce stayed taken in memory (and was rebroadcast later).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../../helpers/temp-dir';
import { recordingLogger } from '../../helpers/silent-logger';
import { fakeTxChain as fakeChain, FAKE_FROM as FROM, FAKE_TO as TO } from '../../fakes/fake-tx-chain';

const disk = vi.hoisted(() => ({ fullFor: 0, writes: 0, failures: 0 }));

vi.mock('../../../electron/agent/node-adapters/atomic-json-file', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../electron/agent/node-adapters/atomic-json-file')>();
  return {
    ...real,
    async writeJsonAtomically(path: string, value: unknown) {
      disk.writes += 1;
      if (disk.fullFor > 0) {
        disk.fullFor -= 1;
        disk.failures += 1;
        throw Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: 'ENOSPC', errno: -28, syscall: 'write' });
      }
      return real.writeJsonAtomically(path, value);
    },
  };
});

const { createTxStore } = await import('../../../electron/agent/wallet/tx-store');
const { createTxQueue } = await import('../../../electron/agent/wallet/tx-queue');
type TxRecord = import('../../../electron/agent/wallet/tx-store').TxRecord;

let dir: { path: string; cleanup(): void };
beforeEach(() => {
  dir = tempDir('rigshift-txdisk-');
  Object.assign(disk, { fullFor: 0, writes: 0, failures: 0 });
});
afterEach(() => dir.cleanup());

function record(id: string, nonce: number): TxRecord {
  const at = new Date(Date.UTC(2026, 0, 1, 0, 0, nonce)).toISOString();
  return {
    id, kind: 'transfer', label: 'test', jobId: null, from: FROM, to: TO, value: '0', token: null, nonce, chainId: 31337,
    status: 'pending', hash: `0xh${nonce}`, hashes: [`0xh${nonce}`], gasLimit: '21000', maxFeePerGas: '1', maxPriorityFeePerGas: '1',
    blockNumber: null, gasUsed: null, effectiveGasPrice: null, createdAt: at, updatedAt: at, error: null, raw: `0xraw-${nonce}`,
    data: '0x', chainKey: '31337:0xgenesis', lastBroadcastAt: at, replacements: 0,
  };
}

const savedIds = () => (JSON.parse(readFileSync(join(dir.path, 'wallet', 'transactions.json'), 'utf8')) as { txs: TxRecord[] }).txs.map((t) => t.id);

describe('transaction store on a full disk', () => {
  it('a failed write is a typed disk-full error, changes nothing, and does not poison later writes', async () => {
    const store = createTxStore({ dataDir: dir.path, logger: recordingLogger().logger, now: () => new Date() });
    disk.fullFor = 3;
    const failures = await Promise.all([store.put(record('a', 0)), store.put(record('b', 1)), store.put(record('c', 2))].map((p) => p.catch((e: unknown) => e)));
    for (const failure of failures) {
      expect(failure).toMatchObject({ code: 'disk-full', message: `disk full: free space in ${join(dir.path, 'wallet')}` });
    }
    expect(store.all()).toEqual([]);
    // Space is back: the next write goes through, from what is on disk (none of the failed ones).
    await store.put(record('d', 0));
    expect(store.all().map((r) => r.id)).toEqual(['d']);
    expect(savedIds()).toEqual(['d']);
  });

  it('a record changed by a caller is not changed in the store until it is saved', async () => {
    const store = createTxStore({ dataDir: dir.path, logger: recordingLogger().logger, now: () => new Date() });
    await store.put(record('a', 0));
    const copy = store.get('a')!;
    copy.status = 'confirmed';
    disk.fullFor = 1;
    await expect(store.put(copy)).rejects.toMatchObject({ code: 'disk-full' });
    expect(store.get('a')!.status).toBe('pending');
  });
});

describe('transaction queue on a full disk', () => {
  function queue(now: { ms: number }, onSign: () => void = () => undefined) {
    const chain = fakeChain();
    const signed: number[] = [];
    const store = createTxStore({ dataDir: dir.path, logger: recordingLogger().logger, now: () => new Date(now.ms) });
    const txQueue = createTxQueue({
      store,
      chain: chain.hub,
      address: () => FROM,
      isUnlocked: () => true,
      sign: (tx) => {
        signed.push(Number(tx.nonce));
        onSign();
        return Promise.resolve({ raw: `0xraw-${tx.nonce}-${signed.length}`, hash: `0xhash${signed.length}` });
      },
      emit: () => undefined,
      clock: { now: () => new Date(now.ms) },
      logger: recordingLogger().logger,
      stuckAfterMs: 90_000,
    });
    return { chain, signed, txQueue };
  }
  const intent = { to: TO, value: 1n, gasLimit: 21_000n, label: 'submit', kind: 'transfer' as const };

  it('signs nothing while the store cannot write, keeps the nonce free, and sends once space returns', async () => {
    const now = { ms: Date.UTC(2026, 0, 1) };
    const { chain, signed, txQueue } = queue(now);
    disk.fullFor = 1_000;
    for (let attempt = 0; attempt < 5; attempt++) {
      await expect(txQueue.send(intent)).rejects.toMatchObject({ code: 'disk-full', message: expect.stringMatching(/^disk full: free space in /) });
    }
    expect(signed).toEqual([]);
    expect(chain.broadcasts).toEqual([]);

    disk.fullFor = 0;
    const sent = await txQueue.send(intent);
    expect(sent.nonce).toBe(0);
    expect(signed).toEqual([0]);
    expect(chain.broadcasts).toEqual(['0xraw-0-1']);
    // 90 s later the monitor follows only what was saved: nothing unsaved is rebroadcast.
    now.ms += 100_000;
    await txQueue.poll();
    expect(chain.broadcasts.every((raw) => raw.startsWith('0xraw-0-'))).toBe(true);
    expect(txQueue.list().map((t) => t.nonce)).toEqual([0]);
  });

  it('a write failing after the signature: the signed bytes are never broadcast, and the nonce is used again later', async () => {
    const now = { ms: Date.UTC(2026, 0, 1) };
    // The draft is written, then the disk fills while the transaction is being signed.
    let fillOnSign = true;
    const { chain, signed, txQueue } = queue(now, () => {
      if (fillOnSign) disk.fullFor = 2;
      fillOnSign = false;
    });
    await expect(txQueue.send(intent)).rejects.toMatchObject({ code: 'disk-full' });
    expect(signed).toEqual([0]);
    expect(chain.broadcasts).toEqual([]);
    expect(txQueue.pending()).toEqual([]);

    now.ms += 100_000;
    await txQueue.poll();
    expect(chain.broadcasts).toEqual([]);
    const sent = await txQueue.send(intent);
    expect(sent.nonce).toBe(0);
    expect(chain.broadcasts).toEqual(['0xraw-0-2']);
    expect(txQueue.list().map((t) => t.hash)).toEqual(['0xhash2']);
  });
});
