/**
 * Found by the fault harness (RPC endpoint down for 60 s): while the endpoint was down the
 * market index still showed a job we were uploading as open (it had seen the post, not yet
 * our claim), the bidding loop claimed it again, and the claim replaced our record with a
 * fresh one: the record of a job we ran, submitted and were paid for ended "lost to
 * another provider". A job we hold (any state before it is over for us) is never claimed
 * again, whatever a lagging index says.
 */
import { describe, expect, it } from 'vitest';
import { createHarness } from './provider-harness';

describe('market provider: a stale book never replaces a job we hold', () => {
  it('refuses to claim again a job it is uploading, and keeps its record', async () => {
    const h = createHarness();
    h.chain.post({ id: '1' });
    await h.claim('1');
    h.chain.failNext('submit'); // the endpoint goes down: the job waits in uploading
    h.runs[0]!.finish();
    await h.settle();
    expect(h.job('1')?.state).toBe('uploading');

    const again = await h.claim('1'); // the index still says "open"
    expect(again.claimed).toBe(false);
    expect(h.job('1')?.state).toBe('uploading');
    expect(h.job('1')?.txs.map((t) => t.kind)).toEqual(['claim']);

    await h.tick();
    expect(h.job('1')?.state).toBe('submitted');
    expect(h.chain.sent.map((s) => s.kind)).toEqual(['claim', 'submit']);
  });

  it('refuses while submitted too', async () => {
    const h = createHarness();
    h.chain.post({ id: '1' });
    await h.claim('1');
    h.runs[0]!.finish();
    await h.settle();
    expect(h.job('1')?.state).toBe('submitted');
    expect((await h.claim('1')).claimed).toBe(false);
    expect(h.job('1')?.state).toBe('submitted');
    expect(h.chain.sentOf('claim')).toHaveLength(1);
  });
});
