/**
 * The one decoder of the market contract's events (the book, the provider's records and the
 * ledger all read what it produces). Every log is decoded on its own: a log that cannot be
 * decoded (a spec that is not UTF-8, bad ABI data, an oversized spec) becomes an `invalid`
 * event carrying its reason, so one hostile post never fails the batch it came in nor stops
 * the cursor (issue 11). Downstream sees bigint amounts and numbers, never ethers objects.
 */
import { AbiCoder, getAddress, Interface, toUtf8String } from 'ethers';
import type { ChainLog } from '../chain/chain-port';
import { MARKET_ABI } from '../chain/market-abi';
import type { ReceivedEvent } from './token-transfers';
import { parseMarketDocument } from '../../../shared/domain/market-evaluation';
import { documentFacts, type MarketDocumentFacts } from '../../../shared/domain/market-document-facts';
import type { DocRef } from './market-doc-file';

export const marketInterface = new Interface(MARKET_ABI);

/** Longest spec accepted (a job document with a 64 KiB environment fits well inside). */
export const MAX_SPEC_BYTES = 128 * 1024;

interface EventBase {
  /** `txHash:logIndex`: the dedupe key of a log. */
  key: string;
  blockNumber: number;
  blockHash: string;
  txHash: string;
  logIndex: number;
  id: string;
}

export type MarketEvent =
  | (EventBase & {
      kind: 'posted';
      requester: string;
      specHash: string;
      maxPricePerHour: bigint;
      maxDurationSeconds: number;
      claimBy: number;
      runBy: number;
      preemptible: boolean;
      escrow: bigint;
      spec: string;
      /** Why the spec is unusable though the rest of the post decoded (not UTF-8, oversized); null when fine. */
      specError?: string | null;
      /**
       * Set (with `spec` emptied) when the spec decoded but is not a job document any RigShift
       * can run (not JSON, fails validation): why, in the parser's words. Such a job is kept
       * (it is still open on chain) without the text, which nobody will read again.
       */
      documentError?: string | null;
      /**
       * Where the document is kept on disk (the event log's document file; `spec` is then
       * emptied): read back when the job is viewed in detail or claimed.
       */
      doc?: DocRef;
      /** The facts of a valid document the verdicts and the list need (market-document-facts.ts). */
      facts?: MarketDocumentFacts;
      /** Why the text was not kept (it can never fit this machine): read again from the chain if needed. */
      notKept?: string;
    })
  | (EventBase & { kind: 'claimed'; provider: string; ask: bigint; attempt: number })
  | (EventBase & { kind: 'submitted'; provider: string; outputsDigest: string; billedSeconds: number; resultUri: string })
  | (EventBase & {
      kind: 'released';
      provider: string;
      servedSeconds: number;
      gross: bigint;
      fee: bigint;
      reopened: boolean;
      /** Block timestamp: a reopened job's new claimBy is derived from it (not in the event). */
      blockTimestamp: number;
    })
  | (EventBase & { kind: 'settled'; provider: string; requester: string; gross: bigint; fee: bigint; refund: bigint; byRequester: boolean })
  | (EventBase & { kind: 'refunded'; requester: string; provider: string | null; amount: bigint; slashed: bigint })
  /** A job event that could not be decoded at all: recorded with its reason, never applied. */
  | (EventBase & { kind: 'invalid'; event: string; requester: string | null; reason: string });

export type PostedEvent = Extract<MarketEvent, { kind: 'posted' }>;

/** Not a job event: credit withdrawn by an account (the ledger's withdrawals). */
export interface WithdrawnEvent {
  kind: 'withdrawn';
  key: string;
  blockNumber: number;
  blockHash: string;
  txHash: string;
  logIndex: number;
  account: string;
  amount: bigint;
}

/** Token transfers to our wallet (token-transfers.ts) ride the same log, cursor and file. */
export type DecodedLog = MarketEvent | WithdrawnEvent | ReceivedEvent;

export const JOB_EVENT_NAMES = ['JobPosted', 'JobClaimed', 'JobSubmitted', 'JobReleased', 'JobSettled', 'JobRefunded'] as const;

const topicOf = (name: string) => {
  const event = marketInterface.getEvent(name);
  if (!event) throw new Error(`the market ABI lacks the ${name} event`);
  return event.topicHash;
};

