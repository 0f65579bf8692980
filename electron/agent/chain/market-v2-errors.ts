/**
 * The v2 market's named errors (contracts/RigShiftMarketV2.sol) in words a requester or an
 * owner can act on. `describeMarketV2Revert` finds the revert data in whatever ethers threw
 * (a call, an estimate, a receipt's replay) and says what went wrong; null when the error is
 * not a v2 revert (network down, nonce, an unrelated contract), so the caller keeps its own words.
 */
import type { ErrorDescription } from 'ethers';
import { marketV2Interface } from './market-v2-abi';

/** Micro-dollars as USD with 2 to 6 decimals (0.25, 0.123456, 5.00). */
export const usdWords = (micros: unknown) => `${(Number(micros) / 1e6).toFixed(6).replace(/(\.\d\d\d*?)0+$/, '$1')} USD`;
const usd = usdWords;
const when = (seconds: unknown) => new Date(Number(seconds) * 1000).toISOString();
const short = (address: unknown) => String(address);

type Words = (a: ErrorDescription['args']) => string;

/** Every named error of v2; a test checks the list covers the ABI. */
export const V2_ERROR_WORDS: Record<string, Words> = {
  ZeroAddress: () => 'An address given to the market is the zero address.',
  ZeroMinStake: () => 'The minimum stake must be above zero.',
  FeeTooHigh: (a) => `A fee of ${a[0]} basis points is above 100 %.`,
  TokenDecimalsNot6: (a) => `The token has ${a[0]} decimals; the market needs a 6-decimal stablecoin.`,
  ZeroPrice: () => 'The maximum price must be above zero.',
  ZeroDuration: () => 'The maximum duration must be above zero.',
  BadReplicas: (a) => `A job has 1 to 3 replicas, not ${a[0]}.`,
  ReplicasNeedDeterminism: () => 'Replicas are compared by their outputs digest: a job with more than one replica must be deterministic.',
  PreemptibleNeedsOneReplica: () => 'A preemptible job can have only one replica.',
  ClaimByTooEarly: (a) => `The claim deadline ${when(a[0])} is too early: it must be at least ${when(a[1])} (after the bid window).`,
  RunByTooEarly: (a) => `The run deadline ${when(a[0])} is too early: it must be at least ${when(a[1])} (claim deadline plus the duration).`,
  ZeroAmount: () => 'The amount must be above zero.',
  AmountTooLarge: (a) => `${usd(a[0])} is more than the market can hold in one amount.`,
  FeeOnTransferToken: (a) => `The token delivered ${a[1]} units instead of ${a[0]}: fee-on-transfer tokens are refused.`,
  InsufficientFreeStake: (a) => `Free stake is ${usd(a[0])}; this needs ${usd(a[1])} (deposit stake first).`,
  NothingToWithdraw: () => 'There is nothing to withdraw.',
  NotOpen: (a) => `Job ${a[0]} is not open (it is ${stateWord(a[1])}).`,
  NotAnAuction: (a) => `Job ${a[0]} is a fixed-price listing: claim it, there is no auction.`,
  IsAnAuction: (a) => `Job ${a[0]} is auctioned: bid on it instead of claiming.`,
  BiddingClosed: (a) => `Bidding on job ${a[0]} closed at ${when(a[1])}.`,
  BiddingOpen: (a) => `Bidding on job ${a[0]} is open until ${when(a[1])}: it can be awarded after that.`,
  ClaimWindowClosed: (a) => `Job ${a[0]} could be claimed or awarded only until ${when(a[1])}.`,
  AskOutOfRange: (a) => `An ask of ${usd(a[0])}/h is out of range: between 0.000001 and the job's max price ${usd(a[1])}/h.`,
  RequesterCannotServe: (a) => `The requester of job ${a[0]} cannot serve it.`,
  Barred: (a) => `${short(a[1])} already served job ${a[0]} (or released it) and may not take it again.`,
  AlreadyBid: (a) => `${short(a[1])} already bid on job ${a[0]} in this round.`,
  RecordTooShort: (a) => `This job asks for providers with at least ${a[1]} settled runs; this one has ${a[0]}.`,
  BookFull: (a) => `Job ${a[0]} already has 8 bids: an ask must be below the highest, ${usd(a[1])}/h.`,
  NotEnoughBids: (a) => `Job ${a[0]} has ${a[1]} bid(s); awarding it needs ${a[2]}.`,
  NotSlotHolder: (a) => `${short(a[2])} does not hold slot ${a[1]} of job ${a[0]}.`,
  SlotNotRunning: (a) => `Slot ${a[1]} of job ${a[0]} is not running.`,
  SlotNotCommitted: (a) => `Slot ${a[1]} of job ${a[0]} has no commitment to reveal.`,
  RunDeadlinePassed: (a) => `Job ${a[0]}'s run deadline passed at ${when(a[1])}.`,
  ZeroBilledSeconds: () => 'A result must bill at least one second.',
  SecondsExceedMaxDuration: (a) => `${a[0]} s is more than the job's duration, ${a[1]} s.`,
  SecondsExceedElapsed: (a) => `${a[0]} s is more than the ${a[1]} s since the slot started.`,
  RevealTooEarly: (a) => `Job ${a[0]}: a digest is revealed only once every replica committed or the run deadline passed.`,
  RevealWindowClosed: (a) => `Job ${a[0]}'s reveal window ended at ${when(a[1])}.`,
  CommitmentMismatch: (a) => `The digest and salt do not match slot ${a[1]}'s commitment on job ${a[0]}.`,
  NotPreemptible: (a) => `Job ${a[0]} cannot be released (not preemptible, or not in its main round).`,
  NotSubmitted: (a) => `Job ${a[0]} has no result waiting (it is ${stateWord(a[1])}).`,
  NotRequester: (a) => `Only job ${a[0]}'s requester can do that, not ${short(a[1])}.`,
  ChallengeWindowOpen: (a) => `Job ${a[0]}'s challenge window is open until ${when(a[1])}: only its requester can settle it before then.`,
  ChallengeWindowClosed: (a) => `Job ${a[0]}'s challenge window ended at ${when(a[1])}.`,
  NotDisputable: (a) => `Job ${a[0]} cannot be disputed: only a single-replica deterministic job, once, in its main round.`,
  TooEarly: (a) => `Job ${a[0]} cannot be concluded before ${when(a[1])}.`,
  NotConcludable: (a) => `Job ${a[0]} has nothing to conclude (it is ${stateWord(a[1])}).`,
  UnknownJob: (a) => `There is no job ${a[0]}.`,
  ReentrancyGuardReentrantCall: () => 'The market refused a re-entrant call.',
  SafeERC20FailedOperation: (a) => `The token ${short(a[0])} refused the transfer (balance or allowance too low?).`,
};

