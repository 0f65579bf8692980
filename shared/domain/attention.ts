/**
 * "Needs your attention": one pure list for the dashboard and the tray, so both agree.
 * Problems block renting or payment and need the owner to act (driver, Docker, toolkit,
 * low gas, a locked or missing wallet, no stake, the chain offline). Reminders are wizard
 * steps the owner skipped; a reminder goes away by itself once its step is done.
 */
import type { ChecksReport } from './checks';
import { formatUsdMicros } from './money-format';
import type { OnboardingStep } from './onboarding';
import type { SettingsRecovery } from './settings-recovery';

export type AttentionCode =
  | 'driver'
  | 'docker'
  | 'toolkit'
  | 'low-gas'
  | 'wallet-locked'
  | 'no-wallet'
  | 'no-stake'
  | 'chain-offline'
  | 'settings-lost'
  | 'stake-held'
  | `skipped-${OnboardingStep}`;

export interface AttentionItem {
  code: AttentionCode;
  severity: 'problem' | 'reminder';
  title: string;
  detail: string;
  /** Where the fix is: a hash route of the dashboard. */
  action: { label: string; hash: string };
}

/** The part of the market status this needs (MarketStatus in shared/domain/market.ts). */
export interface MarketAttentionInput {
  blocks: readonly { code: string; message: string }[];
  wallet?: { address: string | null; unlocked: boolean };
  /** Stake the contract holds for our claimed jobs (MarketStatus.stake). */
  stake?: { lockedMicros: string } | null;
}

export interface AttentionInput {
  checks: ChecksReport | null;
  /** At least one benchmark finished on this machine. */
  hasBenchmark: boolean;
  skipped: readonly OnboardingStep[];
  /** null until the market feature reported (or when this agent has none). */
  market: MarketAttentionInput | null;
  /** Set when the settings failed closed at start (getSettingsRecovery). */
  settingsRecovery?: Pick<SettingsRecovery, 'message' | 'lastGood'> | null;
}

const CHECK_PROBLEMS: readonly { ids: readonly string[]; code: AttentionCode; title: string }[] = [
  { ids: ['nvidia-driver', 'nvidia-smi'], code: 'driver', title: 'The NVIDIA driver needs attention' },
  { ids: ['docker-engine'], code: 'docker', title: 'Docker needs attention' },
  { ids: ['nvidia-container-runtime'], code: 'toolkit', title: 'The NVIDIA Container Toolkit needs attention' },
];

const MARKET_PROBLEMS: Readonly<Record<string, { code: AttentionCode; title: string; label: string; hash: string }>> = {
  'no-gas': { code: 'low-gas', title: 'The wallet is low on gas', label: 'Open the wallet', hash: '#/wallet' },
  'wallet-locked': { code: 'wallet-locked', title: 'The wallet is locked', label: 'Unlock the wallet', hash: '#/wallet' },
  'no-wallet': { code: 'no-wallet', title: 'There is no wallet yet', label: 'Set up the wallet', hash: '#/wallet' },
  'no-stake': { code: 'no-stake', title: 'Not enough stake to claim jobs', label: 'Open the market', hash: '#/market' },
  'chain-offline': { code: 'chain-offline', title: 'The chain cannot be reached', label: 'Open the market', hash: '#/market' },
};

const REMINDERS: Readonly<Record<OnboardingStep, { title: string; detail: string; label: string }>> = {
  checks: {
    title: 'You skipped the machine checklist',
    detail: 'GPU jobs need a working driver, Docker and the NVIDIA toolkit.',
    label: 'Review the checklist',
  },
  benchmark: {
    title: 'You skipped the benchmark',
    detail: 'It checks the card and suggests a fair price per hour.',
    label: 'Run the benchmark',
  },
  wallet: { title: 'You skipped the wallet', detail: 'Jobs pay into your wallet; without one nothing can be claimed.', label: 'Set up the wallet' },
  controls: {
    title: 'You skipped your hours and price floor',
    detail: 'RigShift uses the defaults: any time the PC is idle, never below the electricity cost.',
    label: 'Review hours and price',
  },
};

export function attentionItems(input: AttentionInput): AttentionItem[] {
  const items: AttentionItem[] = [];
  // First: until the owner acts, RigShift stays paused with bidding off.
  if (input.settingsRecovery) {
    items.push({
      code: 'settings-lost',
      severity: 'problem',
      title: 'Your settings could not be read: renting is paused',
      detail: input.settingsRecovery.message,
      action: { label: 'Review your settings', hash: '#/controls' },
    });
  }
  for (const problem of CHECK_PROBLEMS) {
    const failed = input.checks?.checks.find((c) => problem.ids.includes(c.id) && c.state === 'fail');
    if (failed) {
      items.push({
        code: problem.code,
        severity: 'problem',
        title: problem.title,
        detail: `${failed.title}: ${failed.summary}`,
        action: { label: 'See the fix', hash: '#/setup/checks' },
      });
    }
  }
  for (const block of input.market?.blocks ?? []) {
    const known = MARKET_PROBLEMS[block.code];
    if (known && !items.some((i) => i.code === known.code)) {
      items.push({ code: known.code, severity: 'problem', title: known.title, detail: block.message, action: { label: known.label, hash: known.hash } });
    }
  }
  // Not a problem, but a cost the owner must know before pausing, stopping or locking.
  const locked = BigInt(input.market?.stake?.lockedMicros ?? '0');
  if (locked > 0n) {
    items.push({
      code: 'stake-held',
      severity: 'reminder',
      title: `A claimed job holds ${formatUsdMicros(locked)} of your stake`,
      detail:
        'It comes back when the job is paid. If the job is not finished and submitted in time, the requester gets it: ' +
        'pause with "Finish this job, then pause", keep the wallet unlocked and keep RigShift running until then.',
      action: { label: 'See the job', hash: '#/market' },
    });
  }
  const walletExists = Boolean(input.market?.wallet?.address);
  const done: Record<OnboardingStep, boolean> = {
    checks: input.checks !== null && input.checks.checks.every((c) => c.state !== 'fail'),
    benchmark: input.hasBenchmark,
    wallet: walletExists,
    controls: false,
  };
  for (const step of input.skipped) {
    if (done[step]) continue;
    // A problem already says it (no wallet): no second line for the same thing.
    if (step === 'wallet' && items.some((i) => i.code === 'no-wallet')) continue;
    const reminder = REMINDERS[step];
    items.push({
      code: `skipped-${step}`,
      severity: 'reminder',
      title: reminder.title,
      detail: reminder.detail,
      action: { label: reminder.label, hash: `#/setup/${step}` },
    });
  }
  return items;
}