/** topic0 of every job event. */
export const JOB_EVENT_TOPICS: string[] = JOB_EVENT_NAMES.map(topicOf);
export const WITHDRAWN_TOPIC = topicOf('Withdrawn');
/** What the event log asks getLogs for: the job events and withdrawals. */
export const EVENT_LOG_TOPICS: string[] = [...JOB_EVENT_TOPICS, WITHDRAWN_TOPIC];
export const RELEASED_TOPIC = topicOf('JobReleased');
export const POSTED_TOPIC = topicOf('JobPosted');

const ZERO = '0x0000000000000000000000000000000000000000';
const POSTED = marketInterface.getEvent('JobPosted')!;
/** JobPosted's data types with the spec read as raw bytes (same ABI encoding as string). */
const POSTED_DATA_AS_BYTES: string[] = POSTED.inputs.filter((p) => !p.indexed).map((p) => (p.type === 'string' ? 'bytes' : p.format('sighash')));
const POSTED_DATA_NAMES = POSTED.inputs.filter((p) => !p.indexed).map((p) => p.name);

const shortError = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 160);
/** Checksummed addresses by topic: a flood repeats a few requesters (checksumming is a keccak). */
const addressCache = new Map<string, string | null>();
const topicAddress = (topic: string | undefined): string | null => {
  if (!topic) return null;
  let address = addressCache.get(topic);
  if (address === undefined) {
    try {
      address = /^0x0{24}[0-9a-fA-F]{40}$/.test(topic) ? getAddress(`0x${topic.slice(-40)}`) : null;
    } catch {
      address = null;
    }
    if (addressCache.size > 10_000) addressCache.clear();
    addressCache.set(topic, address);
  }
  return address;
};

/**
 * A JobPosted whose strict decoding failed: read the spec as bytes so the rest of the post
 * (price, windows, escrow) is still known, and say what is wrong with the spec.
 */
