/**
 * Input URLs come from strangers but are fetched from the owner's network: without a
 * check, a job could make the agent send requests to the owner's router or NAS (and learn
 * from the failure whether they exist). The validator refuses IP literals; here every
 * address a host name resolves to must be public too.
 * Known gap: fetch resolves the name again, so a DNS-rebinding server could switch answers
 * in between; the sha256 check still means it never gets content into a job.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { nonPublicAddressKind } from '../../../shared/domain/job-spec-validation';

/** Throws unless every address the host resolves to is public. */
export async function assertPublicHost(hostname: string): Promise<void> {
  const bare = hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(bare) ? [bare] : (await lookup(bare, { all: true })).map((a) => a.address);
  if (addresses.length === 0) throw new Error(`${hostname} does not resolve`);
  for (const address of addresses) {
    const kind = nonPublicAddressKind(address);
    if (kind) throw new Error(`${hostname} resolves to ${address}, a ${kind} address, which jobs may not reach`);
  }
}
