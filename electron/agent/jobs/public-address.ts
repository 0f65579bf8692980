/**
 * Input URLs come from strangers but are fetched from the owner's network: without a
 * check, a job could make the agent send requests to the owner's router or NAS (and learn
 * from the failure whether they exist).
 *
 * A thin wrapper over the address policy (shared/domain/address-policy.ts) for callers
 * that judge a host before doing something else with it (the market provider, before it
 * claims a job). It is a check, not a pin: whatever then connects must use the pinned
 * lookup (net/pinned-lookup.ts), which judges the address it actually connects to.
 */
import { resolveChecked } from '../net/pinned-lookup';

/** Throws unless every address the host resolves to is public. */
export async function assertPublicHost(hostname: string): Promise<void> {
  await resolveChecked(hostname);
}
