/**
 * A failing upload endpoint (500s, unreachable, refused) through the fakes: retries back off
 * exponentially with jitter (first ≥ 2 s, capped ≥ 5 min), a bounded number of bytes is
 * re-sent, and the commitment is submitted before runBy anyway so the requester's failure
 * never costs the provider its stake; the job says its results are kept locally. An upload
 * host that resolves to a private address is never claimed.
 */
import { describe, expect, it } from 'vitest';
import { checkUploadHost } from '../../../electron/agent/market/result-upload';
import { DELIVERY_POLICY, deliveryDecision, retryDelayMs } from '../../../shared/domain/result-delivery';
import { createHarness } from './provider-harness';

describe('result delivery policy', () => {
  it('backs off from at least 2 s, doubling, capped at 5 min, with jitter', () => {
    expect(retryDelayMs(1, () => 0)).toBe(2000);
    expect(retryDelayMs(2, () => 0)).toBe(4000);
    expect(retryDelayMs(1, () => 1)).toBe(3000);
    expect(retryDelayMs(30, () => 0)).toBe(5 * 60_000);
    const jittered = new Set(Array.from({ length: 20 }, (_, i) => retryDelayMs(3, () => i / 20)));
    expect(jittered.size).toBeGreaterThan(10);
    for (const d of jittered) expect(d).toBeGreaterThanOrEqual(8000);
  });

  it('gives up delivery before runBy, after the attempts or bytes budget, or at once when refused', () => {
    const base = { nowMs: 0, chainNow: 1000, runBy: 5000, attempts: 1, bytesSent: 100, archiveBytes: 100, nextAttemptAt: 0, permanent: false };
    expect(deliveryDecision(base).kind).toBe('upload');
    expect(deliveryDecision({ ...base, nextAttemptAt: 2000 })).toEqual({ kind: 'wait', untilMs: 2000 });
    expect(deliveryDecision({ ...base, chainNow: 5000 - DELIVERY_POLICY.submitBeforeRunBySeconds }).kind).toBe('submit-undelivered');
    expect(deliveryDecision({ ...base, nextAttemptAt: 4_000_000 }).kind).toBe('submit-undelivered');
    expect(deliveryDecision({ ...base, attempts: DELIVERY_POLICY.maxAttempts }).kind).toBe('submit-undelivered');
    expect(deliveryDecision({ ...base, bytesSent: 800 }).kind).toBe('submit-undelivered');
    expect(deliveryDecision({ ...base, permanent: true }).kind).toBe('submit-undelivered');
  });
});

describe('market provider: a failing upload endpoint', () => {
  it('retries a 500 with backoff, not in a loop, and submits anyway before runBy with the results kept', async () => {
    const h = createHarness({ upload: Array(100).fill(500) });
    h.chain.post({ id: '1', runBy: h.chain.time() + 3600 });
    await h.claim('1');
    h.runs[0]!.finish();
    await h.settle();
    expect(h.uploads).toHaveLength(1);
    // Ticks every 40 ms for 35 s (today: 791 uploads in 35 s): the backoff allows a handful.
    for (let t = 0; t < 35_000; t += 40) {
      h.advance(0.04);
      await h.tick();
    }
    expect(h.uploads.length).toBeLessThanOrEqual(5);
    const gaps = h.uploads.slice(1).map((u, i) => u.at - h.uploads[i]!.at);
    expect(gaps[0]).toBeGreaterThanOrEqual(2000);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]!).toBeGreaterThan(gaps[i - 1]!);
    expect(h.job('1')?.state).toBe('uploading');
    expect(h.job('1')?.problem).toMatch(/HTTP 500.*retrying in/);
    // Hours of ticks: the budget runs out (bounded bytes), then the commitment goes on chain before runBy.
    for (let t = 0; t < 3600 && h.job('1')?.state === 'uploading'; t += 5) {
      h.advance(5);
      await h.tick();
    }
    expect(h.uploads.length).toBeLessThanOrEqual(DELIVERY_POLICY.maxAttempts);
    expect((h.extra('1')?.uploadBytesSent ?? 0)).toBeLessThanOrEqual(2048 * DELIVERY_POLICY.maxBytesFactor);
    expect(h.job('1')?.state).toBe('submitted');
    expect(h.chain.jobs.get('1')?.state).toBe('Submitted');
    expect(h.chain.time()).toBeLessThan(h.chain.jobs.get('1')!.runBy);
    expect(h.job('1')?.delivery).toBe('kept-locally');
    expect(h.job('1')?.problem).toMatch(/could not be delivered.*stake is safe.*kept on this computer/);
    expect(h.removed).toHaveLength(0);
  });

  it('an unreachable endpoint close to runBy: submits before the deadline instead of waiting for a retry', async () => {
    const h = createHarness({ upload: Array(10).fill('unreachable') });
    h.chain.post({ id: '1', runBy: h.chain.time() + 200, maxDurationSeconds: 60 });
    await h.claim('1');
    h.advance(60);
    h.runs[0]!.finish();
    await h.settle();
    for (let i = 0; i < 200 && h.job('1')?.state === 'uploading'; i++) {
      h.advance(1);
      await h.tick();
    }
    expect(h.job('1')?.state).toBe('submitted');
    expect(h.chain.time()).toBeLessThan(h.chain.jobs.get('1')!.runBy);
    expect(h.job('1')?.delivery).toBe('kept-locally');
  });

  it('an upload refused at upload time (the host now resolves privately) submits at once', async () => {
    const h = createHarness({ upload: ['refused'] });
    h.chain.post({ id: '1' });
    await h.claim('1');
    h.runs[0]!.finish();
    await h.settle();
    expect(h.uploads).toHaveLength(1);
    expect(h.job('1')?.state).toBe('submitted');
    expect(h.job('1')?.delivery).toBe('kept-locally');
  });

  it('a slow endpoint that finally answers: delivered, submitted once', async () => {
    const h = createHarness({ upload: ['unreachable', 'ok'] });
    h.chain.post({ id: '1' });
    await h.claim('1');
    h.runs[0]!.finish();
    await h.settle();
    h.advance(3);
    await h.tick();
    expect(h.job('1')?.state).toBe('submitted');
    expect(h.job('1')?.delivery).toBe('uploaded');
    expect(h.job('1')?.problem).toBeNull();
  });

  it('never claims a job whose upload host resolves to a private address', async () => {
    const h = createHarness({ dns: { 'nas.example.com': ['192.168.1.20'], 'upload.example.com': ['93.184.216.34'] } });
    h.chain.post({ id: '1' });
    const result = await h.claim('1', 'https://nas.example.com/put');
    expect(result.claimed).toBe(false);
    expect(result.reason).toMatch(/192\.168\.1\.20.*private/);
    expect(h.chain.triedOf('claim')).toHaveLength(0);
    expect(h.job('1')).toBeUndefined();
  });

  it('the real host check refuses loopback and private names off the devnet, allows loopback on it', async () => {
    await expect(checkUploadHost('https://localhost/put', false)).rejects.toThrow(/refused/);
    await expect(checkUploadHost('https://10.1.2.3/put', false)).rejects.toThrow(/refused/);
    await expect(checkUploadHost('http://127.0.0.1:9/put', true)).resolves.toBeUndefined();
    await expect(checkUploadHost('https://host.invalid/put', false)).rejects.toThrow(/refused/);
  });
});
