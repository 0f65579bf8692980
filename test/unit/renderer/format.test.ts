import { describe, expect, it } from 'vitest';
import { formatUsd } from '../../../renderer/lib/format';

describe('formatUsd', () => {
  it('shows cents for normal prices', () => {
    expect(formatUsd(0.31)).toBe('$0.31');
    expect(formatUsd(1.125)).toBe('$1.125');
    expect(formatUsd(0)).toBe('$0.00');
  });

  it('never rounds a positive sub-cent price to $0.00', () => {
    expect(formatUsd(0.00027)).toBe('$0.00027');
    expect(formatUsd(0.0049)).toBe('$0.0049');
  });
});