const STATE_WORDS = ['unknown', 'open', 'running', 'waiting out its challenge window', 'settled', 'refunded'];
const stateWord = (state: unknown) => STATE_WORDS[Number(state)] ?? `in state ${state}`;

/** Revert data in an ethers error (CALL_EXCEPTION `data`, nested RPC error data, or `revert`). */
function revertData(error: unknown, depth = 0): string | null {
  if (!error || typeof error !== 'object' || depth > 4) return null;
  const e = error as { data?: unknown; info?: { error?: unknown }; error?: unknown };
  if (typeof e.data === 'string' && /^0x[0-9a-fA-F]{8}/.test(e.data)) return e.data;
  if (e.data && typeof e.data === 'object') {
    const nested = revertData(e.data, depth + 1);
    if (nested) return nested;
  }
  return revertData(e.info?.error, depth + 1) ?? revertData(e.error, depth + 1);
}

/** The named error and its words, or null when `error` carries no v2 revert. */
export function describeMarketV2Revert(error: unknown): { name: string; words: string } | null {
  const data = revertData(error);
  if (!data) return null;
  let parsed: ErrorDescription | null;
  try {
    parsed = marketV2Interface.parseError(data);
  } catch {
    return null;
  }
  if (!parsed) return null;
  const words = V2_ERROR_WORDS[parsed.name];
  return { name: parsed.name, words: words ? words(parsed.args) : `The market refused: ${parsed.name}.` };
}
