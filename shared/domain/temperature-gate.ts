/**
 * The temperature gate (issue: owner controls): renting pauses when a GPU reaches the
 * owner's limit and resumes only once it has cooled TEMPERATURE_HYSTERESIS_C below it, so
 * a card hovering around the limit does not flap between rented and paused.
 * Pure: no Node, no clock; the caller feeds the latest reading and the previous state.
 */
import { TEMPERATURE_HYSTERESIS_C } from './controls';

export interface TemperatureGateInput {
  /** What the gate decided last time (false on first call). */
  pausedBefore: boolean;
  /** Latest core temperature in °C; null when unknown (no sample, stale, `[N/A]`). */
  temperatureC: number | null;
  /** The owner's limit (Controls.temperatureLimitC). */
  limitC: number;
}

export interface TemperatureGateDecision {
  paused: boolean;
  /** Owner-facing explanation; absent when renting simply continues. */
  message?: string;
}

/** Renting resumes once the temperature is strictly below this. */
export const resumeBelowC = (limitC: number): number => limitC - TEMPERATURE_HYSTERESIS_C;

export function temperatureGate(input: TemperatureGateInput): TemperatureGateDecision {
  const { pausedBefore, temperatureC, limitC } = input;
  const resumeAt = resumeBelowC(limitC);

  if (temperatureC === null || !Number.isFinite(temperatureC)) {
    // No reading is no evidence either way: keep what we had rather than resume a hot
    // card or pause a cool one on a missing sample.
    return pausedBefore
      ? {
          paused: true,
          message: `Renting stays paused: the GPU temperature is unknown right now (it reached the ${limitC} °C limit earlier; renting resumes below ${resumeAt} °C).`,
        }
      : { paused: false };
  }

  const shown = Math.round(temperatureC);
  if (temperatureC >= limitC) {
    return {
      paused: true,
      message: `Renting paused: the GPU is at ${shown} °C, at or above your ${limitC} °C limit. It resumes once the GPU cools below ${resumeAt} °C.`,
    };
  }
  if (pausedBefore) {
    if (temperatureC < resumeAt) {
      return { paused: false, message: `The GPU cooled to ${shown} °C (below ${resumeAt} °C); renting resumes.` };
    }
    return {
      paused: true,
      message: `Renting stays paused: the GPU is at ${shown} °C; it resumes below ${resumeAt} °C (${TEMPERATURE_HYSTERESIS_C} °C under your ${limitC} °C limit).`,
    };
  }
  return { paused: false };
}
