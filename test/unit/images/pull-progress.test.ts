import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPullProgressAggregator, throttle } from '../../../electron/agent/images/pull-progress';
import { LAYER_A, LAYER_B, transcriptMessages } from './pull-transcript';

describe('pull progress aggregation', () => {
  it('sums a realistic Docker transcript into layers and bytes, ignoring the cached layer', () => {
    const agg = createPullProgressAggregator();
    for (const m of transcriptMessages()) agg.add(m);
    expect(agg.current()).toEqual({
      layersDone: 3,
      layersTotal: 3,
      bytesDone: LAYER_A.size + LAYER_B.size,
      bytesTotal: LAYER_A.size + LAYER_B.size,
    });
  });

  it('does not count the whole-pull messages ("Pulling from", "Digest", "Status") as layers', () => {
    const agg = createPullProgressAggregator();
    expect(agg.add({ status: 'Pulling from rigshift-test/tiny', layerId: 'latest' })).toBe(false);
    expect(agg.add({ status: 'Digest: sha256:abc' })).toBe(false);
    expect(agg.current()).toEqual({ layersDone: 0, layersTotal: 0, bytesDone: 0, bytesTotal: 0 });
  });

  it('keeps the total unknown until every layer to download has announced its size', () => {
    const agg = createPullProgressAggregator();
    const messages = transcriptMessages();
    // Up to and including the first "Downloading" of layer A: B has not announced its size.
    const firstA = messages.findIndex((m) => m.status === 'Downloading' && m.layerId === LAYER_A.id);
    for (const m of messages.slice(0, firstA + 1)) agg.add(m);
    expect(agg.current()).toEqual({ layersDone: 1, layersTotal: 3, bytesDone: 49152, bytesTotal: null });
    // Once B announces it, the total is both sizes; bytes done are what arrived so far.
    const firstB = messages.findIndex((m) => m.status === 'Downloading' && m.layerId === LAYER_B.id);
    for (const m of messages.slice(firstA + 1, firstB + 1)) agg.add(m);
    expect(agg.current()).toEqual({
      layersDone: 1,
      layersTotal: 3,
      bytesDone: 1378626 + 113798,
      bytesTotal: LAYER_A.size + LAYER_B.size,
    });
  });

  it('commits to announced sizes before their bytes arrive (so a cap trips early)', () => {
    const agg = createPullProgressAggregator();
    agg.add({ status: 'Downloading', layerId: 'a', current: 1000, total: 50_000_000 });
    expect(agg.current().bytesDone).toBe(1000);
    expect(agg.committedBytes()).toBe(50_000_000);
  });

  it('never goes backwards when a layer download is retried', () => {
    const agg = createPullProgressAggregator();
    agg.add({ status: 'Downloading', layerId: 'a', current: 600, total: 1000 });
    agg.add({ status: 'Retrying in 5 seconds', layerId: 'a' });
    agg.add({ status: 'Downloading', layerId: 'a', current: 100, total: 1000 });
    expect(agg.current().bytesDone).toBe(600);
  });

  it('takes the size of a layer too small for any "Downloading" message from its completion', () => {
    const agg = createPullProgressAggregator();
    agg.add({ status: 'Pulling fs layer', layerId: 'tiny' });
    expect(agg.current().bytesTotal).toBeNull();
    agg.add({ status: 'Download complete', layerId: 'tiny' });
    agg.add({ status: 'Pull complete', layerId: 'tiny' });
    expect(agg.current()).toEqual({ layersDone: 1, layersTotal: 1, bytesDone: 0, bytesTotal: 0 });
  });
});

describe('progress throttle', () => {
  afterEach(() => vi.useRealTimers());

  it('passes at most one figure per interval, sends the held-back one when the interval ends, and flushes the last', () => {
    vi.useFakeTimers();
    const sent: number[] = [];
    const t = throttle((v: number) => sent.push(v), 250, () => Date.now());
    for (let i = 1; i <= 100; i += 1) {
      t.push(i);
      vi.advanceTimersByTime(10); // 100 figures over one second
    }
    // 1 s at 4 a second, plus the leading one.
    expect(sent.length).toBeGreaterThanOrEqual(4);
    expect(sent.length).toBeLessThanOrEqual(5);
    expect(sent[0]).toBe(1);
    t.push(101);
    t.flush();
    expect(sent.at(-1)).toBe(101);
    const count = sent.length;
    vi.advanceTimersByTime(1000);
    expect(sent.length).toBe(count); // nothing pending after a flush
  });

  it('cancel drops a held-back figure', () => {
    vi.useFakeTimers();
    const sent: number[] = [];
    const t = throttle((v: number) => sent.push(v), 250, () => Date.now());
    t.push(1);
    t.push(2);
    t.cancel();
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual([1]);
  });
});
