import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PriceSettings } from '../../../shared/domain/controls';
import {
  askFor,
  type EvaluationDevice,
  type EvaluationInput,
  evaluateMarketJob,
  parseMarketDocument,
  uploadUrlProblem,
} from '../../../shared/domain/market-evaluation';
import { checkAsk, effectiveFloor } from '../../../shared/domain/price-floor';

const IMAGE = `rigshift-test/job@sha256:${'a'.repeat(64)}`;
const NOW = 1_800_000_000;

function spec(over: Record<string, unknown> = {}) {
  return {
    version: 1,
    name: 'render',
    image: IMAGE,
    command: ['sh', '-c', 'echo hi > /workspace/out/a.txt'],
    inputs: [],
    outputs: { maxTotalBytes: 1024 * 1024, maxFiles: 10 },
    resources: { gpus: 0, minVramMiB: 0, cpus: 1, memoryMiB: 256, scratchMiB: 0 },
    maxDurationSeconds: 600,
    preemptible: false,
    ...over,
  };
}

function doc(over: Record<string, unknown> = {}, jobOver: Record<string, unknown> = {}) {
  return JSON.stringify({ kind: 'rigshift-job', version: 1, job: spec(jobOver), upload: { url: 'https://results.example.com/put/1' }, ...over });
}

const price = (floor: bigint, breakEven = false): PriceSettings => ({
  floorMicrosPerHour: floor.toString(),
  electricityMicrosPerKwh: '180000',
  systemOverheadW: 90,
  neverBelowBreakEven: breakEven,
  marginPercent: 10,
});

const cpu = (over: Partial<EvaluationDevice> = {}): EvaluationDevice => ({
  deviceId: 'cpu',
  kind: 'cpu',
  name: 'CPU',
  vramMiB: null,
  fp32Tflops: null,
  powerW: 0,
  admission: { ok: true },
  busy: false,
  ...over,
});

const gpu = (over: Partial<EvaluationDevice> = {}): EvaluationDevice => ({
  deviceId: 'GPU-1',
  kind: 'gpu',
  name: 'RTX 4090',
  vramMiB: 24_576,
  fp32Tflops: 80,
  powerW: 450,
  admission: { ok: true },
  busy: false,
  ...over,
});

function input(over: Partial<EvaluationInput> = {}, text = doc()): EvaluationInput {
  return {
    job: {
      requester: '0x1111111111111111111111111111111111111111',
      maxPricePerHour: 500_000n,
      maxDurationSeconds: 600,
      claimBy: NOW + 600,
      runBy: NOW + 3600,
      preemptible: false,
      open: true,
    },
    document: parseMarketDocument(text),
    devices: [cpu()],
    machine: { cpus: 8, memoryMiB: 16_384 },
    price: price(200_000n),
    market: { blockedRequesters: [], imageAllowList: [], imageDenyList: [] },
    allowEgress: false,
    isDevnet: false,
    nowSeconds: NOW,
    ...over,
  };
}

