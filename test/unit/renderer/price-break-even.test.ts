import { describe, expect, it } from 'vitest';
import { belowBreakEven, pricedDevices } from '../../../renderer/features/controls/price-form';
import { DEFAULT_SETTINGS } from '../../../shared/domain/settings';

const price = DEFAULT_SETTINGS.controls.price; // 0.18 USD/kWh, 90 W for the rest of the PC, 10 % margin

describe('the price step\'s break-even', () => {
  it('prices the CPU of a machine without an NVIDIA GPU at the rest of the PC\'s draw, as the agent does', () => {
    expect(pricedDevices(null, [])).toEqual([{ uuid: 'cpu', name: 'CPU', powerW: 0, estimated: false, cpu: true }]);
    expect(pricedDevices({ gpus: [] } as never, [])).toHaveLength(1);
  });

  it('is never crossed while "never below break-even" is on, whatever the floor', () => {
    expect(belowBreakEven({ ...price, floorMicrosPerHour: '0' }, pricedDevices(null, []))).toBeNull();
  });

  it('is crossed by a lower floor with the guard off (90 W × 0.18 USD/kWh / 0.9 = 0.018 USD/h)', () => {
    const off = { ...price, neverBelowBreakEven: false };
    expect(belowBreakEven({ ...off, floorMicrosPerHour: '17999' }, pricedDevices(null, []))).toMatchObject({
      floorMicrosPerHour: 17_999n,
      breakEvenMicrosPerHour: 18_000n,
    });
    expect(belowBreakEven({ ...off, floorMicrosPerHour: '18000' }, pricedDevices(null, []))).toBeNull();
  });

  it('skips a device whose power draw is unknown', () => {
    const unknown = [{ uuid: 'g', name: 'GPU', powerW: null, estimated: true }];
    expect(belowBreakEven({ ...price, neverBelowBreakEven: false }, unknown)).toBeNull();
  });
});
