import { describe, expect, it } from 'vitest';
import {
  explorerAddressUrl,
  explorerTxUrl,
  formatSeconds,
  relativeTime,
  shortAddress,
  shortHash,
  toMs,
  usdFromMicros,
  usdPerHour,
} from '../../../renderer/features/market/market-format';

const HASH = `0x${'1f'.repeat(32)}`;

describe('market formatting', () => {
  it('turns token micros into dollars without floats', () => {
    expect(usdFromMicros('300000')).toBe('$0.30');
    expect(usdFromMicros('1234567')).toBe('$1.234567');
    expect(usdFromMicros(5_000_000n)).toBe('$5.00');
    expect(usdFromMicros('0')).toBe('$0.00');
    // Larger than any float can hold exactly: still exact.
    expect(usdFromMicros('123456789012345678901234')).toBe('$123456789012345678.901234');
    expect(usdFromMicros(-250_000n)).toBe('-$0.25');
    expect(usdFromMicros(null)).toBe('—');
    expect(usdFromMicros('not a number')).toBe('—');
    expect(usdPerHour('300000')).toBe('$0.30/h');
  });

  it('shortens addresses and hashes, leaving anything else as it is', () => {
    expect(shortAddress('0x70997970C51812dc3A010C7d01b50e0d17dc79C8')).toBe('0x7099…79C8');
    expect(shortAddress('not-an-address')).toBe('not-an-address');
    expect(shortAddress(null)).toBe('—');
    expect(shortHash(HASH)).toBe('0x1f1f1f1f…1f1f1f');
    expect(shortHash('0x12')).toBe('0x12');
  });

  it('words lengths of time', () => {
    expect(formatSeconds(45)).toBe('45 s');
    expect(formatSeconds(60)).toBe('1 min');
    expect(formatSeconds(40 * 60)).toBe('40 min');
    expect(formatSeconds(3600)).toBe('1 h');
    expect(formatSeconds(5400)).toBe('1 h 30 min');
    expect(formatSeconds(3 * 86400)).toBe('3 d');
    expect(formatSeconds(2 * 86400 + 4 * 3600)).toBe('2 d 4 h');
    expect(formatSeconds(-5)).toBe('0 s');
  });

  it('says deadlines relative to now', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(relativeTime(now + 12 * 60_000, now)).toBe('in 12 min');
    expect(relativeTime(now - 3 * 60_000, now)).toBe('3 min ago');
    expect(relativeTime(now + 2000, now)).toBe('now');
    expect(relativeTime(null, now)).toBe('—');
    expect(toMs('2025-01-01T00:00:00Z')).toBe(now);
    expect(toMs(1735689600)).toBe(now);
    expect(toMs('garbage')).toBeNull();
  });

  it('links to a block explorer only for known public networks, never for the devnet', () => {
    expect(explorerTxUrl(1, HASH)).toBe(`https://etherscan.io/tx/${HASH}`);
    expect(explorerTxUrl(84532, HASH)).toBe(`https://sepolia.basescan.org/tx/${HASH}`);
    expect(explorerTxUrl(31337, HASH)).toBeNull();
    expect(explorerTxUrl(1, HASH, true)).toBeNull();
    expect(explorerTxUrl(987654, HASH)).toBeNull();
    expect(explorerTxUrl(1, '0xnothash')).toBeNull();
    expect(explorerAddressUrl(8453, '0x70997970C51812dc3A010C7d01b50e0d17dc79C8')).toBe(
      'https://basescan.org/address/0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
    );
  });
});
