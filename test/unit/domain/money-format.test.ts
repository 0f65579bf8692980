import { describe, expect, it } from 'vitest';
import { formatUsdMicros } from '../../../shared/domain/money-format';

describe('formatUsdMicros: the precision an amount needs', () => {
  it('never shows a non-zero amount as $0.00, and never base units', () => {
    expect(formatUsdMicros(3400n)).toBe('$0.0034'); // 12 paid CPU jobs' net (issue 13)
    expect(formatUsdMicros('1')).toBe('$0.000001');
    expect(formatUsdMicros(110n)).toBe('$0.00011');
    expect(formatUsdMicros(19_800n)).toBe('$0.0198');
    expect(formatUsdMicros(10_000_000n)).toBe('$10.00'); // not "10000000 tUSD base units"
  });

  it('cents from a dollar up; three significant digits below', () => {
    expect(formatUsdMicros(0n)).toBe('$0.00');
    expect(formatUsdMicros(250_000n)).toBe('$0.25');
    expect(formatUsdMicros(108_000n)).toBe('$0.108');
    expect(formatUsdMicros(594_000n)).toBe('$0.594');
    expect(formatUsdMicros(1_234_567n)).toBe('$1.23');
    expect(formatUsdMicros(999_999n)).toBe('$1.00');
    expect(formatUsdMicros(-4_125n)).toBe('-$0.00413');
  });

  it('says "—" for nothing or something that is not an amount', () => {
    expect(formatUsdMicros(null)).toBe('—');
    expect(formatUsdMicros('abc')).toBe('—');
  });
});
