/**
 * Who the demo devnet's rival providers are and what they ask (`rigshift devnet --demo` on a
 * v2 market; demo-rivals.ts runs them). Pure, so the plan is unit-testable.
 *
 * A newcomer's agent alone on the demo market wins every auction it bids in and never sees a
 * replicated job get its second replica. Two rivals bid against it. Each is an owner whose
 * electricity costs more or less than the default: its price settings are the defaults with
 * the electricity price scaled, so on every device (the CPU, and a GPU of the same power) its
 * ask is that share of the ask a newcomer's agent makes with the default settings (the
 * electricity break-even plus 10 %). The share changes with every job the demo requester
 * posts, in turn through each rival's list, some below 100 % and some above, so the newcomer's
 * agent wins some auctions and loses others, and a replicated job's other replica is a rival's.
 */
import { type PriceSettings, SCHEDULE_CELLS } from '../../../shared/domain/controls';
import { askFor } from '../../../shared/domain/market-evaluation';
import { formatUsdMicros } from '../../../shared/domain/money-format';
import { defaultControls, type SettingsPatch } from '../../../shared/domain/settings';

export interface DemoRival {
  /** Its data dir's name under <devnet dir>/rivals/, and its name in the devnet's output. */
  name: string;
  /**
   * Its devnet account: none the demo requester posts from (#1-#3), not the deployer (#0),
   * and not one a newcomer's agent uses (it creates its own wallet; tests import #4-#7).
   */
  account: number;
  /** Its ask as a percentage of the default ask, one per job posted, in turn; never 100 (no ties). */
  askPercents: readonly number[];
}

/**
 * Against a newcomer at 100 %: per job, in turn, rival A wins, rival B wins, rival A wins, the
 * newcomer wins (both rivals above it); a 2-replica job goes to the two lowest.
 */
export const DEMO_RIVALS: readonly DemoRival[] = [
  { name: 'rival-a', account: 8, askPercents: [80, 125, 90, 140] },
  { name: 'rival-b', account: 9, askPercents: [115, 85, 130, 110] },
];

/** The demo requester's accounts and the deployer: a rival must be none of them. */
export const DEMO_RESERVED_ACCOUNTS: readonly number[] = [0, 1, 2, 3];

/**
 * The password of a rival's keystore. It protects nothing, on purpose: the key in it is a
 * PUBLIC devnet test key (devnet-accounts.ts), anyone can sign with it.
 */
export const DEMO_RIVAL_WALLET_PASSWORD = 'rigshift demo rival: a public devnet key';

/** The default price settings a newcomer starts with. */
export const defaultPrice = (): PriceSettings => defaultControls('UTC').price;

/** A rival's price settings at `percent` of the default ask. */
export function rivalPrice(percent: number): PriceSettings {
  if (!Number.isInteger(percent) || percent <= 0) throw new RangeError(`a rival's ask is a positive whole percentage, not ${percent}`);
  const base = defaultPrice();
  const scaled = { ...base, electricityMicrosPerKwh: ((BigInt(base.electricityMicrosPerKwh) * BigInt(percent)) / 100n).toString() };
  // The same share as a plain floor too, for a GPU whose power is unknown (no break-even).
  return { ...scaled, floorMicrosPerHour: askFor(scaled, 0).toString() };
}

/** What a newcomer's agent asks per CPU-hour with the default settings (its CPU draws nothing extra). */
export const defaultCpuAsk = (): bigint => askFor(defaultPrice(), 0);

/** What a rival asks per CPU-hour at `percent`. */
export const rivalCpuAsk = (percent: number): bigint => askFor(rivalPrice(percent), 0);

/** The share for the `jobIndex`-th job posted (0 first). */
export function rivalPercentFor(rival: DemoRival, jobIndex: number): number {
  const n = rival.askPercents.length;
  return rival.askPercents[((jobIndex % n) + n) % n]!;
}

/**
 * A rival's settings: bidding on, the wizard done, renting all week with every presence
 * detector off (nobody sits at a rival's machine), a wallet that never locks itself (its key
 * is public, and a locked wallet cannot bid), and its price at `percent`.
 */
export function rivalSettingsPatch(percent: number): SettingsPatch {
  const defaults = defaultControls('UTC');
  const presence = defaults.presence;
  return {
    controls: {
      price: rivalPrice(percent),
      presence: {
        idle: { ...presence.idle, enabled: false },
        processes: { ...presence.processes, enabled: false },
        fullscreen: { enabled: false },
        gpuInUse: { ...presence.gpuInUse, enabled: false },
        battery: { enabled: false },
      },
      schedule: { timeZone: 'UTC', cells: '1'.repeat(SCHEDULE_CELLS) },
      pause: { kind: 'none' },
    },
    onboarding: { firstRunDone: true },
    market: { bidding: true },
    wallet: { autoLockMinutes: 0 },
    network: { kind: 'devnet' },
  };
}

/** One line of the devnet's summary: the rival, its account and its asks per CPU-hour. */
export function describeRival(rival: DemoRival, address: string): string {
  const asks = rival.askPercents.map((p) => `${formatUsdMicros(rivalCpuAsk(p))} (${p} %)`).join(', ');
  return `${rival.name}  #${rival.account} ${address}  asks per CPU-hour, a new one for each job posted: ${asks}`;
}

/** Refuses a plan whose rivals would sign as the requester or the deployer, or share an account. */
export function checkRivalPlan(rivals: readonly DemoRival[]): void {
  const seen = new Set<number>();
  for (const rival of rivals) {
    if (DEMO_RESERVED_ACCOUNTS.includes(rival.account)) throw new Error(`${rival.name} would use devnet account #${rival.account}, which the demo requester or the deployer uses`);
    if (seen.has(rival.account)) throw new Error(`two rivals would use devnet account #${rival.account}`);
    if (rival.askPercents.length === 0 || rival.askPercents.includes(100)) throw new Error(`${rival.name} needs asks, none of them 100 % (a tie with the default)`);
    seen.add(rival.account);
  }
}
