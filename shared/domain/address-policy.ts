/**
 * Which IP addresses a job may make the owner's PC (or its Docker engine) contact: only
 * public unicast ones. Job input URLs, result uploads, the egress firewall and the registry
 * host of every image reference are judged here, in one place.
 *
 * The table is the IANA IPv4 and IPv6 Special-Purpose Address Registries (plus multicast
 * and the unallocated IPv6 space outside 2000::/3), parsed and matched by ipaddr.js, a
 * kept library, instead of hand-written bit arithmetic. Every special-purpose block is
 * refused, also the few the registry calls globally reachable (AS112, AMT, the anycast
 * PCP/TURN addresses): no job input lives there, and a shorter rule is easier to trust.
 * ipaddr.js's own range() must also say "unicast", so a range it learns later is refused
 * too.
 *
 * Addresses that carry an IPv4 address inside IPv6 are judged by the IPv4 address:
 * IPv4-mapped ::ffff:a.b.c.d, IPv4-translated ::ffff:0:a.b.c.d, IPv4-compatible ::a.b.c.d,
 * NAT64 64:ff9b::/96 and 6to4 2002::/16. Local-use NAT64 64:ff9b:1::/48 is refused
 * whole (its operator may map it to private IPv4), and so is Teredo 2001::/32, whose
 * client address (the last 32 bits, inverted) is named in the reason.
 *
 * Pure (shared/): the Node side pins every connection to an address judged here, see
 * electron/agent/net/pinned-lookup.ts.
 */
import ipaddr from 'ipaddr.js';

type Range = readonly [cidr: string, kind: string];

