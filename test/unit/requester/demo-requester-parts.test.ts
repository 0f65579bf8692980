import { createHash } from 'node:crypto';
import tarStream from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { validateJobSpec } from '../../../shared/domain/job-spec-validation';
import { outputsDigest } from '../../../shared/domain/market-job';
import { DEMO_DURATION_MARGIN_SECONDS, DEMO_PRICE_RANGE_MICROS, DEMO_STARTER_WORK_SECONDS, deterministicRounds, planDemoJob } from '../../../electron/agent/requester/demo-job-mix';
import { mayDispute } from '../../../electron/agent/requester/demo-requester-v2';
import { escrowFor } from '../../../electron/agent/requester/post-job';
import { requesterRuleOf } from '../../../electron/agent/market-v2/v2-requester-rule';
import { DEFAULT_SETTINGS } from '../../../shared/domain/settings';
import { readTarFiles } from '../../../electron/agent/requester/tar-reader';
import { manifestOf } from '../../../electron/agent/requester/upload-server';

const CPU = `rigshift/demo-job@sha256:${'1'.repeat(64)}`;
const GPU = `rigshift/bench-gpu@sha256:${'2'.repeat(64)}`;

/** A small seeded generator, so the mix is checked over many draws but reproducibly. */
function seeded(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

async function tarOf(entries: Array<{ name: string; body?: string; type?: 'directory' | 'symlink' }>, pax = false): Promise<Buffer> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c) => chunks.push(c as Buffer));
  const done = new Promise<void>((r) => pack.on('end', () => r()));
  for (const e of entries) {
    if (e.type === 'directory') pack.entry({ name: e.name, type: 'directory' });
    else if (e.type === 'symlink') pack.entry({ name: e.name, type: 'symlink', linkname: 'x' });
    else pack.entry({ name: e.name, size: Buffer.byteLength(e.body ?? ''), ...(pax ? { pax: { comment: 'x' } } : {}) }, e.body ?? '');
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

describe('demo job mix', () => {
  it('plans valid CPU jobs of 10-90 s, prices across 0.05-0.60 USD/h, some preemptible, no GPU jobs without a GPU', () => {
    const random = seeded(7);
    const plans = Array.from({ length: 300 }, (_, i) => planDemoJob(random, { cpu: CPU, gpu: null }, i + 1));
    for (const plan of plans) {
      expect(validateJobSpec(plan.spec)).toMatchObject({ ok: true });
      expect(plan.spec.resources.gpus).toBe(0);
      expect(plan.workSeconds).toBeGreaterThanOrEqual(10);
      expect(plan.workSeconds).toBeLessThanOrEqual(90);
      expect(plan.maxDurationSeconds).toBe(plan.spec.maxDurationSeconds);
      expect(plan.spec.command).toEqual([plan.workload, String(plan.workSeconds)]);
      expect(Number(plan.maxPricePerHourMicros)).toBeGreaterThanOrEqual(DEMO_PRICE_RANGE_MICROS.min);
      expect(Number(plan.maxPricePerHourMicros)).toBeLessThanOrEqual(DEMO_PRICE_RANGE_MICROS.max);
    }
    expect(new Set(plans.map((p) => p.workload))).toEqual(new Set(['hash', 'compress', 'primes']));
    const preemptible = plans.filter((p) => p.preemptible).length / plans.length;
    expect(preemptible).toBeGreaterThan(0.1);
    expect(preemptible).toBeLessThan(0.4);
    const prices = plans.map((p) => Number(p.maxPricePerHourMicros));
    expect(Math.min(...prices)).toBeLessThan(150_000);
    expect(Math.max(...prices)).toBeGreaterThan(500_000);
  });

  it('mixes in valid GPU jobs when a GPU image is given', () => {
    const random = seeded(11);
    const plans = Array.from({ length: 100 }, (_, i) => planDemoJob(random, { cpu: CPU, gpu: GPU }, i + 1));
    const gpu = plans.filter((p) => p.spec.resources.gpus === 1);
    expect(gpu.length).toBeGreaterThan(10);
    for (const plan of gpu) {
      expect(plan.spec.image).toBe(GPU);
      expect(validateJobSpec(plan.spec)).toMatchObject({ ok: true });
    }
  });
});

describe('starter jobs (posted until the first claim: time to first money)', () => {
  it('are short CPU jobs at the top of the price range, never preemptible, even where a GPU exists', () => {
    const random = seeded(5);
    for (let i = 1; i <= 50; i++) {
      const plan = planDemoJob(random, { cpu: CPU, gpu: GPU }, i, { starter: true });
      expect(validateJobSpec(plan.spec)).toMatchObject({ ok: true });
      expect(plan.spec.image).toBe(CPU);
      expect(plan.spec.command).toEqual(['hash', String(DEMO_STARTER_WORK_SECONDS)]);
      expect(plan.workSeconds).toBe(DEMO_STARTER_WORK_SECONDS);
      expect(plan.preemptible).toBe(false);
      expect(plan.maxPricePerHourMicros).toBe(BigInt(DEMO_PRICE_RANGE_MICROS.max));
      expect(plan.description).toMatch(/starter job/);
    }
  });
});

describe('deterministic jobs (replicated or disputed on a v2 market)', () => {
  it('are CPU hash or primes jobs for a fixed number of rounds, never GPU, never preemptible', () => {
    const random = seeded(13);
    const plans = Array.from({ length: 60 }, (_, i) => planDemoJob(random, { cpu: CPU, gpu: GPU }, i + 1, { deterministic: true }));
    for (const plan of plans) {
      expect(validateJobSpec(plan.spec)).toMatchObject({ ok: true });
      expect(plan.spec.image).toBe(CPU);
      expect(plan.preemptible).toBe(false);
      expect(['hash', 'primes']).toContain(plan.workload);
      expect(plan.spec.command).toEqual([plan.workload, String(plan.workSeconds), `rounds=${deterministicRounds(plan.workload, plan.workSeconds)}`]);
      expect(plan.description).toMatch(/fixed rounds \(deterministic\)/);
      // A CPU twice as slow as planned still finishes within the billing cap.
      expect(plan.maxDurationSeconds).toBe(2 * plan.workSeconds + DEMO_DURATION_MARGIN_SECONDS);
    }
    expect(new Set(plans.map((p) => p.workload))).toEqual(new Set(['hash', 'primes']));
  });
});

describe('demo disputes (every one of them lost: the demo providers are honest)', () => {
  it('stop before the requester would be refused by the providers\' default rule', () => {
    const limit = requesterRuleOf(DEFAULT_SETTINGS).maxDisputesLost;
    // Disputing while it has lost `limit` would make it lose limit + 1: refused ("more than limit").
    expect(mayDispute(limit - 1, 0)).toBe(true);
    expect(mayDispute(limit, 0)).toBe(false);
    // A dispute still open will be lost too.
    expect(mayDispute(limit - 1, 1)).toBe(false);
    expect(mayDispute(0, 0)).toBe(true);
  });
});

describe('uploaded results', () => {
  it('reads the regular files of a tar (also long and pax names) and hashes them into the outputs digest', async () => {
    const long = `${'n'.repeat(120)}.txt`;
    const archive = await tarOf([
      { name: 'out', type: 'directory' },
      { name: './digest.txt', body: 'abc\n' },
      { name: long, body: 'long name' },
      { name: 'link', type: 'symlink' },
      { name: 'empty.bin', body: '' },
    ]);
    const files = readTarFiles(archive);
    expect(files.map((f) => f.name)).toEqual(['digest.txt', long, 'empty.bin']);
    const manifest = manifestOf(archive);
    expect(manifest[0]).toEqual({ name: 'digest.txt', sizeBytes: 4, sha256: createHash('sha256').update('abc\n').digest('hex') });
    // The digest does not depend on the order of files in the tar.
    const reordered = await tarOf([{ name: 'empty.bin', body: '' }, { name: long, body: 'long name' }, { name: 'digest.txt', body: 'abc\n' }], true);
    expect(outputsDigest(manifestOf(reordered))).toBe(outputsDigest(manifest));
  });

  it('refuses a damaged archive', async () => {
    const archive = await tarOf([{ name: 'a.txt', body: 'hello' }]);
    const damaged = Buffer.from(archive);
    damaged[0] = damaged[0]! ^ 0xff;
    expect(() => readTarFiles(damaged)).toThrow(/checksum/);
    expect(() => readTarFiles(archive.subarray(0, 514))).toThrow(/truncated/);
  });
});

describe('escrow', () => {
  it('rounds up, toward the requester paying the full cap', () => {
    expect(escrowFor(360_000n, 180)).toBe(18_000n);
    expect(escrowFor(1n, 1)).toBe(1n);
    expect(escrowFor(100_000n, 37)).toBe(1028n); // 1027.7…
  });
});
