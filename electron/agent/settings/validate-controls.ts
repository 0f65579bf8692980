import { AgentError } from '../../../shared/api/result';
import type { GpuInfo } from '../../../shared/domain/gpu';
import { validateSchedule } from '../../../shared/domain/schedule';
import type { SettingsPatch } from '../../../shared/domain/settings';

/**
 * Checks what the settings schemas cannot (the card's power range, an empty week) before
 * anything is saved: a refused change leaves the owner's settings exactly as they were.
 */
export function validateControlsPatch(patch: SettingsPatch, gpus: readonly GpuInfo[]): void {
  const controls = patch.controls;
  if (!controls) return;
  if (controls.schedule) {
    const verdict = validateSchedule(controls.schedule);
    if (!verdict.ok) throw new AgentError('invalid_settings', verdict.message, 'Nothing was saved.');
  }
  for (const [uuid, gpu] of Object.entries(controls.gpus ?? {})) {
    if (gpu.powerLimitW === null) continue;
    const card = gpus.find((g) => g.uuid === uuid);
    const { min, max } = card?.power ?? { min: null, max: null };
    if (!card || min === null || max === null) {
      throw new AgentError(
        'invalid_settings',
        `No power range is known for GPU ${uuid}, so no power limit can be set for it.`,
        'Detect the hardware again; if the driver reports no power range, leave the limit empty.',
      );
    }
    if (gpu.powerLimitW < min || gpu.powerLimitW > max) {
      throw new AgentError(
        'invalid_settings',
        `A power limit of ${gpu.powerLimitW} W is outside what ${card.name} allows (${min}–${max} W).`,
        'Nothing was saved. Pick a value in that range, or leave the limit empty.',
      );
    }
  }
}
