/**
 * The decoder of the v2 market's events (contracts/RigShiftMarketV2.sol). Like v1's
 * (market/market-events.ts) every log is decoded on its own and never throws: a log that
 * cannot be read (bad ABI data, a spec or URL that is not UTF-8, an enum out of range, an
 * oversized spec) becomes an `invalid` item carrying its reason, so one hostile log never
 * fails its batch nor stops a cursor. Downstream sees bigint amounts and plain numbers.
 */
import { AbiCoder, getAddress, toUtf8String } from 'ethers';
import type { ChainLog } from '../chain/chain-port';
import { marketV2Interface, type V2Round, v2RoundName } from '../chain/market-v2-abi';

export const MAX_V2_SPEC_BYTES = 128 * 1024;
export const MAX_UPLOAD_URL_CHARS = 2048;

interface Place {
  /** `txHash:logIndex`: the dedupe key of a log. */
  key: string;
  blockNumber: number;
  blockHash: string;
  txHash: string;
  logIndex: number;
}
interface JobPlace extends Place {
  id: string;
}

export interface V2Terms {
  maxPricePerHour: bigint;
  maxDurationSeconds: number;
  bidWindowSeconds: number;
  claimBy: number;
  runBy: number;
  replicas: number;
  deterministic: boolean;
  preemptible: boolean;
  minProviderSettled: number;
}

export type V2JobEvent =
  | (JobPlace & { kind: 'posted'; requester: string; specHash: string; escrow: bigint; bidEnds: number; terms: V2Terms; spec: string; specError: string | null })
  | (JobPlace & { kind: 'roundOpened'; round: V2Round; roundNo: number; bidEnds: number; claimBy: number; runBy: number })
  | (JobPlace & { kind: 'bidPlaced'; provider: string; ask: bigint; roundNo: number })
  | (JobPlace & { kind: 'bidDisplaced'; provider: string; ask: bigint })
  | (JobPlace & { kind: 'auctionClosed'; roundNo: number; pricePerHour: bigint; bids: number })
  | (JobPlace & { kind: 'slotAssigned'; slot: number; provider: string; pricePerHour: bigint; round: V2Round })
  | (JobPlace & { kind: 'committed'; slot: number; provider: string; commitment: string; billedSeconds: number })
  | (JobPlace & { kind: 'revealed'; slot: number; provider: string; outputsDigest: string })
  | (JobPlace & { kind: 'released'; slot: number; provider: string; servedSeconds: number; checkpoint: string })
  | (JobPlace & { kind: 'resultSubmitted'; slot: number; provider: string; commitment: string; billedSeconds: number })
  | (JobPlace & { kind: 'disputed'; requester: string; bond: bigint })
  | (JobPlace & { kind: 'disputeResolved'; provider: string; upheld: boolean; lapsed: boolean })
  | (JobPlace & { kind: 'slotPaid'; slot: number; provider: string; gross: bigint; fee: bigint })
  | (JobPlace & { kind: 'slashed'; slot: number; provider: string; amount: bigint })
  | (JobPlace & { kind: 'slotFreed'; slot: number; provider: string })
  | (JobPlace & { kind: 'settled'; requester: string; refund: bigint; byRequester: boolean })
  | (JobPlace & { kind: 'refunded'; requester: string; amount: bigint })
  | (JobPlace & { kind: 'redeliveryRequested'; requester: string; uploadUrl: string })
  /** A job log that could not be decoded: kept with its reason, never applied. */
  | (JobPlace & { kind: 'invalid'; event: string; reason: string });

export type V2AccountEvent =
  | (Place & { kind: 'stakeDeposited'; provider: string; amount: bigint })
  | (Place & { kind: 'stakeWithdrawn'; provider: string; amount: bigint })
  | (Place & { kind: 'withdrawn'; account: string; amount: bigint });

export type V2Event = V2JobEvent | V2AccountEvent;

const ACCOUNT_EVENTS = new Set(['StakeDeposited', 'StakeWithdrawn', 'Withdrawn']);
const EVENT_BY_TOPIC = new Map<string, string>();
marketV2Interface.forEachEvent((event) => EVENT_BY_TOPIC.set(event.topicHash, event.name));
/** topic0 of every v2 event: what a log scan asks getLogs for. */
export const V2_EVENT_TOPICS: string[] = [...EVENT_BY_TOPIC.keys()];

