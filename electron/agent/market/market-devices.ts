/**
 * The devices a market job could run on, as the evaluation needs them: each GPU (or the
 * CPU) with its availability's admission for the job's shape (admitJob), VRAM, its latest
 * FP32 benchmark and the power draw the break-even floor is computed from.
 */
import type { MarketDocumentFacts } from '../../../shared/domain/market-document-facts';
import type { EvaluationDevice } from '../../../shared/domain/market-evaluation';
import type { AgentFeatureContext } from '../agent-feature';
import { admitJob } from '../availability/job-admission';

export function evaluationDevices(
ctx: Pick<AgentFeatureContext, 'availability' | 'settings' | 'detection' | 'benchmarks'>,
job: { preemptible: boolean; maxDurationSeconds: number },
busy: Set<string>,
now: Date,
): EvaluationDevice[] {
  const report = ctx.availability();
  const controls = ctx.settings().controls;
  const gpus = ctx.detection()?.gpus ?? [];
  const benchmarks = ctx.benchmarks(50);
  const out: EvaluationDevice[] = [];
  for (const availability of report.gpus) {
    const isCpu = availability.gpuUuid === 'cpu';
    const gpu = gpus.find((g) => g.uuid === availability.gpuUuid);
    const bench = benchmarks.find((b) => b.status === 'completed' && b.device.uuid === availability.gpuUuid);
    out.push({
      deviceId: availability.gpuUuid,
      kind: isCpu ? 'cpu' : 'gpu',
      name: availability.gpuName,
      vramMiB: gpu?.vramMiB ?? null,
      fp32Tflops: bench?.metrics.find((m) => m.id === 'fp32_tflops')?.value ?? null,
      powerW: isCpu ? 0 : gpu?.power.enforced ?? gpu?.power.default ?? null,
      admission: admitJob(availability, job, controls, now),
      busy: busy.has(availability.gpuUuid),
    });
  }
  // A GPU machine takes CPU jobs too, when the machine as a whole is available.
  const first = report.gpus[0];
  if (first && !out.some((d) => d.kind === 'cpu')) {
    out.push({
      deviceId: 'cpu',
      kind: 'cpu',
      name: 'CPU',
      vramMiB: null,
      fp32Tflops: null,
      powerW: 0,
      admission: report.gpus.some((g) => g.state === 'available') ? { ok: true } : admitJob(first, job, controls, now),
      busy: busy.has('cpu'),
    });
  }
  return out;
}

/**
 * Why a job can never fit this machine whatever the owner's settings (more CPUs or memory
 * than it has, a GPU job with no NVIDIA GPU detected, more VRAM than any of its GPUs):
 * the event log keeps such posts' facts and place, not their text. Null when it may fit
 * (and for GPU needs while detection has not run).
 */
export function neverFitsOn(ctx: Pick<AgentFeatureContext, 'detection'>, machine: { cpus: number; memoryMiB: number }) {
  return (facts: MarketDocumentFacts): string | null => {
    const r = facts.summary.resources;
    if (r.cpus > machine.cpus) return `it needs ${r.cpus} CPUs; this machine has ${machine.cpus}`;
    if (r.memoryMiB + r.scratchMiB > machine.memoryMiB) return `it needs ${r.memoryMiB + r.scratchMiB} MiB of memory; this machine has ${machine.memoryMiB} MiB`;
    if (r.gpus === 0) return null;
    const gpus = ctx.detection()?.gpus;
    if (!gpus) return null;
    if (gpus.length === 0) return 'it needs an NVIDIA GPU and this machine has none';
    const most = Math.max(...gpus.map((g) => g.vramMiB ?? 0));
    return r.minVramMiB > most ? `it needs ${r.minVramMiB} MiB of VRAM; the largest GPU here has ${most} MiB` : null;
  };
}
