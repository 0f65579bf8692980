/**
 * kill -9 at each step of a job, then a fresh provider over the same records and the same
 * chain: the job reaches the state the chain has, and no transaction the chain already has
 * (or may still mine) is sent again. The provider reconciles (the job's on-chain state, our
 * mined nonce) before it sends anything.
 */
import { describe, expect, it } from 'vitest';
import { syncFromBook } from '../../../electron/agent/market/provider-sync';
import { withdrawIfDue } from '../../../electron/agent/market/market-funds';
import type { WalletAccess } from '../../../electron/agent/wallet/wallet-access';
import { createFakeProviderChain } from '../../fakes/fake-provider-chain';
import { createHarness, memoryRecords, ME } from './provider-harness';

function crashAndRestart(h: ReturnType<typeof createHarness>) {
  h.kill();
  return createHarness({ chain: h.chain, records: h.records, wallMs: h.chain.time() * 1000 });
}

describe('market provider: restart after kill -9 at each step', () => {
  it('after the claim was sent, mined while down: claimed and run, the claim not sent again', async () => {
    const a = createHarness();
    a.chain.post({ id: '1' });
    a.chain.setAutoMine(false);
    void a.claim('1');
    await a.flush();
    expect(a.records.store.get('1')?.record.state).toBe('claiming');
    expect(a.records.store.get('1')?.record.txs[0]).toMatchObject({ kind: 'claim', status: 'pending', nonce: 0 });
    const b = crashAndRestart(a);
    a.chain.mine();
    a.chain.setAutoMine(true);
    await b.tick();
    expect(b.job('1')?.state).toBe('running');
    expect(b.job('1')?.txs[0]?.status).toBe('confirmed');
    expect(b.chain.sentOf('claim')).toHaveLength(1);
  });

  it('after the claim was sent, still in flight at restart: waits for it rather than calling it failed', async () => {
    const a = createHarness();
    a.chain.post({ id: '1' });
    a.chain.setAutoMine(false);
    void a.claim('1');
    await a.flush();
    const b = crashAndRestart(a);
    await b.tick();
    expect(b.job('1')?.state).toBe('claiming');
    a.chain.mine();
    a.chain.setAutoMine(true);
    await b.tick();
    expect(b.job('1')?.state).toBe('running');
    expect(b.chain.sentOf('claim')).toHaveLength(1);
  });

  it('during the run: the job is run again (not preemptible), no transaction sent', async () => {
    const a = createHarness();
    a.chain.post({ id: '1' });
    await a.claim('1');
    expect(a.job('1')?.state).toBe('running');
    const b = crashAndRestart(a);
    await b.tick();
    expect(b.job('1')?.state).toBe('running');
    expect(b.runs).toHaveLength(1);
    expect(b.chain.sent.map((s) => s.kind)).toEqual(['claim']);
    // Both runs' folders are known, so retention removes both.
    expect(b.extra('1')?.localJobIds).toHaveLength(2);
    b.runs[0]!.finish();
    await b.settle();
    expect(b.job('1')?.state).toBe('submitted');
  });

  it('during the upload: uploads again (the attempt counted) and submits once', async () => {
    const a = createHarness({ upload: [500] });
    a.chain.post({ id: '1' });
    await a.claim('1');
    a.runs[0]!.finish();
    await a.settle();
    expect(a.job('1')?.state).toBe('uploading');
    const b = crashAndRestart(a);
    b.advance(3);
    await b.tick();
    expect(b.job('1')?.state).toBe('submitted');
    expect(b.extra('1')?.uploadAttempts).toBe(2);
    expect(b.chain.sentOf('submit')).toHaveLength(1);
  });

  it('right after the submit was sent, mined while down: submitted, the submit never sent again', async () => {
    const a = createHarness();
    a.chain.post({ id: '1' });
    await a.claim('1');
    a.chain.setAutoMine(false);
    a.runs[0]!.finish();
    await a.flush();
    expect(a.records.store.get('1')?.record.state).toBe('uploading');
    expect(a.records.store.get('1')?.extra.uploaded).toBe(true);
    const b = crashAndRestart(a);
    a.chain.mine();
    a.chain.setAutoMine(true);
    for (let i = 0; i < 5; i++) await b.tick();
    expect(b.job('1')?.state).toBe('submitted');
    // Not even tried again (today: retried every tick, each reverting NotClaimed at the estimate).
    expect(b.chain.triedOf('submit')).toHaveLength(1);
    expect(b.chain.jobs.get('1')?.state).toBe('Submitted');
    // And on to the end: finalized once the window passed.
    b.advance(601);
    await b.tick();
    expect(b.job('1')?.state).toBe('settled');
    expect(b.chain.sent.map((s) => s.kind)).toEqual(['claim', 'submit', 'finalize']);
  });

  it('right after the submit was sent, still in flight: waits, then follows the chain', async () => {
    const a = createHarness();
    a.chain.post({ id: '1' });
    await a.claim('1');
    a.chain.setAutoMine(false);
    a.runs[0]!.finish();
    await a.flush();
    const b = crashAndRestart(a);
    for (let i = 0; i < 3; i++) await b.tick();
    expect(b.job('1')?.state).toBe('uploading');
    expect(b.chain.triedOf('submit')).toHaveLength(1);
    expect(b.log.some((e) => e.message === 'market job waits for a transaction sent before the restart')).toBe(true);
    a.chain.mine();
    await b.tick();
    expect(b.job('1')?.state).toBe('submitted');
    expect(b.chain.sentOf('submit')).toHaveLength(1);
  });

  it('a record stuck in uploading learns the submit from the book\'s submitted event', async () => {
    const a = createHarness();
    a.chain.post({ id: '1' });
    await a.claim('1');
    a.chain.setAutoMine(false);
    a.runs[0]!.finish();
    await a.flush();
    const b = crashAndRestart(a);
    a.chain.mine();
    const { book } = b.book('1');
    await syncFromBook(b.provider, { ...book, state: 'submitted', provider: ME, attempt: 1, billedSeconds: 5 }, ME, new Date());
    expect(b.job('1')?.state).toBe('submitted');
    expect(b.chain.triedOf('submit')).toHaveLength(1);
  });

  it('during the withdrawal: the withdrawal in flight is not sent again, and is marked once mined', async () => {
    const chain = createFakeProviderChain({ me: ME });
    const records = memoryRecords();
    const a = createHarness({ chain, records });
    chain.post({ id: '1' });
    await a.claim('1');
    a.runs[0]!.finish(undefined, 3_600_000);
    await a.settle();
    a.advance(601);
    await a.tick();
    expect(a.job('1')?.state).toBe('settled');
    expect(chain.creditOf(ME)).toBeGreaterThan(0n);
    const wallet = { address: () => ME, isUnlocked: () => true } as unknown as WalletAccess;
    const funds = (h: typeof a) => ({ wallet, fund: (async () => undefined) as never, notice: () => undefined, read: async () => ({ credit: h.chain.creditOf(ME) }) as never });
    const options = { force: false, minSettled: 1, thresholdMicros: 1n, now: () => new Date(chain.time() * 1000) };
    chain.setAutoMine(false);
    void withdrawIfDue(funds(a), chain.chain, a.provider, options);
    await a.settle();
    expect(records.store.get('1')?.record.txs.at(-1)).toMatchObject({ kind: 'withdraw', status: 'pending' });
    const b = crashAndRestart(a);
    await withdrawIfDue(funds(b), chain.chain, b.provider, options);
    expect(chain.sentOf('withdraw')).toHaveLength(1);
    chain.mine();
    chain.setAutoMine(true);
    await withdrawIfDue(funds(b), chain.chain, b.provider, options);
    expect(chain.sentOf('withdraw')).toHaveLength(1);
    expect(chain.creditOf(ME)).toBe(0n);
  });
});