const shortError = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 160);
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A uint that must fit a JS number exactly (uint8/32/64 fields, ids, slots). */
function num(value: unknown, name: string): number {
  const n = Number(value as bigint);
  if (!Number.isSafeInteger(n)) throw new Error(`${name} ${String(value)} is out of range`);
  return n;
}

/** JobPosted's data with the spec read as raw bytes (same ABI layout as string). */
const POSTED_AS_BYTES = ['bytes32', 'uint256', 'uint64', 'tuple(bytes,uint96,uint32,uint32,uint64,uint64,uint8,bool,bool,uint32)'];

function decodePosted(log: ChainLog, base: JobPlace): V2JobEvent {
  const requesterTopic = log.topics[2];
  if (!requesterTopic || !/^0x0{24}[0-9a-fA-F]{40}$/.test(requesterTopic)) throw new Error('the requester topic is not an address');
  const requester = getAddress(`0x${requesterTopic.slice(-40)}`);
  const [specHash, escrow, bidEnds, t] = AbiCoder.defaultAbiCoder().decode(POSTED_AS_BYTES, log.data) as unknown as [string, bigint, bigint, unknown[]];
  const specBytes = t[0] as string;
  const size = (specBytes.length - 2) / 2;
  let spec = '';
  let specError: string | null = null;
  if (size > MAX_V2_SPEC_BYTES) specError = `the posted spec is ${Math.ceil(size / 1024)} KiB; the limit is ${MAX_V2_SPEC_BYTES / 1024} KiB`;
  else {
    try {
      spec = utf8.decode(Buffer.from(specBytes.slice(2), 'hex'));
    } catch {
      specError = 'the posted spec is not valid UTF-8 text';
    }
  }
  const replicas = num(t[6], 'replicas');
  return {
    ...base,
    kind: 'posted',
    requester,
    specHash,
    escrow,
    bidEnds: num(bidEnds, 'bidEnds'),
    terms: {
      maxPricePerHour: t[1] as bigint,
      maxDurationSeconds: num(t[2], 'maxDurationSeconds'),
      bidWindowSeconds: num(t[3], 'bidWindowSeconds'),
      claimBy: num(t[4], 'claimBy'),
      runBy: num(t[5], 'runBy'),
      replicas,
      deterministic: t[7] as boolean,
      preemptible: t[8] as boolean,
      minProviderSettled: num(t[9], 'minProviderSettled'),
    },
    spec,
    specError,
  };
}

/**
 * Decodes one log in isolation; null for logs that are not v2 market events. Never throws:
 * a job log that cannot be read becomes `invalid` with its reason; an unreadable account log
 * (stake, withdrawal) is dropped as null (it names no job to attach a reason to).
 */
export function decodeMarketV2Log(log: ChainLog): V2Event | null {
  const name = log.topics[0] === undefined ? undefined : EVENT_BY_TOPIC.get(log.topics[0]);
  if (!name) return null;
  const place: Place = { key: `${log.transactionHash}:${log.index}`, blockNumber: log.blockNumber, blockHash: log.blockHash, txHash: log.transactionHash, logIndex: log.index };
  if (ACCOUNT_EVENTS.has(name)) {
    try {
      return decodeAccount(log, name, place);
    } catch {
      return null;
    }
  }
  let id: string;
  try {
    id = BigInt(log.topics[1] ?? '').toString();
  } catch {
    id = '';
  }
  const base: JobPlace = { ...place, id };
  if (!id || !/^0x[0-9a-fA-F]{64}$/.test(log.topics[1] ?? '')) return { ...base, kind: 'invalid', event: name, reason: `the ${name} log has no job id` };
  try {
    if (name === 'JobPosted') return decodePosted(log, base);
    return decodeJobEvent(log, name, base);
  } catch (error) {
    return { ...base, kind: 'invalid', event: name, reason: `the ${name} log could not be decoded (${shortError(error)})` };
  }
}

function decodeAccount(log: ChainLog, name: string, place: Place): V2AccountEvent {
  const a = marketV2Interface.parseLog({ topics: [...log.topics], data: log.data })!.args;
  if (name === 'Withdrawn') return { ...place, kind: 'withdrawn', account: a.getValue('account') as string, amount: a.getValue('amount') as bigint };
  const kind = name === 'StakeDeposited' ? 'stakeDeposited' : 'stakeWithdrawn';
  return { ...place, kind, provider: a.getValue('provider') as string, amount: a.getValue('amount') as bigint };
}

