/**
 * Connections to hosts a stranger names (job inputs, result uploads) go only to addresses
 * the address policy allows, and only to the address that was checked.
 *
 * A check before the connect is not enough: the connect resolves the name again, and a
 * DNS-rebinding server answers a public address to the check and 127.0.0.1 to the connect.
 * So the check happens inside the lookup the socket itself uses: the name is resolved
 * once, every answer is judged, and the socket gets exactly one of the judged addresses.
 */
import { promises as dns, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { type AddressPolicy, addressRefusal, isIpLiteral, PUBLIC_ONLY } from '../../../shared/domain/address-policy';

/** Name -> addresses (dns.lookup by default; tests pass a scripted one). */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

export class AddressRefusedError extends Error {
  constructor(
    readonly hostname: string,
    readonly address: string,
    readonly kind: string,
  ) {
    super(
      hostname === address
        ? `${address} is ${article(kind)} ${kind} address, which jobs may not reach`
        : `${hostname} resolves to ${address}, ${article(kind)} ${kind} address, which jobs may not reach`,
    );
    this.name = 'AddressRefusedError';
  }
}

function article(kind: string): string {
  return /^(un[^i]|[aeio])/i.test(kind) ? 'an' : 'a';
}

/**
 * Resolves `hostname` once and returns the one address to connect to; throws
 * AddressRefusedError unless every address it resolves to is allowed (one bad answer
 * among good ones is still an attempt).
 */
export async function resolveChecked(
  hostname: string,
  policy: AddressPolicy = PUBLIC_ONLY,
  resolver: Resolver = systemResolver,
  family: 0 | 4 | 6 = 0,
): Promise<LookupAddress> {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  const answers = isIpLiteral(bare) ? [{ address: bare, family: bare.includes(':') ? 6 : 4 }] : await resolver(bare);
  if (answers.length === 0) throw new Error(`${hostname} does not resolve`);
  for (const { address } of answers) {
    const kind = addressRefusal(address, policy);
    if (kind) throw new AddressRefusedError(bare, address, kind);
  }
  const chosen = answers.find((a) => family === 0 || a.family === family);
  if (!chosen) throw new Error(`${hostname} has no IPv${family} address`);
  return chosen;
}

/**
 * A `lookup` for http(s).request / net.connect: resolves, checks and pins (the socket is
 * given the checked address, never a list it could fall through to something else).
 */
export function pinnedLookup(policy: AddressPolicy = PUBLIC_ONLY, resolver: Resolver = systemResolver): LookupFunction {
  return (hostname, options, callback) => {
    const family = options.family === 4 || options.family === 6 ? options.family : 0;
    resolveChecked(hostname, policy, resolver, family).then(
      (chosen) => {
        if (options.all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, [chosen]);
        else callback(null, chosen.address, chosen.family);
      },
      (error: Error) => callback(error as NodeJS.ErrnoException, '', 4),
    );
  };
}
