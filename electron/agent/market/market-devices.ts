/**
 * The devices a market job could run on, as the evaluation needs them: each GPU (or the
 * CPU) with its availability's admission for the job's shape (admitJob), VRAM, its latest
 * FP32 benchmark and the power draw the break-even floor is computed from.
 */
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
