import { getBytes, hexlify, keccak256 } from 'ethers';
import { describe, expect, it } from 'vitest';
import { bloomMayContain } from '../../../electron/agent/chain/logs-bloom';

/** A bloom built the yellow-paper way (M3:2048), independently of the module under test. */
function bloomOf(values: string[]): string {
  const bloom = new Uint8Array(256);
  for (const value of values) {
    const hash = getBytes(keccak256(value));
    for (let i = 0; i < 6; i += 2) {
      const bit = ((hash[i]! << 8) | hash[i + 1]!) & 2047;
      bloom[255 - (bit >> 3)]! |= 1 << (bit & 7);
    }
  }
  return hexlify(bloom);
}

const MARKET = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const OTHER = '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512';

describe('bloomMayContain', () => {
  it('finds an address whose bits are set, in any letter case, and not one whose are not', () => {
    const bloom = bloomOf([MARKET]);
    expect(bloomMayContain(bloom, MARKET)).toBe(true);
    expect(bloomMayContain(bloom, MARKET.toLowerCase())).toBe(true);
    expect(bloomMayContain(bloom.toUpperCase().replace('0X', '0x'), MARKET)).toBe(true);
    expect(bloomMayContain(bloom, OTHER)).toBe(false);
    expect(bloomMayContain(bloomOf([]), MARKET)).toBe(false);
    expect(bloomMayContain(bloomOf([OTHER, MARKET]), OTHER)).toBe(true);
  });

  it('answers "may" for a bloom it cannot read', () => {
    expect(bloomMayContain('0x', MARKET)).toBe(true);
    expect(bloomMayContain(`0x${'zz'.repeat(256)}`, MARKET)).toBe(true);
  });
});
