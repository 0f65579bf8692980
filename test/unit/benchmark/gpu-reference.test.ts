import { describe, expect, it } from 'vitest';
import type { Comparison, Metric } from '../../../shared/domain/benchmark';
import {
  benchmarkWarnings,
  compareToReference,
  lookupGpuSpec,
  performanceRatio,
  suggestCpuPrice,
  suggestGpuPrice,
  suggestPrice,
  verdictFor,
} from '../../../shared/domain/gpu-reference';

const metric = (id: Metric['id'], value: number, unit = 'TFLOP/s'): Metric => ({ id, label: id, unit, value });

describe('lookupGpuSpec', () => {
  it.each([
    ['NVIDIA GeForce RTX 4090', null, 'RTX 4090', 1008],
    ['NVIDIA GeForce RTX 4060 Ti', 16380, 'RTX 4060 Ti', 288],
    ['NVIDIA GeForce RTX 4060', 8188, 'RTX 4060', 272],
    ['NVIDIA GeForce RTX 3060', 12288, 'RTX 3060', 360],
    ['NVIDIA GeForce RTX 3060', 8192, 'RTX 3060', 240],
    ['NVIDIA GeForce RTX 3080', 12288, 'RTX 3080', 912],
    ['NVIDIA GeForce RTX 3080', 10240, 'RTX 3080', 760],
    ['NVIDIA A100-SXM4-80GB', null, 'A100 80GB', 2039],
    ['NVIDIA A100-PCIE-40GB', null, 'A100 40GB', 1555],
    ['NVIDIA H100 80GB HBM3', null, 'H100 SXM', 3350],
    ['NVIDIA H100 PCIe', null, 'H100 PCIe', 2000],
    ['NVIDIA GeForce RTX 5090', 32607, 'RTX 5090', 1792],
  ])('%s (%s MiB) -> %s', (name, vram, model, bw) => {
    const spec = lookupGpuSpec(name, vram);
    expect(spec?.model).toBe(model);
    expect(spec?.memBandwidthGBs).toBe(bw);
  });

  it.each(['NVIDIA GeForce RTX 4090 Laptop GPU', 'NVIDIA GeForce RTX 4070 SUPER', 'NVIDIA GeForce GTX 1080 Ti', 'Tesla T4', 'AMD Radeon RX 7900'])(
    '%s has no reference',
    (name) => {
      expect(lookupGpuSpec(name)).toBeNull();
    },
  );
});

describe('compareToReference', () => {
  it('uses peak x expected fraction and grades each metric', () => {
    const comparisons = compareToReference('NVIDIA GeForce RTX 4090', [
      metric('fp16_tflops', 160),
      metric('bf16_tflops', 120),
      metric('fp32_tflops', 30),
      metric('mem_bw_gbps', 900, 'GB/s'),
      metric('h2d_gbps', 24, 'GB/s'),
      metric('cpu_fp32_gflops', 70, 'GFLOP/s'),
    ], { pcie: { genMax: 4, widthMax: 16 } });
    const byId = Object.fromEntries(comparisons.map((c) => [c.metricId, c]));
    expect(byId.fp16_tflops).toEqual({ metricId: 'fp16_tflops', measured: 160, reference: 165.2, peak: 165.2, unit: 'TFLOP/s', fraction: 0.9685, verdict: 'ok' });
    expect(byId.bf16_tflops?.verdict).toBe('low'); // 120 / 165.2 = 0.73
    expect(byId.fp32_tflops?.reference).toBeCloseTo(82.6 * 0.68, 3);
    expect(byId.fp32_tflops?.verdict).toBe('failing'); // 30 / 56.2 = 0.53
    expect(byId.mem_bw_gbps?.reference).toBeCloseTo(1008 * 0.88, 3);
    expect(byId.mem_bw_gbps?.verdict).toBe('ok');
    expect(byId.h2d_gbps?.peak).toBeCloseTo(31.504, 3);
    expect(byId.h2d_gbps?.verdict).toBe('ok'); // 24 / 25.2
    expect(byId).not.toHaveProperty('cpu_fp32_gflops');
  });

  it('skips PCIe without link information and returns nothing for unknown cards', () => {
    expect(compareToReference('NVIDIA GeForce RTX 3090', [metric('h2d_gbps', 20, 'GB/s')])).toEqual([]);
    expect(compareToReference('Quadro P400', [metric('fp16_tflops', 1)])).toEqual([]);
  });

  it.each([
    [0.69, 'failing'],
    [0.7, 'low'],
    [0.849, 'low'],
    [0.85, 'ok'],
    [1.1, 'ok'],
  ] as const)('verdict for %d is %s', (fraction, verdict) => {
    expect(verdictFor(fraction)).toBe(verdict);
  });
});

const cmp = (metricId: Comparison['metricId'], fraction: number): Comparison => ({
  metricId,
  measured: fraction,
  reference: 1,
  peak: 1,
  unit: 'x',
  fraction,
  verdict: verdictFor(fraction),
});

