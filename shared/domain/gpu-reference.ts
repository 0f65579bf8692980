/**
 * Reference data for judging a benchmark: theoretical peaks per card model, the fraction of
 * peak a healthy card reaches, a dated market-price table, and the pure functions that turn
 * measured metrics into comparisons, warnings and a suggested price.
 * Source: /work/shared/reference/gpu-specs.md (sections 2, 3 and 5) and the sources it cites.
 * Pure data and functions only: imported by the agent and the renderer alike.
 */
import type {
  BenchmarkWarning,
  Comparison,
  IntegrityCheck,
  Metric,
  MetricId,
  SuggestedPrice,
  TelemetrySample,
} from './benchmark';

export type GpuClass = 'geforce' | 'datacenter';

export interface GpuSpec {
  /** Display key, e.g. "RTX 4090". */
  model: string;
  class: GpuClass;
  /** Peak FP32 (non-tensor) TFLOPS. */
  fp32Tflops: number;
  /** Dense FP16/BF16 tensor TFLOPS with FP32 accumulate (what PyTorch and our workload use). */
  tensorTflops: number;
  /** Dense FP16 tensor TFLOPS with FP16 accumulate (display only). */
  tensorFp16AccTflops: number;
  memBandwidthGBs: number;
  vramGB: number;
  tdpW: number;
}

/**
 * Section 2 of gpu-specs.md (dense, no sparsity). Smaller GeForce tensor figures there are
 * derived as tensor cores x boost clock x 128 FLOP/clk (FP32 accumulate). Variants that
 * share a marketing name are told apart by VRAM size (3060 8 GB, 3080 12 GB, A100 40 GB).
 */
export const GPU_SPECS: readonly GpuSpec[] = [
  { model: 'RTX 3060', class: 'geforce', fp32Tflops: 12.7, tensorTflops: 25.5, tensorFp16AccTflops: 51.0, memBandwidthGBs: 360, vramGB: 12, tdpW: 170 },
  { model: 'RTX 3060', class: 'geforce', fp32Tflops: 12.7, tensorTflops: 25.5, tensorFp16AccTflops: 51.0, memBandwidthGBs: 240, vramGB: 8, tdpW: 170 },
  { model: 'RTX 3060 Ti', class: 'geforce', fp32Tflops: 16.2, tensorTflops: 32.4, tensorFp16AccTflops: 64.8, memBandwidthGBs: 448, vramGB: 8, tdpW: 200 },
  { model: 'RTX 3070', class: 'geforce', fp32Tflops: 20.3, tensorTflops: 40.6, tensorFp16AccTflops: 81.3, memBandwidthGBs: 448, vramGB: 8, tdpW: 220 },
  { model: 'RTX 3080', class: 'geforce', fp32Tflops: 29.8, tensorTflops: 59.5, tensorFp16AccTflops: 119, memBandwidthGBs: 760, vramGB: 10, tdpW: 320 },
  { model: 'RTX 3080', class: 'geforce', fp32Tflops: 29.8, tensorTflops: 59.5, tensorFp16AccTflops: 119, memBandwidthGBs: 912, vramGB: 12, tdpW: 320 },
  { model: 'RTX 3090', class: 'geforce', fp32Tflops: 35.6, tensorTflops: 71, tensorFp16AccTflops: 142, memBandwidthGBs: 936, vramGB: 24, tdpW: 350 },
  { model: 'RTX 4060', class: 'geforce', fp32Tflops: 15.1, tensorTflops: 30.2, tensorFp16AccTflops: 60.5, memBandwidthGBs: 272, vramGB: 8, tdpW: 115 },
  { model: 'RTX 4060 Ti', class: 'geforce', fp32Tflops: 22.1, tensorTflops: 44.1, tensorFp16AccTflops: 88.3, memBandwidthGBs: 288, vramGB: 16, tdpW: 165 },
  { model: 'RTX 4060 Ti', class: 'geforce', fp32Tflops: 22.1, tensorTflops: 44.1, tensorFp16AccTflops: 88.3, memBandwidthGBs: 288, vramGB: 8, tdpW: 160 },
  { model: 'RTX 4070', class: 'geforce', fp32Tflops: 29.1, tensorTflops: 58.3, tensorFp16AccTflops: 116.6, memBandwidthGBs: 504, vramGB: 12, tdpW: 200 },
  { model: 'RTX 4070 Ti', class: 'geforce', fp32Tflops: 40.1, tensorTflops: 80.2, tensorFp16AccTflops: 160.4, memBandwidthGBs: 504, vramGB: 12, tdpW: 285 },
  { model: 'RTX 4080', class: 'geforce', fp32Tflops: 48.7, tensorTflops: 97.5, tensorFp16AccTflops: 194.9, memBandwidthGBs: 716.8, vramGB: 16, tdpW: 320 },
  { model: 'RTX 4090', class: 'geforce', fp32Tflops: 82.6, tensorTflops: 165.2, tensorFp16AccTflops: 330.3, memBandwidthGBs: 1008, vramGB: 24, tdpW: 450 },
  { model: 'RTX 5070', class: 'geforce', fp32Tflops: 30.9, tensorTflops: 61.7, tensorFp16AccTflops: 123.5, memBandwidthGBs: 672, vramGB: 12, tdpW: 250 },
  { model: 'RTX 5080', class: 'geforce', fp32Tflops: 56.3, tensorTflops: 112.6, tensorFp16AccTflops: 225.1, memBandwidthGBs: 960, vramGB: 16, tdpW: 360 },
  { model: 'RTX 5090', class: 'geforce', fp32Tflops: 104.8, tensorTflops: 209.5, tensorFp16AccTflops: 419, memBandwidthGBs: 1792, vramGB: 32, tdpW: 575 },
  { model: 'A100 80GB', class: 'datacenter', fp32Tflops: 19.5, tensorTflops: 312, tensorFp16AccTflops: 312, memBandwidthGBs: 2039, vramGB: 80, tdpW: 400 },
  { model: 'A100 40GB', class: 'datacenter', fp32Tflops: 19.5, tensorTflops: 312, tensorFp16AccTflops: 312, memBandwidthGBs: 1555, vramGB: 40, tdpW: 400 },
  { model: 'H100 SXM', class: 'datacenter', fp32Tflops: 67, tensorTflops: 989, tensorFp16AccTflops: 989, memBandwidthGBs: 3350, vramGB: 80, tdpW: 700 },
  { model: 'H100 PCIe', class: 'datacenter', fp32Tflops: 51, tensorTflops: 756, tensorFp16AccTflops: 756, memBandwidthGBs: 2000, vramGB: 80, tdpW: 350 },
];