function decodePostedLeniently(log: ChainLog, base: EventBase): MarketEvent {
  const requester = topicAddress(log.topics[2]);
  let values: unknown[];
  try {
    values = [...AbiCoder.defaultAbiCoder().decode(POSTED_DATA_AS_BYTES, log.data)];
  } catch (error) {
    // Nothing but the id and requester (topics) can be read: a job nobody can take, listed with its reason.
    return {
      ...base,
      kind: 'posted',
      requester: requester ?? ZERO,
      specHash: '0x',
      maxPricePerHour: 0n,
      maxDurationSeconds: 0,
      claimBy: 0,
      runBy: 0,
      preemptible: false,
      escrow: 0n,
      spec: '',
      specError: `the posted job's data is not valid ABI (${shortError(error)})`,
    };
  }
  const get = (name: string) => values[POSTED_DATA_NAMES.indexOf(name)];
  const bytes = get('spec') as string;
  const size = (bytes.length - 2) / 2;
  let specError: string;
  if (size > MAX_SPEC_BYTES) specError = `the posted spec is ${Math.ceil(size / 1024)} KiB; the limit is ${MAX_SPEC_BYTES / 1024} KiB`;
  else {
    try {
      toUtf8String(bytes);
      specError = 'the posted spec could not be decoded';
    } catch {
      specError = 'the posted spec is not valid UTF-8 text';
    }
  }
  return {
    ...base,
    kind: 'posted',
    requester: requester ?? ZERO,
    specHash: get('specHash') as string,
    maxPricePerHour: get('maxPricePerHour') as bigint,
    maxDurationSeconds: Number(get('maxDurationSeconds')),
    claimBy: Number(get('claimBy')),
    runBy: Number(get('runBy')),
    preemptible: get('preemptible') as boolean,
    escrow: get('escrow') as bigint,
    spec: '',
    specError,
  };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const WORD = 32;

/**
 * JobPosted, the one event a flood is made of, decoded by hand from the ABI layout with
 * Node's native hex and strict UTF-8 decoders (ethers' generic decoder costs ~1 ms per 4 KB
 * post). Layout: eight head words (specHash, maxPricePerHour, maxDurationSeconds, claimBy,
 * runBy, preemptible, escrow, offset of spec), then the spec's length and bytes. Returns null
 * when the layout does not hold; the lenient path then says what is wrong.
 */
function decodePostedFast(log: ChainLog, base: EventBase): MarketEvent | null {
  const requester = topicAddress(log.topics[2]);
  if (!requester || log.topics.length !== 3 || !log.data.startsWith('0x') || log.data.length % 2 !== 0) return null;
  const data = Buffer.from(log.data.slice(2), 'hex');
  // Buffer stops at the first character that is not hex: a short buffer means bad data.
  if (data.length !== (log.data.length - 2) / 2 || data.length < 9 * WORD) return null;
  const word = (i: number) => BigInt(`0x${data.subarray(i * WORD, (i + 1) * WORD).toString('hex')}`);
  const offset = word(7);
  if (offset !== BigInt(8 * WORD)) return null;
  const length = Number(word(8));
  if (!Number.isSafeInteger(length) || data.length < 9 * WORD + length) return null;
  const small = (i: number, max: bigint) => {
    const v = word(i);
    if (v > max) throw new Error('out of range');
    return v;
  };
  let fields: { maxPricePerHour: bigint; maxDurationSeconds: number; claimBy: number; runBy: number; preemptible: boolean; escrow: bigint };
  try {
    fields = {
      maxPricePerHour: small(1, (1n << 128n) - 1n),
      maxDurationSeconds: Number(small(2, 0xffffffffn)),
      claimBy: Number(small(3, (1n << 64n) - 1n)),
      runBy: Number(small(4, (1n << 64n) - 1n)),
      preemptible: small(5, 1n) === 1n,
      escrow: word(6),
    };
  } catch {
    return null;
  }
  const specBytes = data.subarray(9 * WORD, 9 * WORD + length);
  let spec = '';
  let specError: string | null = null;
  if (length > MAX_SPEC_BYTES) specError = `the posted spec is ${Math.ceil(length / 1024)} KiB; the limit is ${MAX_SPEC_BYTES / 1024} KiB`;
  else {
    try {
      spec = utf8.decode(specBytes);
    } catch {
      specError = 'the posted spec is not valid UTF-8 text';
    }
  }
  return { ...base, kind: 'posted', requester, specHash: `0x${data.subarray(0, WORD).toString('hex')}`, ...fields, spec, specError };
}

/**
 * Decodes one log in isolation; null for logs that are not market events. Never throws:
 * whatever cannot be read becomes an `invalid` event with its reason.
 * `blockTimestamp` is needed for releases (a reopened job's claim window).
 */
export function decodeMarketLog(log: ChainLog, blockTimestamp: (blockNumber: number) => number): DecodedLog | null {
  const key = `${log.transactionHash}:${log.index}`;
  const place = { key, blockNumber: log.blockNumber, blockHash: log.blockHash, txHash: log.transactionHash, logIndex: log.index };
  const topic0 = log.topics[0];
  const isJobEvent = topic0 !== undefined && JOB_EVENT_TOPICS.includes(topic0);
  if (!isJobEvent && topic0 !== WITHDRAWN_TOPIC) return null;
  let id: string;
  try {
    id = isJobEvent ? BigInt(log.topics[1] ?? '0x').toString() : '';
  } catch {
    id = '';
  }
  const base: EventBase = { ...place, id };
  const name = JOB_EVENT_NAMES[JOB_EVENT_TOPICS.indexOf(topic0)] ?? 'Withdrawn';
  if (name === 'JobPosted' && id) {
    const fast = decodePostedFast(log, base);
    if (fast) return fast;
    return decodePostedLeniently(log, base);
  }
  try {
    return decodeStrict(log, base, blockTimestamp);
  } catch (error) {
    if (isJobEvent && !id) return { ...base, kind: 'invalid', event: name, requester: null, reason: `the ${name} log has no job id` };
    if (name === 'JobPosted') return decodePostedLeniently(log, base);
    if (!isJobEvent) return null;
    return { ...base, kind: 'invalid', event: name, requester: null, reason: `the ${name} log could not be decoded (${shortError(error)})` };
  }
}

function decodeStrict(log: ChainLog, base: EventBase, blockTimestamp: (blockNumber: number) => number): DecodedLog | null {
  const parsed = marketInterface.parseLog({ topics: [...log.topics], data: log.data });
  if (!parsed) return null;
  const a = parsed.args;
  // ethers decodes lazily: read every value here, so a bad one throws inside this try.
  switch (parsed.name) {
    case 'JobPosted':
      return {
        ...base,
        kind: 'posted',
        requester: a.getValue('requester') as string,
        specHash: a.getValue('specHash') as string,
        maxPricePerHour: a.getValue('maxPricePerHour') as bigint,
        maxDurationSeconds: Number(a.getValue('maxDurationSeconds')),
        claimBy: Number(a.getValue('claimBy')),
        runBy: Number(a.getValue('runBy')),
        preemptible: a.getValue('preemptible') as boolean,
        escrow: a.getValue('escrow') as bigint,
        spec: a.getValue('spec') as string,
        specError: null,
      };
    case 'JobClaimed':
      return { ...base, kind: 'claimed', provider: a.getValue('provider') as string, ask: a.getValue('ask') as bigint, attempt: Number(a.getValue('attempt')) };
    case 'JobSubmitted':
      return {
        ...base,
        kind: 'submitted',
        provider: a.getValue('provider') as string,
        outputsDigest: a.getValue('outputsDigest') as string,
        billedSeconds: Number(a.getValue('billedSeconds')),
        resultUri: a.getValue('resultUri') as string,
      };
    case 'JobReleased':
      return {
        ...base,
        kind: 'released',
        provider: a.getValue('provider') as string,
        servedSeconds: Number(a.getValue('servedSeconds')),
        gross: a.getValue('gross') as bigint,
        fee: a.getValue('fee') as bigint,
        reopened: a.getValue('reopened') as boolean,
        blockTimestamp: blockTimestamp(log.blockNumber),
      };
    case 'JobSettled':
      return {
        ...base,
        kind: 'settled',
        provider: a.getValue('provider') as string,
        requester: a.getValue('requester') as string,
        gross: a.getValue('gross') as bigint,
        fee: a.getValue('fee') as bigint,
        refund: a.getValue('refund') as bigint,
        byRequester: a.getValue('byRequester') as boolean,
      };
    case 'JobRefunded': {
      const provider = a.getValue('provider') as string;
      return {
        ...base,
        kind: 'refunded',
        requester: a.getValue('requester') as string,
        provider: provider === ZERO ? null : provider,
        amount: a.getValue('amount') as bigint,
        slashed: a.getValue('slashed') as bigint,
      };
    }
    case 'Withdrawn': {
      const { id: _id, ...place } = base;
      return { ...place, kind: 'withdrawn', account: a.getValue('account') as string, amount: a.getValue('amount') as bigint };
    }
    default:
      return null;
  }
}

const BIGINT_FIELDS = new Set(['maxPricePerHour', 'escrow', 'ask', 'gross', 'fee', 'refund', 'amount', 'slashed']);

/** JSON form (bigint → decimal string) for the persisted log. */
export function eventToJson(event: DecodedLog): Record<string, unknown> {
  return Object.fromEntries(Object.entries(event).map(([k, v]) => [k, typeof v === 'bigint' ? v.toString() : v]));
}

export function eventFromJson(json: Record<string, unknown>): DecodedLog {
  return Object.fromEntries(
    Object.entries(json).map(([k, v]) => [k, BIGINT_FIELDS.has(k) && typeof v === 'string' ? BigInt(v) : v]),
  ) as unknown as DecodedLog;
}

/** The addresses an event concerns (lower case): whose history it belongs to. */
export function partiesOf(event: DecodedLog): string[] {
  switch (event.kind) {
    case 'posted':
      return [event.requester.toLowerCase()];
    case 'claimed':
    case 'submitted':
    case 'released':
      return [event.provider.toLowerCase()];
    case 'settled':
      return [event.provider.toLowerCase(), event.requester.toLowerCase()];
    case 'refunded':
      return [event.requester.toLowerCase(), ...(event.provider ? [event.provider.toLowerCase()] : [])];
    case 'withdrawn':
      return [event.account.toLowerCase()];
    case 'received':
      return [event.to.toLowerCase()];
    case 'invalid':
      return event.requester ? [event.requester.toLowerCase()] : [];
  }
}

/**
 * A posted event's document, parsed once here: a valid document gets its facts (what the
 * verdicts and the list need; the text then goes to the document file, see
 * storeDocuments in market-indexer). A spec that is not a runnable job document, for
 * another requester, is kept without its text (documentError says why): a flood of such
 * posts then costs neither memory nor disk per job. Our own posts keep their text.
 * Anything else is returned as is.
 */
export function withDocumentFacts(event: DecodedLog, account: string | null): DecodedLog {
  if (event.kind !== 'posted' || event.spec === '' || event.specError || event.documentError) return event;
  const parsed = parseMarketDocument(event.spec);
  const facts = documentFacts(parsed);
  if (facts) return { ...event, facts };
  if (account && event.requester.toLowerCase() === account) return event;
  return { ...event, spec: '', documentError: parsed.ok ? null : parsed.reasons.join('; ').slice(0, 1_000) };
}