describe('benchmarkWarnings', () => {
  const base = { kind: 'gpu' as const, hasReference: true, comparisons: [], integrity: [], telemetry: [] };

  it('is empty for a healthy run', () => {
    expect(benchmarkWarnings({ ...base, comparisons: [cmp('fp16_tflops', 1)], power: { default: 450, enforced: 450 } })).toEqual([]);
  });

  it.each([
    ['throttled', { telemetry: [{ t: 0, throttleReasons: ['gpu_idle'] }, { t: 500, throttleReasons: ['sw_power_cap', 'hw_thermal_slowdown'] }] }],
    ['power-limited', { power: { default: 450, enforced: 300 } }],
    ['pcie-narrow', { pcieUnderLoad: { genCurrent: 4, genMax: 4, widthCurrent: 8, widthMax: 16 } }],
    ['pcie-narrow', { pcieUnderLoad: { genCurrent: 3, genMax: 4, widthCurrent: 16, widthMax: 16 } }],
    ['underperforming', { comparisons: [cmp('mem_bw_gbps', 0.8)] }],
    ['integrity', { integrity: [{ name: 'vram-pattern' as const, bytesChecked: 2 ** 30, errors: 12, ok: false }] }],
    ['no-reference', { hasReference: false }],
  ])('flags %s', (code, extra) => {
    const warnings = benchmarkWarnings({ ...base, ...extra });
    expect(warnings.map((w) => w.code)).toEqual([code]);
    expect(warnings[0]?.message.length).toBeGreaterThan(10);
  });

  it('names the throttle reasons and ignores idle ones', () => {
    const [w] = benchmarkWarnings({ ...base, telemetry: [{ t: 0, throttleReasons: ['gpu_idle', 'sw_power_cap'] }] });
    expect(w?.message).toContain('sw_power_cap');
    expect(w?.message).not.toContain('gpu_idle');
    expect(benchmarkWarnings({ ...base, telemetry: [{ t: 0, throttleReasons: ['gpu_idle'] }] })).toEqual([]);
  });

  it('does not ask for a reference on the CPU workload', () => {
    expect(benchmarkWarnings({ ...base, kind: 'cpu', hasReference: false })).toEqual([]);
  });

  it('mentions throttling on a failing metric when it was throttled', () => {
    const warnings = benchmarkWarnings({ ...base, comparisons: [cmp('fp16_tflops', 0.5)], telemetry: [{ t: 0, throttleReasons: ['hw_slowdown'] }] });
    expect(warnings.find((w) => w.code === 'underperforming')?.message).toContain('throttling');
  });
});

describe('prices', () => {
  it.each([
    ['at reference', 1.0, 0.31],
    ['overclocked, capped at +5%', 1.3, 0.326],
    ['slow, floored at -15%', 0.5, 0.264],
    ['slightly slow', 0.9, 0.279],
  ])('RTX 4090 %s', (_what, fraction, price) => {
    const p = suggestGpuPrice('NVIDIA GeForce RTX 4090', [cmp('fp16_tflops', fraction), cmp('mem_bw_gbps', fraction)]);
    expect(p?.usdPerHour).toBeCloseTo(price, 3);
    expect(p?.basis).toContain('2026-06');
  });

  it('estimates unpriced models from tensor throughput and says so', () => {
    const p = suggestGpuPrice('NVIDIA GeForce RTX 4070', []);
    expect(p?.usdPerHour).toBeCloseTo(58.3 * 0.00254, 3);
    expect(p?.basis).toContain('no market price');
  });

  it('has no price for unknown cards', () => {
    expect(suggestGpuPrice('Some GPU', [])).toBeNull();
  });

  it('weights the performance ratio geometrically', () => {
    expect(performanceRatio([cmp('mem_bw_gbps', 1), cmp('fp32_tflops', 0.5)])).toBeCloseTo(Math.exp((0.1 * Math.log(0.5)) / 0.45), 6);
    expect(performanceRatio([])).toBeNull();
  });

  it.each([
    [75, 0.00028],
    [1000, 0.00375],
    [0, 0],
  ])('CPU at %d GFLOP/s -> %d USD/h', (gflops, usd) => {
    expect(suggestCpuPrice(gflops).usdPerHour).toBeCloseTo(usd, 5);
    expect(suggestCpuPrice(gflops).basis).toContain('GFLOP/s');
  });

  it('dispatches by kind', () => {
    expect(suggestPrice({ kind: 'cpu', metrics: [metric('cpu_fp32_gflops', 1000, 'GFLOP/s')] })?.usdPerHour).toBeCloseTo(0.00375, 5);
    expect(suggestPrice({ kind: 'cpu', metrics: [] })).toBeNull();
    expect(suggestPrice({ kind: 'gpu', gpuName: 'NVIDIA GeForce RTX 3090', comparisons: [] })?.usdPerHour).toBe(0.18);
  });
});
