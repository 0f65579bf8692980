/**
 * The market contract's events, decoded into plain records the job book folds. One place
 * knows the ABI's event shapes; everything downstream sees bigint amounts and numbers.
 */
import { Interface, type Log } from 'ethers';
import { MARKET_ABI } from '../chain/market-abi';

export const marketInterface = new Interface(MARKET_ABI);

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
  | (EventBase & { kind: 'settled'; provider: string; gross: bigint; fee: bigint; refund: bigint; byRequester: boolean })
  | (EventBase & { kind: 'refunded'; provider: string | null; amount: bigint; slashed: bigint });

export const JOB_EVENT_NAMES = ['JobPosted', 'JobClaimed', 'JobSubmitted', 'JobReleased', 'JobSettled', 'JobRefunded'] as const;

/** topic0 of every job event: the indexer asks getLogs only for these. */
export const JOB_EVENT_TOPICS: string[] = JOB_EVENT_NAMES.map((name) => {
  const event = marketInterface.getEvent(name);
  if (!event) throw new Error(`the market ABI lacks the ${name} event`);
  return event.topicHash;
});

const ZERO = '0x0000000000000000000000000000000000000000';

/** Decodes one log; null for logs that are not job events. `blockTimestamp` is needed for releases. */
export function decodeMarketLog(log: Log, blockTimestamp: (blockNumber: number) => number): MarketEvent | null {
  const parsed = marketInterface.parseLog({ topics: [...log.topics], data: log.data });
  if (!parsed) return null;
  const a = parsed.args;
  const base: EventBase = {
    key: `${log.transactionHash}:${log.index}`,
    blockNumber: log.blockNumber,
    blockHash: log.blockHash,
    txHash: log.transactionHash,
    logIndex: log.index,
    id: (a.getValue('id') as bigint).toString(),
  };
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
        provider: provider === ZERO ? null : provider,
        amount: a.getValue('amount') as bigint,
        slashed: a.getValue('slashed') as bigint,
      };
    }
    default:
      return null;
  }
}

const BIGINT_FIELDS = new Set(['maxPricePerHour', 'escrow', 'ask', 'gross', 'fee', 'refund', 'amount', 'slashed']);

/** JSON form (bigint → decimal string) for the persisted snapshot. */
export function eventToJson(event: MarketEvent): Record<string, unknown> {
  return Object.fromEntries(Object.entries(event).map(([k, v]) => [k, typeof v === 'bigint' ? v.toString() : v]));
}

export function eventFromJson(json: Record<string, unknown>): MarketEvent {
  return Object.fromEntries(
    Object.entries(json).map(([k, v]) => [k, BIGINT_FIELDS.has(k) && typeof v === 'string' ? BigInt(v) : v]),
  ) as unknown as MarketEvent;
}
