/**
 * What the shell (tray, notifications, updater) needs to know beyond the snapshot:
 * the latest market status (for "needs attention") and whether a job is in progress
 * (an update never installs mid-job). Fed by the agent's events; no polling.
 */
import type { AgentEvent } from '../../shared/api/contract';
import { attentionItems, type AttentionItem, type MarketAttentionInput } from '../../shared/domain/attention';
import type { SettingsRecovery } from '../../shared/domain/settings-recovery';
import type { Snapshot } from '../../shared/domain/snapshot';
import { ProviderJobStateSchema } from '../../shared/domain/market';
import { isBusy } from '../../shared/domain/provider-job-machine';
import type { Result } from '../../shared/api/result';

/** The part of the agent the shell uses. */
export interface ShellAgent {
  snapshot(): Snapshot;
  onEvent(listener: (event: AgentEvent) => void): () => void;
  call(name: string, request: unknown): Promise<Result<unknown>>;
}


export interface AgentWatch {
  market(): MarketAttentionInput | null;
  attention(): AttentionItem[];
  /** A sandboxed job runs, or a market job is being claimed, run or uploaded. */
  busy(): boolean;
  /** Called after every event that may change the above (and the snapshot). */
  onChange(listener: () => void): () => void;
  stop(): void;
}

/** A provider job state (from the agent's event) in which work is in flight on this machine: the state machine's isBusy. */
const isBusyState = (state: string) => {
  const parsed = ProviderJobStateSchema.safeParse(state);
  return parsed.success && isBusy(parsed.data);
};

const isMarketStatus = (value: unknown): value is MarketAttentionInput =>
  typeof value === 'object' && value !== null && Array.isArray((value as { blocks?: unknown }).blocks);

export function watchAgent(agent: ShellAgent): AgentWatch {
  let market: MarketAttentionInput | null = null;
  const marketJobs = new Map<string, string>();
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const listener of [...listeners]) listener();
  };
  // Settings that failed closed at start: the tray says so until the owner restores or dismisses.
  let settingsRecovery: SettingsRecovery | null = null;
  const refreshRecovery = () =>
    void agent.call('getSettingsRecovery', {}).then((result) => {
      const next = result.ok ? ((result.value as SettingsRecovery | null) ?? null) : null;
      if ((next === null) !== (settingsRecovery === null)) {
        settingsRecovery = next;
        changed();
      }
    });
  refreshRecovery();
  const off = agent.onEvent((event) => {
    const { name, payload } = event as { name: string; payload: unknown };
    if (name === 'settings' && settingsRecovery) refreshRecovery();
    if (name === 'marketStatus' && isMarketStatus(payload)) market = payload;
    if (name === 'marketJob') {
      const job = payload as { chainJobId?: unknown; state?: unknown };
      if (typeof job.chainJobId === 'string' && typeof job.state === 'string') marketJobs.set(job.chainJobId, job.state);
    }
    // Telemetry and log lines arrive several times a second and change nothing here.
    if (name !== 'telemetry' && name !== 'jobLog') changed();
  });
  // The market status before its first event (the agent started before the window).
  void agent.call('getMarket', { limit: 1 }).then((result) => {
    const status = result.ok ? (result.value as { status?: unknown }).status : undefined;
    if (market === null && isMarketStatus(status)) {
      market = status;
      changed();
    }
  });
  return {
    market: () => market,
    attention: () => {
      const snapshot = agent.snapshot();
      return attentionItems({
        checks: snapshot.checks,
        hasBenchmark: snapshot.benchmark.history.length > 0,
        skipped: snapshot.settings.onboarding.skipped,
        market,
        settingsRecovery,
      });
    },
    busy: () => agent.snapshot().jobs.active.length > 0 || [...marketJobs.values()].some((s) => isBusyState(s)),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop() {
      off();
      listeners.clear();
    },
  };
}
