/**
 * Every block of the IANA IPv4 and IPv6 special-purpose registries is refused at its
 * first, middle and last address, in every IPv6 form that carries an IPv4 address; public
 * addresses next to them are not.
 */
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import {
  addressRefusal,
  isIpLiteral,
  nonPublicAddressKind,
  SPECIAL_IPV4_RANGES,
  SPECIAL_IPV6_RANGES,
} from '../../../shared/domain/address-policy';

function toBigInt(address: ipaddr.IPv4 | ipaddr.IPv6): bigint {
  return address.toByteArray().reduce((n, byte) => (n << 8n) | BigInt(byte), 0n);
}

function fromBigInt(value: bigint, bytes: number): string {
  const out: number[] = [];
  for (let i = 0; i < bytes; i += 1) out.unshift(Number((value >> BigInt(8 * i)) & 0xffn));
  return ipaddr.fromByteArray(out).toString();
}

/** First, middle and last address of a CIDR block. */
function samples(cidr: string): [string, string, string] {
  const [base, bits] = ipaddr.parseCIDR(cidr);
  const width = base.kind() === 'ipv4' ? 32 : 128;
  const first = toBigInt(base) & ~((1n << BigInt(width - bits)) - 1n);
  const size = 1n << BigInt(width - bits);
  const bytes = width / 8;
  return [fromBigInt(first, bytes), fromBigInt(first + size / 2n, bytes), fromBigInt(first + size - 1n, bytes)];
}

const v4Cases = SPECIAL_IPV4_RANGES.flatMap(([cidr]) => samples(cidr).map((address) => [cidr, address] as const));
const v6Cases = SPECIAL_IPV6_RANGES.flatMap(([cidr]) => samples(cidr).map((address) => [cidr, address] as const));

/** The IPv6 forms that mean "this IPv4 host". */
function embeddings(v4: string): string[] {
  const [a, b, c, d] = ipaddr.IPv4.parse(v4).octets as [number, number, number, number];
  const hex = (hi: number, lo: number) => ((hi << 8) | lo).toString(16);
  return [
    `::ffff:${v4}`, // IPv4-mapped
    `::ffff:0:${hex(a, b)}:${hex(c, d)}`, // IPv4-translated (SIIT), e.g. ::ffff:0:7f00:1
    `64:ff9b::${hex(a, b)}:${hex(c, d)}`, // NAT64 well-known prefix
    `2002:${hex(a, b)}:${hex(c, d)}::1`, // 6to4
  ];
}

describe('address policy: the IANA IPv4 special-purpose registry', () => {
  it.each(v4Cases)('%s: %s is refused', (_cidr, address) => {
    expect(nonPublicAddressKind(address)).not.toBeNull();
  });

  it.each(v4Cases)(
    '%s: %s is refused inside IPv6 too',
    (_cidr, address) => {
      for (const form of embeddings(address)) expect(nonPublicAddressKind(form), form).not.toBeNull();
    },
  );

  it.each([
    ['100.64.0.0', 'carrier-grade NAT (100.64.0.0/10)'],
    ['100.127.255.255', 'carrier-grade NAT (100.64.0.0/10)'],
    ['192.0.2.1', 'documentation (192.0.2.0/24)'],
    ['198.51.100.7', 'documentation (198.51.100.0/24)'],
    ['203.0.113.255', 'documentation (203.0.113.0/24)'],
    ['198.18.0.0', 'benchmarking (198.18.0.0/15)'],
    ['198.19.255.255', 'benchmarking (198.18.0.0/15)'],
    ['192.0.0.9', 'IETF protocol assignment (192.0.0.0/24)'],
    ['192.88.99.1', 'deprecated 6to4 relay anycast (192.88.99.0/24)'],
    ['169.254.169.254', 'link-local or cloud metadata (169.254.0.0/16)'],
    ['255.255.255.255', 'broadcast'],
    ['239.255.255.250', 'multicast'],
  ])('%s is %s', (address, kind) => {
    expect(nonPublicAddressKind(address)).toBe(kind);
  });

  it.each(['1.1.1.1', '8.8.8.8', '9.255.255.255', '11.0.0.0', '100.63.255.255', '100.128.0.0', '172.15.255.255', '172.32.0.0',
    '192.0.1.255', '192.0.3.0', '192.167.255.255', '192.169.0.0', '198.17.255.255', '198.20.0.0', '223.255.255.255'])(
    '%s (public, next to a special block) is allowed',
    (address) => {
      expect(nonPublicAddressKind(address)).toBeNull();
      for (const form of embeddings(address)) expect(nonPublicAddressKind(form), form).toBeNull();
    },
  );
});