/** IANA IPv4 Special-Purpose Address Registry, and multicast (RFC 5771). */
export const SPECIAL_IPV4_RANGES: readonly Range[] = [
  ['0.0.0.0/8', '"this network" (0.0.0.0/8)'],
  ['10.0.0.0/8', 'private (10.0.0.0/8)'],
  ['100.64.0.0/10', 'carrier-grade NAT (100.64.0.0/10)'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local or cloud metadata (169.254.0.0/16)'],
  ['172.16.0.0/12', 'private (172.16.0.0/12)'],
  ['192.0.0.0/24', 'IETF protocol assignment (192.0.0.0/24)'],
  ['192.0.2.0/24', 'documentation (192.0.2.0/24)'],
  ['192.31.196.0/24', 'AS112 (192.31.196.0/24)'],
  ['192.52.193.0/24', 'AMT (192.52.193.0/24)'],
  ['192.88.99.0/24', 'deprecated 6to4 relay anycast (192.88.99.0/24)'],
  ['192.168.0.0/16', 'private (192.168.0.0/16)'],
  ['192.175.48.0/24', 'AS112 direct delegation (192.175.48.0/24)'],
  ['198.18.0.0/15', 'benchmarking (198.18.0.0/15)'],
  ['198.51.100.0/24', 'documentation (198.51.100.0/24)'],
  ['203.0.113.0/24', 'documentation (203.0.113.0/24)'],
  ['224.0.0.0/4', 'multicast'],
  ['255.255.255.255/32', 'broadcast'],
  ['240.0.0.0/4', 'reserved (240.0.0.0/4)'],
];

/**
 * IANA IPv6 Special-Purpose Address Registry, multicast and deprecated site-local. The
 * forms that embed IPv4 are handled before this table (see ipv4Inside).
 */
export const SPECIAL_IPV6_RANGES: readonly Range[] = [
  ['::/128', 'unspecified (::)'],
  ['::1/128', 'loopback'],
  ['64:ff9b:1::/48', 'local-use NAT64 (64:ff9b:1::/48)'],
  ['100::/64', 'discard-only (100::/64)'],
  ['100:0:0:1::/64', 'dummy prefix (100:0:0:1::/64)'],
  ['2001::/32', 'Teredo (2001::/32)'],
  ['2001:1::1/128', 'PCP anycast (2001:1::1)'],
  ['2001:1::2/128', 'TURN anycast (2001:1::2)'],
  ['2001:1::3/128', 'DNS-SD service registration anycast (2001:1::3)'],
  ['2001:2::/48', 'benchmarking (2001:2::/48)'],
  ['2001:3::/32', 'AMT (2001:3::/32)'],
  ['2001:4:112::/48', 'AS112 (2001:4:112::/48)'],
  ['2001:10::/28', 'deprecated ORCHID (2001:10::/28)'],
  ['2001:20::/28', 'ORCHIDv2 (2001:20::/28)'],
  ['2001:30::/28', 'drone remote ID (2001:30::/28)'],
  ['2001::/23', 'IETF protocol assignment (2001::/23)'],
  ['2001:db8::/32', 'documentation (2001:db8::/32)'],
  ['2620:4f:8000::/48', 'AS112 direct delegation (2620:4f:8000::/48)'],
  ['3fff::/20', 'documentation (3fff::/20)'],
  ['5f00::/16', 'segment routing (5f00::/16)'],
  ['fc00::/7', 'unique local (fc00::/7)'],
  ['fe80::/10', 'link-local (fe80::/10)'],
  ['fec0::/10', 'site-local (fec0::/10)'],
  ['ff00::/8', 'multicast'],
];

/** The IPv4 blocks as CIDR text (the egress firewall drops them for IPv4). */
export const NON_PUBLIC_IPV4_RANGES: readonly string[] = SPECIAL_IPV4_RANGES.map(([cidr]) => cidr);

const V4 = SPECIAL_IPV4_RANGES.map(([cidr, kind]) => ({ range: ipaddr.IPv4.parseCIDR(cidr), kind }));
const V6 = SPECIAL_IPV6_RANGES.map(([cidr, kind]) => ({ range: ipaddr.IPv6.parseCIDR(cidr), kind }));
const GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR('2000::/3');

/**
 * What kind of non-public address this is ("loopback", "private (10.0.0.0/8)", ...), or
 * null when it is a public address or not an IP literal at all (a host name: resolve it
 * and judge every address). Accepts dotted-quad IPv4 only (what URL parsers and resolvers
 * produce), any IPv6 text, and "[...]" brackets and "%zone" suffixes.
 */
export function nonPublicAddressKind(text: string): string | null {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (ipaddr.IPv4.isValidFourPartDecimal(bare)) return ipv4Kind(ipaddr.IPv4.parse(bare));
  // ipaddr accepts "fe80::1%eth0" (a zone names an interface; the address is what counts).
  if (!bare.includes(':') || !ipaddr.IPv6.isValid(bare)) return null;
  return ipv6Kind(ipaddr.IPv6.parse(bare));
}

/** True when `text` is an IP literal (either family), in the forms nonPublicAddressKind reads. */
export function isIpLiteral(text: string): boolean {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  return ipaddr.IPv4.isValidFourPartDecimal(bare) || (bare.includes(':') && ipaddr.IPv6.isValid(bare));
}

function ipv4Kind(address: ipaddr.IPv4): string | null {
  for (const { range, kind } of V4) if (address.match(range)) return kind;
  return address.range() === 'unicast' ? null : `special-purpose (${address.range()})`;
}

function ipv6Kind(address: ipaddr.IPv6): string | null {
  const inside = ipv4Inside(address);
  // Judged as the IPv4 host it reaches (so an allowed loopback stays allowed in any form).
  if (inside) return ipv4Kind(inside.v4);
  for (const { range, kind } of V6) {
    if (!address.match(range)) continue;
    if (kind.startsWith('Teredo')) return `${kind} for client ${teredoClient(address)}`;
    return kind;
  }
  if (!address.match(GLOBAL_UNICAST)) return 'unallocated IPv6 (outside 2000::/3)';
  const range = address.range();
  return range === 'unicast' ? null : `special-purpose (${range})`;
}

/** The IPv4 address an IPv6 form carries, where the form means "this IPv4 host". */
function ipv4Inside(address: ipaddr.IPv6): { v4: ipaddr.IPv4; form: string } | null {
  // form: for the reader (and a debugger); the verdict depends on v4 only.
  const p = address.parts;
  const v4 = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  const zeros = (from: number, to: number) => p.slice(from, to).every((g) => g === 0);
  if (zeros(0, 5) && p[5] === 0xffff) return { v4: v4(p[6]!, p[7]!), form: 'IPv4-mapped' };
  if (zeros(0, 4) && p[4] === 0xffff && p[5] === 0) return { v4: v4(p[6]!, p[7]!), form: 'IPv4-translated' };
  // IPv4-compatible (deprecated) ::a.b.c.d; :: and ::1 themselves are in the table.
  if (zeros(0, 6) && (p[6] !== 0 || p[7]! > 1)) return { v4: v4(p[6]!, p[7]!), form: 'IPv4-compatible' };
  if (p[0] === 0x64 && p[1] === 0xff9b && zeros(2, 6)) return { v4: v4(p[6]!, p[7]!), form: 'NAT64' };
  if (p[0] === 0x2002) return { v4: v4(p[1]!, p[2]!), form: '6to4' };
  return null;
}

/** Teredo keeps the client's public IPv4 in the last 32 bits, each bit inverted (RFC 4380). */
function teredoClient(address: ipaddr.IPv6): string {
  const p = address.parts;
  const hi = ~p[6]! & 0xffff;
  const lo = ~p[7]! & 0xffff;
  return new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]).toString();
}

/**
 * Exceptions the owner (or a test) sets explicitly: a local registry or a local input
 * server. Nothing a job says can widen it.
 */
export interface AddressPolicy {
  /** 127.0.0.0/8 and ::1 (a registry or file server on this machine). */
  allowLoopback?: boolean;
}

export const PUBLIC_ONLY: AddressPolicy = Object.freeze({});

/** Why `address` may not be contacted under `policy`, or null when it may. */
export function addressRefusal(address: string, policy: AddressPolicy = PUBLIC_ONLY): string | null {
  const kind = nonPublicAddressKind(address);
  if (!kind) return null;
  if (policy.allowLoopback && kind === 'loopback') return null;
  return kind;
}
