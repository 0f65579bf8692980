/**
 * The availability engine: one pure function that decides, for each GPU (or the CPU on a
 * machine without an NVIDIA card), whether it may be rented right now and why not.
 * Every input is passed in; the controller (availability-controller.ts) gathers them and
 * acts on the result. Pure, so every input, transition and priority is unit-tested.
 */
import type { AvailabilityState, GpuAvailability, PauseReason } from '../../../shared/domain/availability';
import type { Controls } from '../../../shared/domain/controls';
import type { PresenceReadings } from '../../../shared/domain/availability';
import { describePause, describeSchedule, isPauseActive } from '../../../shared/domain/schedule';
import { overGpuUseThreshold } from '../../../shared/domain/presence';

/** The pseudo-device used when there is no NVIDIA GPU (CPU jobs on the devnet). */
export const CPU_DEVICE_ID = 'cpu';

export interface DeviceInput {
  uuid: string;
  name: string;
  /** A job is running on this device. */
  renting: boolean;
  /**
   * The owner chose "finish this job, then pause": the running (non-preemptible) job is not
   * yielded for a manual pause alone. Any other reason (a game, the temperature) still yields.
   */
  finishesFirst?: boolean;
  /** GPU temperature gate (with hysteresis) says pause; computed by the controller. */
  temperature?: { paused: boolean; message?: string };
}

export interface AvailabilityInputs {
  now: Date;
  devices: DeviceInput[];
  /** The machine checklist allows GPU jobs (driver, Docker, toolkit). */
  gpuJobsAllowed: boolean;
  controls: Controls;
  presence: PresenceReadings | null;
  /** Previous decision per device, to keep `since` and detect transitions. */
  previous: ReadonlyMap<string, GpuAvailability>;
}

/**
 * Reasons in priority order: what the owner did explicitly first, then hard limits, then
 * what the owner is doing, then the schedule. The first one is the headline.
 */
export function pauseReasons(device: DeviceInput, inputs: AvailabilityInputs): PauseReason[] {
  const { controls, presence, now } = inputs;
  const isGpu = device.uuid !== CPU_DEVICE_ID;
  const reasons: PauseReason[] = [];

  if (isPauseActive(controls.pause, now)) {
    const until = controls.pause.kind === 'until' ? controls.pause.until : undefined;
    let described: string;
    try {
      described = describePause(controls.pause, now, controls.schedule.timeZone);
    } catch {
      described = describePause(controls.pause, now, 'UTC');
    }
    // The headline already starts with "Paused: ", so the reason reads "you paused renting until 14:30".
    const message = `you paused renting ${described.replace(/^Paused by you /, '')}`;
    reasons.push({ code: 'manual', message, ...(until ? { until } : {}) });
  }
  if (isGpu && controls.gpus[device.uuid]?.enabled === false) {
    reasons.push({ code: 'disabled', message: 'you switched this GPU off for renting' });
  }
  if (isGpu && !inputs.gpuJobsAllowed) {
    reasons.push({ code: 'not-ready', message: 'the machine checklist has a red item for GPU jobs' });
  }
  if (isGpu && device.temperature?.paused) {
    reasons.push({ code: 'temperature', message: device.temperature.message ?? `GPU at or above ${controls.temperatureLimitC} °C` });
  }
  if (presence) {
    const p = controls.presence;
    if (p.battery.enabled && presence.battery.available && presence.battery.onBattery) {
      reasons.push({ code: 'battery', message: 'running on battery' });
    }
    if (p.processes.enabled && presence.runningWatched.length > 0) {
      const names = presence.runningWatched;
      reasons.push({
        code: 'process',
        message: names.length === 1 ? `${names[0]} is running` : `${names[0]} and ${names.length - 1} more are running`,
      });
    }
    if (p.fullscreen.enabled && presence.fullscreen.available && presence.fullscreen.active) {
      reasons.push({ code: 'fullscreen', message: `${presence.fullscreen.app ?? 'a full-screen app'} is in front` });
    }
    if (isGpu && p.gpuInUse.enabled) {
      const threshold = p.gpuInUse.thresholdPercent;
      const foreign = presence.gpuForeignProcesses.filter(
        (proc) => proc.gpuUuid === device.uuid && overGpuUseThreshold(proc, threshold),
      );
      if (foreign.length > 0) {
        const share = foreign[0]!.gpuPercent;
        const amount = typeof share === 'number' ? ` (${Math.round(share)} %, your threshold is ${threshold} %)` : '';
        reasons.push({ code: 'gpu-busy', message: `${foreign[0]!.name} is using the GPU${amount}` });
      }
    }
    if (p.idle.enabled && presence.idle.available && presence.idle.idleSeconds < p.idle.minutes * 60) {
      const resumes = new Date(now.getTime() + (p.idle.minutes * 60 - presence.idle.idleSeconds) * 1000);
      reasons.push({
        code: 'input-active',
        message: `you are using the PC (renting starts after ${p.idle.minutes} min without keyboard or mouse)`,
        until: resumes.toISOString(),
      });
    }
  }
  const schedule = safeDescribeSchedule(controls, now);
  if (!schedule.inside) {
    reasons.push({ code: 'schedule', message: schedule.text, ...(schedule.changesAt ? { until: schedule.changesAt.toISOString() } : {}) });
  }
  return reasons;
}

/**
 * A time zone the runtime does not know (a hand-edited settings file, an older ICU) must
 * not crash the agent: it pauses renting with a reason that says what to fix.
 */
function safeDescribeSchedule(controls: Controls, now: Date): { inside: boolean; changesAt: Date | null; text: string } {
  try {
    return describeSchedule(controls.schedule, now);
  } catch {
    return {
      inside: false,
      changesAt: null,
      text: `your schedule's time zone "${controls.schedule.timeZone}" is unknown here; choose it again in Controls`,
    };
  }
}

export function headlineFor(state: AvailabilityState, reasons: PauseReason[]): string {
  const first = reasons[0];
  switch (state) {
    case 'available':
      return 'Available';
    case 'renting':
      return 'Renting';
    case 'yielding':
      return `Yielding: ${first?.message ?? 'giving the GPU back to you'}`;
    case 'paused':
      return `Paused: ${first?.message ?? 'not available'}`;
  }
}

export interface AvailabilityDecision {
  devices: GpuAvailability[];
  /** Devices whose running job must be released now (the hot path acts on these first). */
  toYield: string[];
}

export function decideAvailability(inputs: AvailabilityInputs): AvailabilityDecision {
  const toYield: string[] = [];
  const devices = inputs.devices.map((device) => {
    const reasons = pauseReasons(device, inputs);
    let state: AvailabilityState;
    const finishing = device.renting && device.finishesFirst === true && reasons.length > 0 && reasons.every((r) => r.code === 'manual');
    if (reasons.length === 0) state = device.renting ? 'renting' : 'available';
    else if (finishing) state = 'renting';
    else if (device.renting) {
      state = 'yielding';
      toYield.push(device.uuid);
    } else state = 'paused';
    const previous = inputs.previous.get(device.uuid);
    const headline = finishing ? `Finishing this job, then paused: ${reasons[0]!.message}` : headlineFor(state, reasons);
    const since = previous && previous.state === state ? previous.since : inputs.now.toISOString();
    return { gpuUuid: device.uuid, gpuName: device.name, state, reasons, headline, since };
  });
  return { devices, toYield };
}
