import { z } from 'zod';

/** Power limits as nvidia-smi reports them, in watts; null where the driver says N/A. */
export const PowerLimitsSchema = z.object({
  min: z.number().nullable(),
  default: z.number().nullable(),
  max: z.number().nullable(),
  /** The limit actually applied after every limiter; can be below `default`. */
  enforced: z.number().nullable(),
});

export const GpuInfoSchema = z.object({
  index: z.number().int().nonnegative(),
  /** `GPU-xxxxxxxx-...`: the identity jobs and benchmarks are pinned to. */
  uuid: z.string().min(1),
  name: z.string().min(1),
  driverVersion: z.string().nullable(),
  vramMiB: z.number().nullable(),
  power: PowerLimitsSchema,
  temperatureC: z.number().nullable(),
  pcie: z.object({
    genCurrent: z.number().nullable(),
    genMax: z.number().nullable(),
    widthCurrent: z.number().nullable(),
    widthMax: z.number().nullable(),
  }),
  /** e.g. "8.9"; null on drivers too old to report it. */
  computeCapability: z.string().nullable(),
  pciBusId: z.string().nullable(),
});
export type GpuInfo = z.infer<typeof GpuInfoSchema>;

/** A display adapter seen by systeminformation; shown even when it is not usable for jobs. */
export const GraphicsAdapterSchema = z.object({
  vendor: z.string(),
  model: z.string(),
  vramMiB: z.number().nullable(),
  busAddress: z.string().nullable(),
});
export type GraphicsAdapter = z.infer<typeof GraphicsAdapterSchema>;

export const GpuDetectionSchema = z.object({
  /** NVIDIA GPUs that nvidia-smi reported. Empty is a normal state (no NVIDIA card). */
  gpus: z.array(GpuInfoSchema),
  /** Every display adapter systeminformation found, NVIDIA or not. */
  adapters: z.array(GraphicsAdapterSchema),
  nvidiaSmi: z.discriminatedUnion('state', [
    z.object({ state: z.literal('ok'), path: z.string(), driverVersion: z.string().nullable() }),
    z.object({ state: z.literal('missing') }),
    z.object({ state: z.literal('failed'), message: z.string() }),
  ]),
  detectedAt: z.string(),
});
export type GpuDetection = z.infer<typeof GpuDetectionSchema>;