describe('address policy: the IANA IPv6 special-purpose registry', () => {
  it.each(v6Cases)('%s: %s is refused', (_cidr, address) => {
    expect(nonPublicAddressKind(address)).not.toBeNull();
  });

  it.each([
    ['::ffff:0:7f00:1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:0:a00:1', 'private (10.0.0.0/8)'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'link-local or cloud metadata (169.254.0.0/16)'],
    ['64:ff9b:1::808:808', 'local-use NAT64 (64:ff9b:1::/48)'],
    ['64:ff9b:1:ffff:ffff:ffff:ffff:ffff', 'local-use NAT64 (64:ff9b:1::/48)'],
    ['2002:c0a8:0101::', 'private (192.168.0.0/16)'],
    ['2002:7f00:1::', 'loopback'],
    // Teredo server 65.54.227.120, client 192.0.2.45 (RFC 4380's example, bits inverted).
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo (2001::/32) for client 192.0.2.45'],
    ['2001:db8::1', 'documentation (2001:db8::/32)'],
    ['3fff::1', 'documentation (3fff::/20)'],
    ['2001:2::1', 'benchmarking (2001:2::/48)'],
    ['2001:20::1', 'ORCHIDv2 (2001:20::/28)'],
    ['2001:10::1', 'deprecated ORCHID (2001:10::/28)'],
    ['100::1', 'discard-only (100::/64)'],
    ['fd12:3456::1', 'unique local (fc00::/7)'],
    ['FE80::abcd', 'link-local (fe80::/10)'],
    ['fe80::1%eth0', 'link-local (fe80::/10)'],
    ['[::1]', 'loopback'],
    ['ff02::fb', 'multicast'],
    ['::', 'unspecified (::)'],
    ['1:2:3:4:5:6:7:8', 'unallocated IPv6 (outside 2000::/3)'],
    ['4000::1', 'unallocated IPv6 (outside 2000::/3)'],
  ])('%s is %s', (address, kind) => {
    expect(nonPublicAddressKind(address)).toBe(kind);
  });

  it.each(['2606:4700:4700::1111', '2a00:1450:4001:82b::200e', '2001:200::1', '2001:4860:4860::8888', '2002:808:808::1', '64:ff9b::808:808', '::ffff:8.8.8.8'])(
    '%s (public) is allowed',
    (address) => {
      expect(nonPublicAddressKind(address)).toBeNull();
    },
  );
});

describe('address policy: what is an address, and the owner\'s exceptions', () => {
  it.each(['example.com', '1.2.3', '01.2.3.4', '0x7f.0.0.1', '2130706433', '1::2::3', ''])('%j is not an IP literal', (text) => {
    expect(isIpLiteral(text)).toBe(false);
    expect(nonPublicAddressKind(text)).toBeNull();
  });

  it('allows loopback, in any form, only when the owner (or a test) says so', () => {
    for (const address of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) {
      expect(addressRefusal(address)).toBe('loopback');
      expect(addressRefusal(address, { allowLoopback: true })).toBeNull();
    }
    expect(addressRefusal('10.0.0.1', { allowLoopback: true })).toBe('private (10.0.0.0/8)');
    expect(addressRefusal('8.8.8.8')).toBeNull();
  });
});
