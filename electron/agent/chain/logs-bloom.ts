/**
 * A block's logs bloom (Ethereum yellow paper, M3:2048): 2048 bits where every log sets three
 * bits for its address and three for each topic. A bloom without our contract's bits proves
 * the block has none of its logs, so a follower skips eth_getLogs for it (an idle chain with
 * blocks every second costs one head read a block, not two requests).
 *
 * Checked once per head, so it is kept cheap: the three bit positions of a value are hashed
 * once and remembered, and only the three bloom bytes they fall in are read from the hex.
 */
import { getBytes, keccak256 } from 'ethers';

const positions = new Map<string, number[]>();

function bitsOf(value: string): number[] {
  const key = value.toLowerCase();
  let bits = positions.get(key);
  if (!bits) {
    const hash = getBytes(keccak256(value));
    bits = [0, 2, 4].map((i) => ((hash[i]! << 8) | hash[i + 1]!) & 2047);
    if (positions.size > 64) positions.clear();
    positions.set(key, bits);
  }
  return bits;
}

export function bloomMayContain(bloom: string, value: string): boolean {
  if (bloom.length !== 514 || !/^0x[0-9a-fA-F]{512}$/.test(bloom)) return true; // unknown: assume it may
  for (const bit of bitsOf(value)) {
    const index = 256 - 1 - Math.floor(bit / 8);
    const byte = parseInt(bloom.slice(2 + index * 2, 4 + index * 2), 16);
    if ((byte & (1 << (bit % 8))) === 0) return false;
  }
  return true;
}