describe('evaluateMarketJob', () => {
  it('fits a plain CPU job and asks exactly the owner floor', () => {
    const verdict = evaluateMarketJob(input());
    expect(verdict).toEqual({ fits: true, reasons: [], ask: 200_000n, deviceId: 'cpu' });
  });

  it('asks 1 micro when the floor is zero (the contract needs ask > 0)', () => {
    expect(evaluateMarketJob(input({ price: price(0n) })).ask).toBe(1n);
  });

  const refusals: Array<[string, Partial<EvaluationInput> | ((i: EvaluationInput) => EvaluationInput), RegExp]> = [
    ['max price below the floor', (i) => ({ ...i, job: { ...i.job, maxPricePerHour: 199_999n } }), /below your floor of 0\.20 USD\/h/],
    ['not open', (i) => ({ ...i, job: { ...i.job, open: false } }), /not open/],
    ['blocked requester (any case)', { market: { blockedRequesters: ['0x1111111111111111111111111111111111111111'.toUpperCase().replace('0X', '0x')], imageAllowList: [], imageDenyList: [] } }, /blocked this requester/],
    ['image on the deny list', { market: { blockedRequesters: [], imageAllowList: [], imageDenyList: ['rigshift-test/'] } }, /deny list/],
    ['image not on the allow list', { market: { blockedRequesters: [], imageAllowList: ['docker.io/nvidia/'], imageDenyList: [] } }, /not on your allow list/],
    ['claim deadline too close', (i) => ({ ...i, job: { ...i.job, claimBy: NOW + 5 } }), /claim deadline/],
    ['cannot finish before runBy', (i) => ({ ...i, job: { ...i.job, runBy: NOW + 600 } }), /run deadline/],
    ['spec longer than the chain pays', (i) => ({ ...i, job: { ...i.job, maxDurationSeconds: 300 } }), /at most 300 s/],
    ['preemptible mismatch', (i) => ({ ...i, job: { ...i.job, preemptible: true } }), /preemptible/],
    ['device paused by availability', { devices: [cpu({ admission: { ok: false, reason: 'Paused: a game is running' } })] }, /a game is running/],
    ['device busy', { devices: [cpu({ busy: true })] }, /already runs a market job/],
    ['too many CPUs', { machine: { cpus: 0.5, memoryMiB: 16_384 } }, /CPUs/],
    ['too much memory', { machine: { cpus: 8, memoryMiB: 128 } }, /MiB of memory/],
    ['GPU job on a CPU-only machine', (i) => ({ ...i, document: parseMarketDocument(doc({}, { resources: { gpus: 1, minVramMiB: 0, cpus: 1, memoryMiB: 256, scratchMiB: 0 } })) }), /NVIDIA GPU/],
    ['plain-http upload on a real network', (i) => ({ ...i, document: parseMarketDocument(doc({ upload: { url: 'http://results.example.com/x' } })) }), /https/],
    ['upload to the LAN', (i) => ({ ...i, document: parseMarketDocument(doc({ upload: { url: 'https://192.168.1.5/x' } })) }), /private/],
    ['egress not allowed', (i) => ({ ...i, document: parseMarketDocument(doc({}, { network: 'egress' })) }), /internet/],
    ['not JSON', (i) => ({ ...i, document: parseMarketDocument('{nope') }), /not JSON/],
    ['unsafe spec (privileged)', (i) => ({ ...i, document: parseMarketDocument(doc({}, { privileged: true })) }), /privileges/],
    ['wrong document kind', (i) => ({ ...i, document: parseMarketDocument(doc({ kind: 'other' })) }), /job document/],
  ];

  it('a paused device says it is paused, not that it already runs a market job (issue 13)', () => {
    const verdict = evaluateMarketJob(input({ devices: [cpu({ busy: true, admission: { ok: false, reason: 'Paused by you until 15:00' } })] }));
    expect(verdict.fits).toBe(false);
    expect(verdict.reasons[0]).toMatch(/Paused by you/);
    expect(verdict.reasons.join(' | ')).not.toMatch(/already runs a market job/);
  });

  it.each(refusals)('refuses: %s', (_name, change, reason) => {
    const base = input();
    const next = typeof change === 'function' ? change(base) : { ...base, ...change };
    const verdict = evaluateMarketJob(next);
    expect(verdict.fits).toBe(false);
    expect(verdict.reasons.join(' | ')).toMatch(reason);
  });

  it('takes a GPU job on a GPU with enough VRAM and benchmark, at the break-even floor of that GPU', () => {
    const gpuDoc = doc({ requirements: { minFp32Tflops: 50 } }, { resources: { gpus: 1, minVramMiB: 16_000, cpus: 1, memoryMiB: 256, scratchMiB: 0 } });
    const p = price(100_000n, true);
    const verdict = evaluateMarketJob(input({ devices: [cpu(), gpu()], price: p }, gpuDoc));
    expect(verdict.fits).toBe(true);
    expect(verdict.deviceId).toBe('GPU-1');
    expect(verdict.ask).toBe(effectiveFloor(p, 450).floorMicrosPerHour);
    const small = evaluateMarketJob(input({ devices: [gpu({ vramMiB: 8192 })] }, gpuDoc));
    expect(small.reasons.join()).toMatch(/VRAM/);
    const slow = evaluateMarketJob(input({ devices: [gpu({ fp32Tflops: null })] }, gpuDoc));
    expect(slow.reasons.join()).toMatch(/no benchmark/);
  });

  it('allows loopback http uploads only on the devnet', () => {
    expect(uploadUrlProblem('http://127.0.0.1:9000/x', true)).toBeNull();
    expect(uploadUrlProblem('http://localhost:9000/x', true)).toBeNull();
    expect(uploadUrlProblem('http://127.0.0.1:9000/x', false)).toMatch(/https/);
    expect(uploadUrlProblem('https://127.0.0.1/x', false)).toMatch(/loopback/);
    expect(uploadUrlProblem('https://localhost/x', false)).toMatch(/this computer/);
    expect(uploadUrlProblem('https://10.0.0.1/x', true)).toMatch(/private/);
    expect(uploadUrlProblem('https://user:pw@example.com/x', false)).toMatch(/password/);
    expect(uploadUrlProblem('https://example.com/x', false)).toBeNull();
  });
});

describe('evaluateMarketJob properties', () => {
  const micros = fc.bigInt({ min: 0n, max: 10_000_000n });
  it('never fits with an ask below the effective floor, nor above the max price', () => {
    fc.assert(
      fc.property(micros, micros, fc.boolean(), fc.integer({ min: 0, max: 1000 }), fc.boolean(), (floor, max, breakEven, watts, useGpu) => {
        const p = price(floor, breakEven);
        const gpuDoc = doc({}, { resources: { gpus: useGpu ? 1 : 0, minVramMiB: 0, cpus: 1, memoryMiB: 256, scratchMiB: 0 } });
        const base = input({ price: p, devices: [cpu(), gpu({ powerW: watts })] }, gpuDoc);
        const verdict = evaluateMarketJob({ ...base, job: { ...base.job, maxPricePerHour: max } });
        if (!verdict.fits) return;
        const device = useGpu ? watts : 0;
        expect(verdict.ask).not.toBeNull();
        const ask = verdict.ask as bigint;
        expect(checkAsk(ask, p, device).ok).toBe(true);
        expect(ask).toBeLessThanOrEqual(max);
        expect(ask).toBe(askFor(p, device));
        expect(max).toBeGreaterThanOrEqual(effectiveFloor(p, device).floorMicrosPerHour);
      }),
      { numRuns: 500 },
    );
  });

  it('fits exactly when the max price reaches the floor (everything else fitting)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10_000_000n }), micros, (floor, max) => {
        const base = input({ price: price(floor) });
        const verdict = evaluateMarketJob({ ...base, job: { ...base.job, maxPricePerHour: max } });
        expect(verdict.fits).toBe(max >= floor);
      }),
      { numRuns: 300 },
    );
  });

  it('a blocked requester is never fitting, whatever the price', () => {
    fc.assert(
      fc.property(micros, (max) => {
        const base = input({ price: price(0n), market: { blockedRequesters: ['0x1111111111111111111111111111111111111111'], imageAllowList: [], imageDenyList: [] } });
        expect(evaluateMarketJob({ ...base, job: { ...base.job, maxPricePerHour: max } }).fits).toBe(false);
      }),
      { numRuns: 100 },
    );
  });
});