/**
 * Fraction of the theoretical peak a healthy card reaches (section 3, measured with cuBLAS
 * and copy benchmarks): GeForce cards boost above the spec clock, so large FP16/BF16 GEMMs
 * reach ~1.0x the FP32-accumulate peak while FP32 SGEMM reaches ~0.68x; datacenter cards run
 * closer to their FP32 peak and further from their tensor peak. Large D2D copies reach ~0.88x.
 * These seed the reference until a per-model median of accepted runs exists (section 3).
 */
export const EXPECTED_FRACTION: Record<GpuClass | 'A100' | 'H100', { tensor: number; fp32: number; memory: number }> = {
  geforce: { tensor: 1.0, fp32: 0.68, memory: 0.88 },
  datacenter: { tensor: 0.8, fp32: 0.9, memory: 0.88 },
  A100: { tensor: 0.82, fp32: 0.95, memory: 0.87 },
  H100: { tensor: 0.78, fp32: 0.78, memory: 0.88 },
};

/** Pinned host<->device copies reach about 80% of the PCIe link (section 3: ~26 GB/s on Gen4 x16). */
export const PCIE_EXPECTED_FRACTION = 0.8;
/** GB/s per lane and direction after encoding, by PCIe generation. */
export const PCIE_LANE_GBS: Record<number, number> = { 1: 0.25, 2: 0.5, 3: 0.985, 4: 1.969, 5: 3.938, 6: 7.563 };

/** Verdict thresholds relative to the reference (section 3 "Flagging rules"). */
export const WARN_BELOW = 0.85;
export const FAIL_BELOW = 0.7;

