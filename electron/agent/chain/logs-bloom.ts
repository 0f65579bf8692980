/**
 * A block's logs bloom (Ethereum yellow paper, M3:2048): 2048 bits where every log sets three
 * bits for its address and three for each topic. A bloom without our contract's bits proves
 * the block has none of its logs, so a follower skips eth_getLogs for it (an idle chain with
 * blocks every second costs one head read a block, not two requests).
 */
import { getBytes, keccak256 } from 'ethers';

export function bloomMayContain(bloom: string, value: string): boolean {
  if (!/^0x[0-9a-fA-F]{512}$/.test(bloom)) return true; // unknown: assume it may
  const bits = getBytes(bloom);
  const hash = getBytes(keccak256(value));
  for (let i = 0; i < 6; i += 2) {
    const bit = ((hash[i]! << 8) | hash[i + 1]!) & 2047;
    const byte = bits[256 - 1 - Math.floor(bit / 8)]!;
    if ((byte & (1 << (bit % 8))) === 0) return false;
  }
  return true;
}