function decodeJobEvent(log: ChainLog, name: string, base: JobPlace): V2JobEvent {
  const parsed = marketV2Interface.parseLog({ topics: [...log.topics], data: log.data });
  if (!parsed) throw new Error('not a market v2 event');
  // ethers decodes lazily: every value is read here, inside the caller's try.
  const v = (field: string) => parsed.args.getValue(field) as unknown;
  const address = (field: string) => v(field) as string;
  const amount = (field: string) => v(field) as bigint;
  const slot = () => num(v('slot'), 'slot');
  switch (name) {
    case 'RoundOpened':
      return { ...base, kind: 'roundOpened', round: v2RoundName(v('round') as bigint), roundNo: num(v('roundNo'), 'roundNo'), bidEnds: num(v('bidEnds'), 'bidEnds'), claimBy: num(v('claimBy'), 'claimBy'), runBy: num(v('runBy'), 'runBy') };
    case 'BidPlaced':
      return { ...base, kind: 'bidPlaced', provider: address('provider'), ask: amount('ask'), roundNo: num(v('roundNo'), 'roundNo') };
    case 'BidDisplaced':
      return { ...base, kind: 'bidDisplaced', provider: address('provider'), ask: amount('ask') };
    case 'AuctionClosed':
      return { ...base, kind: 'auctionClosed', roundNo: num(v('roundNo'), 'roundNo'), pricePerHour: amount('pricePerHour'), bids: num(v('bids'), 'bids') };
    case 'SlotAssigned':
      return { ...base, kind: 'slotAssigned', slot: slot(), provider: address('provider'), pricePerHour: amount('pricePerHour'), round: v2RoundName(v('round') as bigint) };
    case 'Committed':
      return { ...base, kind: 'committed', slot: slot(), provider: address('provider'), commitment: v('commitment') as string, billedSeconds: num(v('billedSeconds'), 'billedSeconds') };
    case 'Revealed':
      return { ...base, kind: 'revealed', slot: slot(), provider: address('provider'), outputsDigest: v('outputsDigest') as string };
    case 'Released':
      return { ...base, kind: 'released', slot: slot(), provider: address('provider'), servedSeconds: num(v('servedSeconds'), 'servedSeconds'), checkpoint: v('checkpoint') as string };
    case 'ResultSubmitted':
      return { ...base, kind: 'resultSubmitted', slot: slot(), provider: address('provider'), commitment: v('commitment') as string, billedSeconds: num(v('billedSeconds'), 'billedSeconds') };
    case 'Disputed':
      return { ...base, kind: 'disputed', requester: address('requester'), bond: amount('bond') };
    case 'DisputeResolved':
      return { ...base, kind: 'disputeResolved', provider: address('provider'), upheld: v('upheld') as boolean, lapsed: v('lapsed') as boolean };
    case 'SlotPaid':
      return { ...base, kind: 'slotPaid', slot: slot(), provider: address('provider'), gross: amount('gross'), fee: amount('fee') };
    case 'Slashed':
      return { ...base, kind: 'slashed', slot: slot(), provider: address('provider'), amount: amount('amount') };
    case 'SlotFreed':
      return { ...base, kind: 'slotFreed', slot: slot(), provider: address('provider') };
    case 'JobSettled':
      return { ...base, kind: 'settled', requester: address('requester'), refund: amount('refund'), byRequester: v('byRequester') as boolean };
    case 'JobRefunded':
      return { ...base, kind: 'refunded', requester: address('requester'), amount: amount('amount') };
    case 'RedeliveryRequested': {
      // Decoded as bytes first: a URL that is not UTF-8 is named as such, not as bad ABI.
      const [raw] = AbiCoder.defaultAbiCoder().decode(['bytes'], log.data) as unknown as [string];
      let uploadUrl: string;
      try {
        uploadUrl = toUtf8String(raw);
      } catch {
        throw new Error('the upload URL is not valid UTF-8 text');
      }
      if (uploadUrl.length > MAX_UPLOAD_URL_CHARS) throw new Error(`the upload URL is ${uploadUrl.length} characters; the limit is ${MAX_UPLOAD_URL_CHARS}`);
      if (!/^https?:\/\/\S+$/.test(uploadUrl)) throw new Error('the upload URL is not an http(s) URL');
      return { ...base, kind: 'redeliveryRequested', requester: address('requester'), uploadUrl };
    }
    default:
      throw new Error(`unexpected event ${name}`);
  }
}