/** Canonical model key from a driver-reported name ("NVIDIA GeForce RTX 4090" -> "rtx 4090"). */
export function normalizeGpuName(name: string): string {
  return name
    .toLowerCase()
    .replace(/\bnvidia\b|\bgeforce\b/g, ' ')
    .replace(/[-_]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The spec entry for a driver-reported name, or null. Laptop GPUs share names but not
 * numbers, so they never match. VRAM (MiB) picks between variants sharing a name.
 */
export function lookupGpuSpec(name: string, vramMiB?: number | null): GpuSpec | null {
  const n = normalizeGpuName(name);
  if (/laptop|mobile|max q/.test(n)) return null;
  let candidates: GpuSpec[];
  if (/\ba100\b/.test(n)) {
    const gb40 = /\b40 ?gb\b/.test(n) || (vramMiB != null && vramMiB < 60 * 1024);
    candidates = GPU_SPECS.filter((s) => s.model === (gb40 ? 'A100 40GB' : 'A100 80GB'));
  } else if (/\bh100\b/.test(n)) {
    candidates = GPU_SPECS.filter((s) => s.model === (/pcie/.test(n) ? 'H100 PCIe' : 'H100 SXM'));
  } else {
    const m = /\brtx (\d{4})( ti)?( super)?\b/.exec(n);
    // SUPER cards have their own (different) specs that are not in the table.
    if (!m || m[3]) return null;
    const key = `rtx ${m[1]}${m[2] ?? ''}`;
    candidates = GPU_SPECS.filter((s) => s.model.toLowerCase() === key);
  }
  if (candidates.length <= 1 || vramMiB == null) return candidates[0] ?? null;
  const gb = vramMiB / 1024;
  return [...candidates].sort((a, b) => Math.abs(a.vramGB - gb) - Math.abs(b.vramGB - gb))[0] ?? null;
}

function fractionsFor(spec: GpuSpec) {
  if (spec.model.startsWith('A100')) return EXPECTED_FRACTION.A100;
  if (spec.model.startsWith('H100')) return EXPECTED_FRACTION.H100;
  return EXPECTED_FRACTION[spec.class];
}

export interface PcieLink {
  genMax: number | null;
  widthMax: number | null;
}

/** Peak and reference figure (peak x expected fraction) for one metric on one card. */
export function referenceFor(
  spec: GpuSpec,
  metricId: MetricId,
  pcie?: PcieLink,
): { peak: number; reference: number } | null {
  const f = fractionsFor(spec);
  switch (metricId) {
    case 'fp16_tflops':
    case 'bf16_tflops':
      return { peak: spec.tensorTflops, reference: spec.tensorTflops * f.tensor };
    case 'fp32_tflops':
      return { peak: spec.fp32Tflops, reference: spec.fp32Tflops * f.fp32 };
    case 'mem_bw_gbps':
      return { peak: spec.memBandwidthGBs, reference: spec.memBandwidthGBs * f.memory };
    case 'h2d_gbps':
    case 'd2h_gbps': {
      const lane = pcie?.genMax != null ? PCIE_LANE_GBS[pcie.genMax] : undefined;
      if (lane === undefined || pcie?.widthMax == null) return null;
      const peak = lane * pcie.widthMax;
      return { peak, reference: peak * PCIE_EXPECTED_FRACTION };
    }
    default:
      return null;
  }
}

export function verdictFor(fraction: number): Comparison['verdict'] {
  return fraction < FAIL_BELOW ? 'failing' : fraction < WARN_BELOW ? 'low' : 'ok';
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/** One comparison per measured metric this card has a reference for; [] for unknown cards. */
export function compareToReference(
  gpuName: string,
  metrics: readonly Metric[],
  options: { vramMiB?: number | null; pcie?: PcieLink } = {},
): Comparison[] {
  const spec = lookupGpuSpec(gpuName, options.vramMiB);
  if (!spec) return [];
  const out: Comparison[] = [];
  for (const m of metrics) {
    const ref = referenceFor(spec, m.id, options.pcie);
    if (!ref || ref.reference <= 0) continue;
    const fraction = m.value / ref.reference;
    out.push({
      metricId: m.id,
      measured: m.value,
      reference: round(ref.reference, 3),
      peak: ref.peak,
      unit: m.unit,
      fraction: round(fraction, 4),
      verdict: verdictFor(fraction),
    });
  }
  return out;
}

/** Throttle reasons that mean nothing is wrong (idle, or clocks pinned on purpose). */
const BENIGN_THROTTLE = new Set(['gpu_idle', 'none', 'applications_clocks_setting', 'not_active', 'sync_boost']);

export interface WarningInput {
  kind: 'gpu' | 'cpu';
  /** True when the GPU model has a spec entry (comparisons could be made). */
  hasReference: boolean;
  comparisons: readonly Comparison[];
  integrity: readonly IntegrityCheck[];
  telemetry: readonly TelemetrySample[];
  power?: { default: number | null; enforced: number | null };
  /** PCIe link as read while the benchmark loaded the card (it can drop while idle). */
  pcieUnderLoad?: { genCurrent: number | null; genMax: number | null; widthCurrent: number | null; widthMax: number | null };
}

export function benchmarkWarnings(input: WarningInput): BenchmarkWarning[] {
  const warnings: BenchmarkWarning[] = [];
  const reasons = new Set(
    input.telemetry.flatMap((s) => s.throttleReasons ?? []).filter((r) => !BENIGN_THROTTLE.has(r)),
  );
  if (reasons.size) {
    warnings.push({
      code: 'throttled',
      message: `The card slowed itself down during the benchmark (${[...reasons].sort().join(', ')}). Check cooling and power limits.`,
    });
  }
  const p = input.power;
  if (p && p.default != null && p.enforced != null && p.enforced < p.default - 1) {
    warnings.push({
      code: 'power-limited',
      message: `The enforced power limit (${round(p.enforced, 1)} W) is below the card's default (${round(p.default, 1)} W); some marketplaces mark such nodes as degraded.`,
    });
  }
  const link = input.pcieUnderLoad;
  if (link) {
    const narrow = link.widthCurrent != null && link.widthMax != null && link.widthCurrent < link.widthMax;
    const slow = link.genCurrent != null && link.genMax != null && link.genCurrent < link.genMax;
    if (narrow || slow) {
      warnings.push({
        code: 'pcie-narrow',
        message: `The PCIe link ran at Gen${link.genCurrent ?? '?'} x${link.widthCurrent ?? '?'} under load (the card supports Gen${link.genMax ?? '?'} x${link.widthMax ?? '?'}); data loading will be slower.`,
      });
    }
  }
  for (const c of input.comparisons) {
    if (c.verdict === 'ok') continue;
    const pct = Math.round(c.fraction * 100);
    warnings.push({
      code: 'underperforming',
      message:
        c.verdict === 'failing'
          ? `${c.metricId} reached only ${pct}% of what a healthy card of this model reaches${reasons.size ? ' (the card was throttling)' : ''}.`
          : `${c.metricId} is ${pct}% of the reference for this model (below ${Math.round(WARN_BELOW * 100)}%).`,
    });
  }
  for (const check of input.integrity) {
    if (check.errors > 0) {
      warnings.push({
        code: 'integrity',
        message: `The ${check.name} check found ${check.errors} mismatching words in ${Math.round(check.bytesChecked / 2 ** 20)} MiB: this memory is unreliable.`,
      });
    }
  }
  if (input.kind === 'gpu' && !input.hasReference) {
    warnings.push({
      code: 'no-reference',
      message: 'There is no reference data for this card model yet, so its results cannot be compared.',
    });
  }
  return warnings;
}

// ------------------------------------------------------------------ prices

export const MARKET_PRICES_AS_OF = '2026-06';

/**
 * Customer-side USD per GPU-hour, interruptible/spot class (section 5 of gpu-specs.md):
 * the median of the low end each source lists. Sources: Salad docs (salad-cloud-docs repo),
 * Vast.ai third-party snapshots (fairlane.systems, usagepricing.com, May-Jun 2026), RunPod
 * (deploybase.ai, docs.runpod.io/serverless/pricing). Prices move weekly: refresh this table.
 */
export const MARKET_PRICES: Readonly<Record<string, { usdPerHour: number; basis: string }>> = {
  'RTX 3060': { usdPerHour: 0.047, basis: 'Salad low priority 0.047' },
  'RTX 3090': { usdPerHour: 0.18, basis: 'median of Salad batch 0.09, Vast interruptible 0.18, RunPod spot 0.22' },
  'RTX 4080': { usdPerHour: 0.28, basis: 'Salad 0.28' },
  'RTX 4090': { usdPerHour: 0.31, basis: 'median of Salad batch 0.16, Vast interruptible 0.31, RunPod spot 0.34' },
  'RTX 5090': { usdPerHour: 0.69, basis: 'median of Salad batch 0.25, RunPod spot 0.69, Vast on-demand 0.87' },
};

/**
 * Models without market data are priced by tensor throughput: the median USD per
 * (FP32-accumulate tensor TFLOPS x hour) over the priced models above (3060 0.00184,
 * 3090 0.00254, 4080 0.00287, 4090 0.00188, 5090 0.00329 -> 0.00254).
 */
export const USD_PER_TENSOR_TFLOP_HOUR = 0.00254;

/**
 * CPU workload: priced per FP32 GFLOP/s at the rate the market pays for GPU FP32 throughput,
 * i.e. the RTX 4090's price over its FP32 peak: 0.31 USD/h / 82.6 TFLOPS = 0.00375 USD per
 * TFLOPS-hour. A CPU sells for what its measured FP32 throughput would cost on a GPU.
 */
export const USD_PER_FP32_TFLOP_HOUR = 0.00375;

/** Weights of the sub-scores (section 1.1 without the network term), renormalised over what was measured. */
export const SCORE_WEIGHTS: Partial<Record<MetricId, number>> = {
  fp16_tflops: 0.175,
  bf16_tflops: 0.175,
  mem_bw_gbps: 0.35,
  fp32_tflops: 0.1,
  h2d_gbps: 0.05,
};

/** Weighted geometric mean of measured/reference, or null without comparisons. */
export function performanceRatio(comparisons: readonly Comparison[]): number | null {
  let weight = 0;
  let logSum = 0;
  for (const c of comparisons) {
    const w = SCORE_WEIGHTS[c.metricId] ?? 0;
    if (w <= 0 || c.fraction <= 0) continue;
    weight += w;
    logSum += w * Math.log(c.fraction);
  }
  return weight > 0 ? Math.exp(logSum / weight) : null;
}

export const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/**
 * `M_model x clamp(S / S_ref, 0.85, 1.05)` (section 5): throttled cards are marked down more
 * than overclocked ones are marked up. Null when the model is unknown.
 */
export function suggestGpuPrice(
  gpuName: string,
  comparisons: readonly Comparison[],
  options: { vramMiB?: number | null } = {},
): SuggestedPrice | null {
  const spec = lookupGpuSpec(gpuName, options.vramMiB);
  if (!spec) return null;
  const market = MARKET_PRICES[spec.model];
  const base = market?.usdPerHour ?? spec.tensorTflops * USD_PER_TENSOR_TFLOP_HOUR;
  const ratio = performanceRatio(comparisons);
  const k = ratio === null ? 1 : clamp(ratio, 0.85, 1.05);
  const source = market
    ? `${spec.model} market price ${market.usdPerHour} USD/h (${market.basis}; table as of ${MARKET_PRICES_AS_OF})`
    : `no market price for ${spec.model}: ${spec.tensorTflops} tensor TFLOPS x ${USD_PER_TENSOR_TFLOP_HOUR} USD per TFLOPS-hour (median of priced models, table as of ${MARKET_PRICES_AS_OF})`;
  const perf =
    ratio === null
      ? 'no performance comparison, factor 1'
      : `x performance factor ${round(k, 3)} (measured ${round(ratio * 100, 1)}% of reference, clamped to 85-105%)`;
  return { usdPerHour: round(base * k, 3), basis: `${source} ${perf}.` };
}

/** The CPU workload's price: measured GFLOP/s at the GPU market's FP32 rate. */
export function suggestCpuPrice(cpuGflops: number): SuggestedPrice {
  const usd = (Math.max(0, cpuGflops) / 1000) * USD_PER_FP32_TFLOP_HOUR;
  return {
    usdPerHour: round(usd, 6),
    basis: `${round(cpuGflops, 1)} GFLOP/s FP32 x ${USD_PER_FP32_TFLOP_HOUR} USD per TFLOPS-hour (RTX 4090 market price 0.31 USD/h over its 82.6 TFLOPS FP32 peak, table as of ${MARKET_PRICES_AS_OF}).`,
  };
}

/** Dispatches on the workload kind; null when nothing can be suggested. */
export function suggestPrice(
  input:
    | { kind: 'gpu'; gpuName: string; comparisons: readonly Comparison[]; vramMiB?: number | null }
    | { kind: 'cpu'; metrics: readonly Metric[] },
): SuggestedPrice | null {
  if (input.kind === 'gpu') return suggestGpuPrice(input.gpuName, input.comparisons, { vramMiB: input.vramMiB });
  const gflops = input.metrics.find((m) => m.id === 'cpu_fp32_gflops');
  return gflops ? suggestCpuPrice(gflops.value) : null;
}
