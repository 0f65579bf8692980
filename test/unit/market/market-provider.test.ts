/**
 * The provider's job machine through fakes only (no chain process, no Docker): every
 * transition of the happy path, releases, losses, RPC failures, and the record each step
 * leaves persisted before its effect.
 */
import { describe, expect, it } from 'vitest';
import { restartNote } from '../../../shared/domain/job-restarts';
import { createHarness, ME } from './provider-harness';

describe('market provider: transitions through the fake chain', () => {
  it('claims, runs, uploads, submits and settles, each step logged and persisted', async () => {
    const h = createHarness();
    h.chain.post({ id: '1' });
    await h.claim('1');
    expect(h.job('1')?.state).toBe('running');
    expect(h.chain.jobs.get('1')?.provider).toBe(ME);
    h.runs[0]!.finish('completed');
    await h.settle();
    expect(h.job('1')?.state).toBe('submitted');
    expect(h.job('1')?.delivery).toBe('uploaded');
    expect(h.uploads).toHaveLength(1);
    expect(h.chain.sent.map((s) => s.kind)).toEqual(['claim', 'submit']);
    expect(h.job('1')?.txs.map((t) => [t.kind, t.status, t.nonce])).toEqual([['claim', 'confirmed', 0], ['submit', 'confirmed', 1]]);
    // Each transition is logged, and the record that went to disk says the new state.
    const transitions = h.log.filter((e) => e.message === 'market job transition').map((e) => `${e.fields?.from}>${e.fields?.to}`);
    expect(transitions).toEqual(['seen>claiming', 'claiming>claimed', 'claimed>running', 'running>uploading', 'uploading>submitted']);
    expect(h.records.store.get('1')?.record.state).toBe('submitted');
    // The challenge window passes: finalize, settled, retention clock started.
    h.advance(601);
    await h.tick();
    expect(h.chain.jobs.get('1')?.state).toBe('Settled');
    expect(h.job('1')?.state).toBe('settled');
    expect(h.job('1')?.resultsRemoveAt).toBe(new Date(h.chain.time() * 1000 + 7 * 24 * 3600_000).toISOString());
  });

  it('never claims (nor runs) again a job it is still working on, when a stale book still shows it open', async () => {
    // The book lags the chain: right after a claim is mined the log may not have read its
    // block yet. A run that ended (device free, job uploading) must not make the job a
    // candidate again: that sent a second claim, reconciled it as "claimed by us" and ran
    // the same job twice (seen in the post → running bench).
    const h = createHarness({ upload: [500] });
    h.chain.post({ id: '1' });
    await h.claim('1');
    h.runs[0]!.finish('completed');
    await h.flush();
    expect(h.job('1')?.state).toBe('uploading');
    const again = await h.claim('1');
    expect(again.claimed).toBe(false);
    await h.settle();
    expect(h.runs).toHaveLength(1);
    expect(h.chain.sentOf('claim')).toHaveLength(1);
    expect(h.job('1')?.state).not.toBe('claiming');
  });

  it('does not finalize a job the requester accepted: reads the chain first', async () => {
    const h = createHarness();
    h.chain.post({ id: '1' });
    await h.claim('1');
    h.runs[0]!.finish();
    await h.settle();
    h.chain.accept('1');
    h.advance(601);
    await h.tick();
    expect(h.job('1')?.state).toBe('settled');
    expect(h.chain.sentOf('finalize')).toHaveLength(0);
  });

  it('marks a claim lost to another provider, and a claim that could not be sent as failed', async () => {
    const h = createHarness();
    h.chain.post({ id: '1' });
    h.chain.claimAsOther('1');
    await h.claim('1'); // reverts at estimate: the chain says who holds it
    expect(h.job('1')?.state).toBe('lost-to-other');
    h.chain.post({ id: '2' });
    h.chain.failNext('claim');
    await h.claim('2');
    expect(h.job('2')?.state).toBe('failed-to-claim');
    expect(h.job('2')?.message).toMatch(/ECONNREFUSED/);
  });

  it('a claim mined as reverted is reconciled: lost to the provider that got it', async () => {
    const h = createHarness();
    h.chain.post({ id: '1' });
    h.chain.setAutoMine(false);
    const claiming = h.claim('1');
    await new Promise((r) => setImmediate(r));
    h.chain.claimAsOther('1');
    h.chain.mine();
    await claiming;
    expect(h.job('1')?.state).toBe('lost-to-other');
    expect(h.job('1')?.txs[0]?.status).toBe('failed');
  });

  it('a preemptible job interrupted is released and paid for the time served', async () => {
    const h = createHarness();
    h.chain.post({ id: '1', preemptible: true });
    await h.claim('1');
    h.advance(30);
    h.runs[0]!.finish('preempted', 20_000);
    await h.settle();
    expect(h.job('1')?.state).toBe('released');
    expect(h.job('1')?.billedSeconds).toBe(20);
    expect(h.chain.jobs.get('1')?.state).toBe('Open');
  });

  it('a job that is not preemptible runs again after an interruption', async () => {
    const h = createHarness();
    h.chain.post({ id: '1' });
    await h.claim('1');
    h.runs[0]!.finish('preempted', 47_000);
    await h.settle();
    expect(h.runs).toHaveLength(2);
    expect(h.job('1')?.state).toBe('running');
    expect(h.extra('1')?.localJobIds).toHaveLength(2);
    // It started from scratch, and the job says so, with the unpaid run time lost.
    expect(h.job('1')?.restarts).toEqual({ count: 1, lostSeconds: 47 });
    const interrupted = h.log.find((e) => e.message === 'market job transition' && e.fields?.to === 'claimed' && e.fields?.from === 'running');
    expect(interrupted).toBeDefined();
    h.runs[1]!.finish('preempted', 13_000);
    await h.settle();
    expect(h.job('1')?.restarts).toEqual({ count: 2, lostSeconds: 60 });
    expect(restartNote(h.job('1')!.restarts!)).toBe('Restarted from the beginning 2 times (not preemptible): 1 min 00 s of unpaid work lost.');
  });

  it('survives RPC failures at every step: retried on the next tick, no transaction repeated', async () => {
    const h = createHarness();
    h.chain.post({ id: '1' });
    h.chain.failNext('readJob'); // the read after the claim is mined
    await h.claim('1');
    expect(h.job('1')?.state).toBe('claiming');
    await h.tick(); // reconciles: the chain says claimed by us
    expect(h.job('1')?.state).toBe('running');
    h.chain.failNext('now');
    h.runs[0]!.finish();
    await h.settle();
    expect(h.job('1')?.state).toBe('uploading');
    h.chain.failNext('submit');
    await h.tick();
    expect(h.job('1')?.state).toBe('uploading');
    expect(h.job('1')?.delivery).toBe('uploaded');
    h.chain.failNext('readJob'); // the read after the submit is mined
    await h.tick();
    expect(h.job('1')?.state).toBe('submitted');
    h.advance(601);
    h.chain.failNext('finalize');
    await h.tick();
    expect(h.job('1')?.state).toBe('submitted');
    await h.tick();
    expect(h.job('1')?.state).toBe('settled');
    expect(h.chain.sent.map((s) => s.kind)).toEqual(['claim', 'submit', 'finalize']);
    expect(h.uploads).toHaveLength(1);
  });

  it('a send the chain refuses (reverts at estimate) is reconciled, not retried', async () => {
    const h = createHarness();
    h.chain.post({ id: '1' });
    await h.claim('1');
    h.chain.setState('1', 'Open');
    h.runs[0]!.finish();
    await h.settle();
    expect(h.job('1')?.state).toBe('released');
    await h.tick();
    expect(h.chain.sentOf('submit')).toHaveLength(0);
  });

  it('a refund after runBy is applied from the chain (the job was given up)', async () => {
    const h = createHarness();
    h.chain.post({ id: '1', runBy: h.chain.time() + 100 });
    await h.claim('1');
    expect(h.extra('1')?.gaveUp).toBe(true); // cannot finish before runBy
    h.advance(200);
    h.chain.refund('1');
    await h.provider.applyChainEvent('1', 'refunded', { message: 'Refunded' });
    expect(h.job('1')?.state).toBe('refunded');
  });

  it('ignores a late event that has no row in the table (a settled job stays settled)', async () => {
    const h = createHarness();
    h.chain.post({ id: '1' });
    await h.claim('1');
    h.runs[0]!.finish();
    await h.settle();
    h.chain.accept('1');
    await h.provider.applyChainEvent('1', 'settled', { grossMicros: '100', feeMicros: '2' });
    expect(await h.provider.applyChainEvent('1', 'released')).toBe(false);
    expect(h.job('1')?.state).toBe('settled');
    expect(h.job('1')?.grossMicros).toBe('100');
  });

  it('gives a job back at the owner\'s request: the run is cancelled, then released', async () => {
    const h = createHarness();
    h.chain.post({ id: '1', preemptible: true });
    await h.claim('1');
    expect(h.job('1')?.state).toBe('running');
    await h.provider.requestRelease('1');
    await h.settle();
    expect(h.job('1')?.state).toBe('released');
    expect(h.chain.jobs.get('1')?.state).toBe('Open');
  });

  it('releases a preemptible job at once when its device is taken before it starts', async () => {
    const h = createHarness();
    h.chain.post({ id: '1', preemptible: true });
    h.setDeviceFree(false);
    await h.claim('1');
    expect(h.job('1')?.state).toBe('released');
    expect(h.chain.sentOf('release')).toHaveLength(1);
  });
});
