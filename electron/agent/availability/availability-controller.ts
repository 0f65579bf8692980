/**
 * Gathers the availability engine's inputs, runs it whenever one of them changes, and
 * acts on the decision: yields devices first (the hot path), then records transitions,
 * logs them and pushes the report. No polling: it wakes on presence, temperature,
 * settings, hardware and rental changes, and on a timer set to the next moment a reason
 * ends by itself (schedule edge, timed pause, idle threshold).
 */
import type {
  AvailabilityReport,
  AvailabilityTransition,
  GpuAvailability,
  PresenceReadings,
} from '../../../shared/domain/availability';
import type { Controls } from '../../../shared/domain/controls';
import type { GpuInfo } from '../../../shared/domain/gpu';
import type { GpuTelemetry } from '../../../shared/domain/telemetry';
import { describeSchedule } from '../../../shared/domain/schedule';
import { temperatureGate } from '../../../shared/domain/temperature-gate';
import type { JsonlHistory } from '../history/jsonl-history';
import type { Clock, Logger } from '../ports';
import { CPU_DEVICE_ID, decideAvailability, type DeviceInput } from './availability-engine';
import type { RentalSlots } from './rental-slots';

export interface PresenceFeed {
  latest(): PresenceReadings | null;
  onChange(listener: (readings: PresenceReadings) => void): () => void;
}

export interface TemperatureFeed {
  temperatures(): Record<string, number>;
  onSample(listener: (sample: GpuTelemetry) => void): () => void;
}

export interface AvailabilityControllerDeps {
  clock: Clock;
  logger: Logger;
  controls: () => Controls;
  devices: () => { gpus: GpuInfo[]; gpuJobsAllowed: boolean; cpuName: string };
  presence: PresenceFeed | null;
  temperatures: TemperatureFeed | null;
  slots: RentalSlots;
  history: JsonlHistory<AvailabilityTransition>;
  onReport: (report: AvailabilityReport) => void;
  /** Latest power-limit outcomes, for the report. */
  powerLimits?: () => AvailabilityReport['powerLimits'];
}

export interface AvailabilityController {
  start(): void;
  stop(): void;
  /** Re-decide now (settings saved, hardware detected, checks finished...). */
  evaluate(trigger: string): void;
  report(): AvailabilityReport;
}

const MAX_TIMER_MS = 6 * 60 * 60 * 1000;

export function createAvailabilityController(deps: AvailabilityControllerDeps): AvailabilityController {
  let previous = new Map<string, GpuAvailability>();
  const temperaturePaused = new Map<string, boolean>();
  let timer: NodeJS.Timeout | null = null;
  let lastReportKey = '';
  const unsubscribers: Array<() => void> = [];

  const devices = (): DeviceInput[] => {
    const { gpus, cpuName } = deps.devices();
    if (gpus.length === 0) {
      return [{ uuid: CPU_DEVICE_ID, name: cpuName, renting: deps.slots.isRenting(CPU_DEVICE_ID), finishesFirst: deps.slots.finishesFirst(CPU_DEVICE_ID) }];
    }
    const limitC = deps.controls().temperatureLimitC;
    const temps = deps.temperatures?.temperatures() ?? {};
    return gpus.map((gpu) => {
      const gate = temperatureGate({
        pausedBefore: temperaturePaused.get(gpu.uuid) ?? false,
        temperatureC: temps[gpu.uuid] ?? null,
        limitC,
      });
      temperaturePaused.set(gpu.uuid, gate.paused);
      return { uuid: gpu.uuid, name: gpu.name, renting: deps.slots.isRenting(gpu.uuid), finishesFirst: deps.slots.finishesFirst(gpu.uuid), temperature: gate };
    });
  };

  const report = (): AvailabilityReport => ({
    gpus: [...previous.values()],
    powerLimits: deps.powerLimits?.() ?? [],
    presence: deps.presence?.latest() ?? null,
    history: deps.history.list(50),
  });

  const armTimer = (now: Date, decided: GpuAvailability[], controls: Controls) => {
    if (timer) clearTimeout(timer);
    timer = null;
    const moments = decided.flatMap((d) => d.reasons.map((r) => r.until)).filter((u): u is string => Boolean(u));
    let edge: Date | null = null;
    try {
      edge = describeSchedule(controls.schedule, now).changesAt;
    } catch {
      // Unknown time zone: the engine already pauses with a reason; nothing to wake for.
    }
    if (edge) moments.push(edge.toISOString());
    const next = moments.map((m) => Date.parse(m)).filter((t) => t > now.getTime()).sort((a, b) => a - b)[0];
    if (next === undefined) return;
    // A little after the edge, so the reason has really ended when we look again.
    const delay = Math.min(MAX_TIMER_MS, next - now.getTime() + 250);
    timer = setTimeout(() => evaluate('timer'), delay);
    timer.unref?.();
  };

  function evaluate(trigger: string): void {
    const now = deps.clock.now();
    const controls = deps.controls();
    const decision = decideAvailability({
      now,
      devices: devices(),
      gpuJobsAllowed: deps.devices().gpuJobsAllowed,
      controls,
      presence: deps.presence?.latest() ?? null,
      previous,
    });
    // Hot path first: the owner wants the device back; everything else can wait.
    for (const deviceId of decision.toYield) void deps.slots.yieldDevice(deviceId);

    for (const device of decision.devices) {
      const before = previous.get(device.gpuUuid);
      if (before?.state === device.state && before.headline === device.headline) continue;
      if (before && before.state !== device.state) {
        const transition: AvailabilityTransition = {
          at: now.toISOString(),
          gpuUuid: device.gpuUuid,
          from: before.state,
          to: device.state,
          headline: device.headline,
        };
        deps.history.add(transition);
        deps.logger.info(`availability: ${device.gpuName} ${before.state} → ${device.state}: ${device.headline}`, { trigger });
      }
    }
    previous = new Map(decision.devices.map((d) => [d.gpuUuid, d]));
    armTimer(now, decision.devices, controls);

    const next = report();
    const key = JSON.stringify([next.gpus, next.presence, next.history[0]?.at, next.powerLimits]);
    if (key !== lastReportKey) {
      lastReportKey = key;
      deps.onReport(next);
    }
  }

  return {
    start() {
      if (deps.presence) unsubscribers.push(deps.presence.onChange(() => evaluate('presence')));
      if (deps.temperatures) {
        unsubscribers.push(
          deps.temperatures.onSample(() => {
            // Only re-decide when a gate would flip; samples arrive every second.
            const limitC = deps.controls().temperatureLimitC;
            const temps = deps.temperatures!.temperatures();
            const flips = Object.entries(temps).some(([uuid, t]) => {
              const before = temperaturePaused.get(uuid) ?? false;
              return temperatureGate({ pausedBefore: before, temperatureC: t, limitC }).paused !== before;
            });
            if (flips) evaluate('temperature');
          }),
        );
      }
      unsubscribers.push(deps.slots.onChange(() => evaluate('rental')));
      evaluate('start');
    },
    stop() {
      if (timer) clearTimeout(timer);
      timer = null;
      unsubscribers.splice(0).forEach((off) => off());
    },
    evaluate,
    report,
  };
}
