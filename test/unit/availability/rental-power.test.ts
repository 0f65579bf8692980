import { describe, expect, it } from 'vitest';
import { createRentalPower, type PowerControl } from '../../../electron/agent/availability/rental-power';
import type { PowerLimitOutcome } from '../../../electron/agent/power/power-limiter';
import { rtx4090 } from '../../fakes/fake-agent-deps';
import { recordingLogger } from '../../helpers/silent-logger';
import { controls } from './fixtures';

function recordingPower(applyOutcome: PowerLimitOutcome): PowerControl & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    apply: async (gpu, watts) => (calls.push(`apply ${gpu.uuid} ${watts}`), applyOutcome),
    restore: async (uuid) => (calls.push(`restore ${uuid}`), { applied: true, watts: 450, gpuUuid: uuid }),
  };
}

const withLimit = controls({ gpus: { [rtx4090.uuid]: { enabled: true, powerLimitW: 250 } } });

describe('rental power limits', () => {
  it('limits the card while it rents and puts the old limit back afterwards', async () => {
    const power = recordingPower({ applied: true, watts: 250, gpuUuid: rtx4090.uuid });
    const rental = createRentalPower({ power, controls: () => withLimit, gpus: () => [rtx4090], clock: { now: () => new Date(0) }, logger: recordingLogger().logger, onChange: () => undefined });
    await rental.sync([rtx4090.uuid]);
    await rental.sync([rtx4090.uuid]);
    expect(rental.statuses()[0]).toMatchObject({ state: 'applied', watts: 250, message: 'Limited to 250 W for this rental.' });
    await rental.sync([]);
    expect(power.calls).toEqual([`apply ${rtx4090.uuid} 250`, `restore ${rtx4090.uuid}`]);
    expect(rental.statuses()[0]).toMatchObject({ state: 'restored', watts: 450 });
  });

  it('says why when the limit cannot be applied, and restores nothing it did not change', async () => {
    const power = recordingPower({ applied: false, code: 'elevation-unavailable', reason: 'No sudo rule for the power helper.', hint: 'See resources/power-helper/README.md.', gpuUuid: rtx4090.uuid });
    const rental = createRentalPower({ power, controls: () => withLimit, gpus: () => [rtx4090], clock: { now: () => new Date(0) }, logger: recordingLogger().logger, onChange: () => undefined });
    await rental.sync([rtx4090.uuid]);
    expect(rental.statuses()[0]).toMatchObject({ state: 'failed', message: expect.stringContaining('No sudo rule for the power helper.') });
    await rental.sync([]);
    expect(power.calls).toEqual([`apply ${rtx4090.uuid} 250`]);
  });

  it('leaves a card without a limit setting alone', async () => {
    const power = recordingPower({ applied: true, watts: 250, gpuUuid: rtx4090.uuid });
    const rental = createRentalPower({ power, controls: () => controls(), gpus: () => [rtx4090], clock: { now: () => new Date(0) }, logger: recordingLogger().logger, onChange: () => undefined });
    await rental.sync([rtx4090.uuid]);
    expect(power.calls).toEqual([]);
    expect(rental.statuses()).toEqual([]);
  });
});
