/**
 * Requester and provider records (reputation) folded from the v2 book, by the contract's own
 * rules (RigShiftMarketV2: _paySlot, _slash, _resolveDispute, _finish, release, accept), so an
 * agent can rank and filter accounts from what it indexed, without a call per account. The
 * contract's providerRecord/requesterRecord stay the authority (`rigshift market reputation`).
 */
import type { V2BookJob } from './v2-book';

export interface V2ProviderRecord {
  settled: number;
  agreed: number;
  disputesWon: number;
  disputesLost: number;
  slashes: number;
  releases: number;
  billedSeconds: number;
}

export interface V2RequesterRecord {
  posted: number;
  accepted: number;
  disputesWon: number;
  disputesLost: number;
  refunds: number;
}

export interface V2Records {
  providers: Map<string, V2ProviderRecord>;
  requesters: Map<string, V2RequesterRecord>;
}

export const emptyProviderRecord = (): V2ProviderRecord => ({ settled: 0, agreed: 0, disputesWon: 0, disputesLost: 0, slashes: 0, releases: 0, billedSeconds: 0 });
export const emptyRequesterRecord = (): V2RequesterRecord => ({ posted: 0, accepted: 0, disputesWon: 0, disputesLost: 0, refunds: 0 });

/** The auction's tie-break, as the contract computes it: settled − 2 × (slashes + disputes lost). */
export const reputationScore = (r: V2ProviderRecord) => r.settled - 2 * (r.slashes + r.disputesLost);

/**
 * Every record counts events of jobs one by one, so records add up: those of jobs the event
 * log compacted away (kept as a snapshot, v2-compaction.ts) plus those of the jobs it holds.
 */
export function addV2Records(into: V2Records, more: V2Records): V2Records {
  for (const [key, r] of more.providers) {
    const to = into.providers.get(key) ?? emptyProviderRecord();
    for (const field of Object.keys(r) as Array<keyof V2ProviderRecord>) to[field] += r[field];
    into.providers.set(key, to);
  }
  for (const [key, r] of more.requesters) {
    const to = into.requesters.get(key) ?? emptyRequesterRecord();
    for (const field of Object.keys(r) as Array<keyof V2RequesterRecord>) to[field] += r[field];
    into.requesters.set(key, to);
  }
  return into;
}

/** Records of every account in these jobs (keys lower case), plus `base` (jobs compacted away). */
export function foldV2Records(jobs: Iterable<V2BookJob>, base?: V2Records): V2Records {
  const providers = new Map<string, V2ProviderRecord>();
  const requesters = new Map<string, V2RequesterRecord>();
  const provider = (address: string) => {
    const key = address.toLowerCase();
    let r = providers.get(key);
    if (!r) providers.set(key, (r = emptyProviderRecord()));
    return r;
  };
  const requester = (address: string) => {
    const key = address.toLowerCase();
    let r = requesters.get(key);
    if (!r) requesters.set(key, (r = emptyRequesterRecord()));
    return r;
  };
  for (const job of jobs) {
    const req = requester(job.requester);
    req.posted += 1;
    const upheld = job.dispute?.outcome === 'upheld';
    const slotsById = new Map(job.slots.map((s) => [s.slot, s]));
    for (const e of job.events) {
      switch (e.kind) {
        case 'settled':
          if (e.byRequester) req.accepted += 1;
          break;
        case 'refunded':
          req.refunds += 1;
          break;
        case 'released':
          provider(e.provider).releases += 1;
          break;
        case 'slashed':
          provider(e.provider).slashes += 1;
          break;
        case 'disputeResolved':
          if (e.lapsed) break;
          if (e.upheld) {
            provider(e.provider).disputesWon += 1;
            req.disputesLost += 1;
          } else {
            provider(e.provider).disputesLost += 1;
            req.disputesWon += 1;
          }
          break;
        case 'slotPaid': {
          const slot = slotsById.get(e.slot);
          // An upheld dispute pays its verifier from the bond, outside the record (_payFrom, not _paySlot).
          if (slot?.round === 'verify' && upheld) break;
          const r = provider(e.provider);
          r.settled += 1;
          r.billedSeconds += slot?.billedSeconds ?? 0;
          // Replicated jobs pay only the majority (_settleMajority).
          if (job.terms.replicas > 1) r.agreed += 1;
          break;
        }
        default:
          break;
      }
    }
  }
  return base ? addV2Records({ providers, requesters }, base) : { providers, requesters };
}
