/**
 * Issue 13, problem 10: the earnings charts' y-axes were a fixed 64 px, so "$0.00285" lost
 * its first characters, and the Year view labelled months "Dec 26" (read as the 26th).
 */
import { describe, expect, it } from 'vitest';
import { axisWidth, bucketLabel } from '../../../renderer/features/earnings/earnings-view';

describe('earnings chart axes', () => {
  it('a month bucket names its full year', () => {
    const label = bucketLabel('2026-12-01T00:00:00.000Z', 'month', 'UTC');
    expect(label).toContain('2026');
    expect(label).not.toMatch(/\b26\b/);
  });

  it('the y-axis is as wide as its longest label needs, never the old fixed 64 px for small dollars', () => {
    const usd = (v: number) => `$${v}`;
    const width = axisWidth([0.00285, 0.0012, 0], usd);
    // "$0.00285" is 8 characters: about 7.5 px each, plus room for a longer nice tick.
    expect(width).toBeGreaterThanOrEqual(8 * 7.5);
    expect(width).toBeGreaterThan(64);
    expect(axisWidth([12, 3], usd)).toBeLessThan(width);
    expect(axisWidth([], usd)).toBeGreaterThanOrEqual(40);
  });
});
