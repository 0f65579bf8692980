/**
 * THE decision whether this provider claims a market job, and at what price: one pure
 * function, so the Market page's "fits / why not" and the provider loop never disagree.
 *
 * The ask is the owner's own effective floor (price-floor.ts), never more than the job's
 * maxPricePerHour: a job whose max price is below the floor is never claimed. Payment is
 * ask × billed time, so asking the floor is what the owner agreed to be paid; the contract
 * refunds the requester the difference.
 */
import { type JobSpec } from './job';
import { nonPublicAddressKind, validateJobSpec } from './job-spec-validation';
import { MarketJobDocumentSchema, type MarketJobDocument } from './market-job';
import type { MarketJobSummary } from './market';
import { checkAsk, effectiveFloor, formatMicros } from './price-floor';
import type { PriceSettings } from './controls';

/** Enough time for the claim transaction to land before claimBy. */
export const CLAIM_MARGIN_SECONDS = 10;
/** Time to upload the results and submit after the longest run, before runBy. */
export const SUBMIT_MARGIN_SECONDS = 60;

export type ParsedMarketDocument =
  | { ok: true; document: MarketJobDocument; spec: JobSpec; summary: MarketJobSummary }
  | { ok: false; reasons: string[] };

/** Parses the document posted on chain; every problem as a sentence. Pure (cache it per job). */
export function parseMarketDocument(text: string): ParsedMarketDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, reasons: ['the posted job is not JSON'] };
  }
  const parsed = MarketJobDocumentSchema.safeParse(raw);
  if (!parsed.success) {
    const reasons = parsed.error.issues.slice(0, 10).map((issue) => `the job document: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
    return { ok: false, reasons };
  }
  const validation = validateJobSpec(parsed.data.job);
  if (!validation.ok) return { ok: false, reasons: validation.reasons.map((r) => `the job spec: ${r}`) };
  const spec = validation.spec;
  let uploadHost: string;
  try {
    uploadHost = new URL(parsed.data.upload.url).host;
  } catch {
    return { ok: false, reasons: ['the upload URL cannot be parsed'] };
  }
  return {
    ok: true,
    document: parsed.data,
    spec,
    summary: {
      name: spec.name,
      image: spec.image,
      resources: { ...spec.resources },
      network: spec.network,
      description: parsed.data.description ?? null,
      uploadHost,
    },
  };
}

/**
 * Where results may be uploaded: https to a public address. Plain http to 127.0.0.1 or
 * localhost only on the local devnet (its demo requester listens there). Host names are
 * checked again against their resolved addresses by the uploader (DNS may point anywhere).
 */
export function uploadUrlProblem(url: string, isDevnet: boolean): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'the upload URL cannot be parsed';
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const loopbackName = host === 'localhost' || host === '127.0.0.1' || host === '::1';
  if (isDevnet && loopbackName && (parsed.protocol === 'http:' || parsed.protocol === 'https:')) return null;
  if (parsed.protocol !== 'https:') return `the upload URL must use https (it uses ${parsed.protocol.replace(':', '')})`;
  if (parsed.username || parsed.password) return 'the upload URL must not carry a user name or password';
  if (host === 'localhost' || host.endsWith('.localhost')) return 'the upload URL points at this computer';
  const kind = nonPublicAddressKind(host);
  if (kind) return `the upload URL points at a ${kind} address`;
  return null;
}

/** A device as the evaluation needs it. */
export interface EvaluationDevice {
  /** 'cpu' or a GPU UUID. */
  deviceId: string;
  kind: 'cpu' | 'gpu';
  name: string;
  vramMiB: number | null;
  /** FP32 TFLOPS from the latest benchmark of this device; null if never benchmarked. */
  fp32Tflops: number | null;
  /** Power draw used for the break-even floor (W); null when unknown. */
  powerW: number | null;
  /** Whether availability admits a job of this shape now (admitJob's answer). */
  admission: { ok: true } | { ok: false; reason: string };
  /** A market job already runs on it. */
  busy: boolean;
}

export interface MarketJobTerms {
  requester: string;
  maxPricePerHour: bigint;
  maxDurationSeconds: number;
  /** Unix seconds. */
  claimBy: number;
  runBy: number;
  preemptible: boolean;
  open: boolean;
}

/**
 * What the evaluation reads of a document: a parsed document has this shape, and so do the
 * few facts kept in memory for open jobs (market-document-facts.ts).
 */
export type EvaluableDocument =
  | {
      ok: true;
      spec: Pick<JobSpec, 'maxDurationSeconds' | 'preemptible' | 'image' | 'network'> & { resources: MarketJobSummary['resources'] };
      document: { upload: { url: string }; requirements?: { minFp32Tflops?: number } };
      summary: MarketJobSummary;
    }
  | { ok: false; reasons: string[] };

export interface EvaluationInput {
  job: MarketJobTerms;
  document: EvaluableDocument;
  /** Candidate devices with their admission for this job's shape. */
  devices: readonly EvaluationDevice[];
  machine: { cpus: number; memoryMiB: number };
  price: PriceSettings;
  market: { blockedRequesters: readonly string[]; imageAllowList: readonly string[]; imageDenyList: readonly string[] };
  allowEgress: boolean;
  isDevnet: boolean;
  /** Chain time, unix seconds. */
  nowSeconds: number;
}

export interface Evaluation {
  fits: boolean;
  reasons: string[];
  /** The price to claim at (the owner's floor for the chosen device), null when no device fits. */
  ask: bigint | null;
  deviceId: string | null;
}

const imageName = (image: string) => image.split('@')[0] ?? image;

/** The ask for a device: the owner's effective floor, at least 1 micro (the contract needs ask > 0). */
export function askFor(price: PriceSettings, powerW: number | null): bigint {
  const floor = effectiveFloor(price, powerW).floorMicrosPerHour;
  return floor > 0n ? floor : 1n;
}

export function evaluateMarketJob(input: EvaluationInput): Evaluation {
  const { job, document, nowSeconds } = input;
  const reasons: string[] = [];
  if (!job.open) reasons.push('it is not open for claims');
  if (!document.ok) return { fits: false, reasons: [...reasons, ...document.reasons], ask: null, deviceId: null };
  const spec = document.spec;

  // The chain's terms are what we are paid by: the document must not promise something else.
  if (spec.maxDurationSeconds > job.maxDurationSeconds) {
    reasons.push(`the spec may run ${spec.maxDurationSeconds} s but the job pays for at most ${job.maxDurationSeconds} s`);
  }
  if (spec.preemptible !== job.preemptible) {
    reasons.push(`the spec says ${spec.preemptible ? '' : 'not '}preemptible but the job on chain says ${job.preemptible ? '' : 'not '}preemptible`);
  }
  const requester = job.requester.toLowerCase();
  if (input.market.blockedRequesters.some((a) => a.toLowerCase() === requester)) reasons.push('you blocked this requester');
  const name = imageName(spec.image);
  const denied = input.market.imageDenyList.find((prefix) => name.startsWith(prefix));
  if (denied) reasons.push(`the image ${name} is on your deny list (${denied})`);
  if (input.market.imageAllowList.length > 0 && !input.market.imageAllowList.some((prefix) => name.startsWith(prefix))) {
    reasons.push(`the image ${name} is not on your allow list`);
  }
  if (spec.network === 'egress' && !input.allowEgress) reasons.push('the job wants internet access and you do not allow it');
  const upload = uploadUrlProblem(document.document.upload.url, input.isDevnet);
  if (upload) reasons.push(upload);
  if (nowSeconds + CLAIM_MARGIN_SECONDS > job.claimBy) reasons.push('its claim deadline has passed or is too close');
  if (nowSeconds + job.maxDurationSeconds + SUBMIT_MARGIN_SECONDS > job.runBy) {
    reasons.push('it could not finish and upload before its run deadline');
  }
  if (spec.resources.cpus > input.machine.cpus) reasons.push(`it needs ${spec.resources.cpus} CPUs; this machine has ${input.machine.cpus}`);
  if (spec.resources.memoryMiB + spec.resources.scratchMiB > input.machine.memoryMiB) {
    reasons.push(`it needs ${spec.resources.memoryMiB + spec.resources.scratchMiB} MiB of memory; this machine has ${input.machine.memoryMiB} MiB`);
  }

  // Price and device together: the floor may differ per device (break-even from its power).
  const wantGpu = spec.resources.gpus > 0;
  const candidates = input.devices.filter((d) => (wantGpu ? d.kind === 'gpu' : d.kind === 'cpu'));
  if (candidates.length === 0) {
    reasons.push(wantGpu ? 'it needs an NVIDIA GPU and none can be rented here' : 'it is a CPU job and CPU jobs cannot be taken here');
    return { fits: false, reasons, ask: null, deviceId: null };
  }
  let best: { device: EvaluationDevice; ask: bigint } | null = null;
  const deviceReasons: string[] = [];
  const minTflops = document.document.requirements?.minFp32Tflops;
  for (const device of candidates) {
    const why: string[] = [];
    if (wantGpu && spec.resources.minVramMiB > 0 && (device.vramMiB ?? 0) < spec.resources.minVramMiB) {
      why.push(`it needs ${spec.resources.minVramMiB} MiB of VRAM; ${device.name} has ${device.vramMiB ?? 'unknown'}`);
    }
    if (minTflops !== undefined && minTflops > 0) {
      if (device.fp32Tflops === null) why.push(`it needs ${minTflops} FP32 TFLOPS and ${device.name} has no benchmark yet`);
      else if (device.fp32Tflops < minTflops) why.push(`it needs ${minTflops} FP32 TFLOPS; ${device.name} measured ${device.fp32Tflops}`);
    }
    const ask = askFor(input.price, device.powerW);
    const price = checkAsk(job.maxPricePerHour, input.price, device.powerW);
    if (!price.ok || ask > job.maxPricePerHour) {
      why.push(`it pays at most ${formatMicros(job.maxPricePerHour)} USD/h, below your floor of ${formatMicros(ask)} USD/h`);
    }
    // Paused (by the owner, a game, the schedule): that is the reason, first and alone; a
    // job left on the device while it yields is not "already runs a market job".
    if (!device.admission.ok) why.push(`${device.name}: ${device.admission.reason}`);
    else if (device.busy) why.push(`${device.name} already runs a market job`);
    if (why.length === 0) {
      if (!best || ask < best.ask) best = { device, ask };
    } else if (deviceReasons.length === 0) {
      deviceReasons.push(...why);
    }
  }
  if (!best) reasons.push(...deviceReasons);
  const fits = reasons.length === 0 && best !== null;
  // The invariant the whole market client rests on, checked once more where it is decided.
  if (fits && best && !checkAsk(best.ask, input.price, best.device.powerW).ok) {
    return { fits: false, reasons: ['the ask would be below your floor'], ask: null, deviceId: null };
  }
  return { fits, reasons, ask: best?.ask ?? null, deviceId: best?.device.deviceId ?? null };
}

/**
 * The verdict of a job this provider holds (claimed, running, submitted...): not a job that
 * "does not fit", ours. Read by the Market page to say "Claimed by you" alone.
 */
export const CLAIMED_BY_YOU = 'claimed by you';
export const isClaimedByYou = (verdict: { fits: boolean; reasons: readonly string[] }): boolean =>
  !verdict.fits && verdict.reasons.length === 1 && verdict.reasons[0] === CLAIMED_BY_YOU;
