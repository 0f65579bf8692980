import { describe, expect, it } from 'vitest';
import { addBlockedRequester, addImagePrefix, removeFrom } from '../../../renderer/features/market/market-lists';

const CHECKSUMMED = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

describe('block list', () => {
  it('stores addresses checksummed, whatever case they were typed in', () => {
    const lower = addBlockedRequester([], `  ${CHECKSUMMED.toLowerCase()} `);
    expect(lower).toEqual({ ok: true, list: [CHECKSUMMED], value: CHECKSUMMED });
    const upper = addBlockedRequester([], `0x${CHECKSUMMED.slice(2).toUpperCase()}`);
    expect(upper.ok && upper.value).toBe(CHECKSUMMED);
  });

  it('refuses a mixed-case address whose checksum is wrong (a mistyped character)', () => {
    // Flip the case of one letter: still 40 hex digits, but the EIP-55 checksum breaks.
    const typo = CHECKSUMMED.replace('C51812', 'c51812');
    const result = addBlockedRequester([], typo);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/checksum/);
  });

  it('refuses what is not an address, and duplicates in any case', () => {
    expect(addBlockedRequester([], '').ok).toBe(false);
    const short = addBlockedRequester([], '0x1234');
    expect(!short.ok && short.message).toMatch(/0x followed by 40 hex digits/);
    const dup = addBlockedRequester([CHECKSUMMED], CHECKSUMMED.toLowerCase());
    expect(!dup.ok && dup.message).toMatch(/already blocked/);
  });
});

describe('image lists', () => {
  it('accepts image name prefixes', () => {
    expect(addImagePrefix([], ' ghcr.io/acme/ ')).toEqual({ ok: true, list: ['ghcr.io/acme/'], value: 'ghcr.io/acme/' });
    expect(addImagePrefix(['a/'], 'localhost:5000/render').ok).toBe(true);
  });

  it('refuses digests, spaces, upper case, duplicates and entries of the other list', () => {
    const digest = addImagePrefix([], `busybox@sha256:${'0'.repeat(64)}`);
    expect(!digest.ok && digest.message).toMatch(/digest/);
    expect(addImagePrefix([], 'ghcr.io/acme render').ok).toBe(false);
    expect(addImagePrefix([], 'GHCR.io/Acme').ok).toBe(false);
    expect(addImagePrefix(['ghcr.io/acme/'], 'ghcr.io/acme/').ok).toBe(false);
    const other = addImagePrefix([], 'ghcr.io/acme/', { list: ['ghcr.io/acme/'], name: 'denied images' });
    expect(!other.ok && other.message).toMatch(/denied images/);
    expect(addImagePrefix([], '').ok).toBe(false);
    expect(addImagePrefix([], 'a'.repeat(300)).ok).toBe(false);
  });

  it('removes one entry', () => {
    expect(removeFrom(['a', 'b', 'c'], 'b')).toEqual(['a', 'c']);
  });
});
