/**
 * A feature plugged into the agent (wallet, earnings ledger, marketplace client, desktop
 * extras): it answers its own calls of the contract and pushes its own events, and gets
 * from the agent only what it needs through this context. Keeps agent.ts from growing a
 * branch per feature, and lets the one-shot CLI commands build an agent without them.
 */
import type { AgentEvent, EventName, EventPayload } from '../../shared/api/contract';
import type { AvailabilityReport } from '../../shared/domain/availability';
import type { ChecksReport } from '../../shared/domain/checks';
import type { GpuDetection } from '../../shared/domain/gpu';
import type { JobRecord, JobSpec } from '../../shared/domain/job';
import type { MoneySetting } from '../../shared/domain/money-settings';
import type { Settings, SettingsPatch } from '../../shared/domain/settings';
import type { BenchmarkResult } from '../../shared/domain/benchmark';
import type { CallHandlers } from './api/dispatch';
import type { Clock, Logger } from './ports';

export interface AgentFeatureContext {
  emit<K extends EventName>(name: K, payload: EventPayload<K>): void;
  /** Every event the agent and the other features push. */
  onEvent(listener: (event: AgentEvent) => void): () => void;
  settings(): Settings;
  /** Saves a settings change the way updateSettings does (validated, pushed to the UI). */
  updateSettings(patch: SettingsPatch): Settings;
  detection(): GpuDetection | null;
  checks(): ChecksReport | null;
  availability(): AvailabilityReport;
  /** Newest first. */
  benchmarks(limit?: number): BenchmarkResult[];
  /**
   * Runs a rental job in the sandbox on a device ('cpu' or a GPU UUID). keepCheckpoint: a
   * run stopped early keeps what it wrote so far as its outputs (a market v2 release).
   */
  startJob(spec: JobSpec, deviceId: string, jobId?: string, options?: { keepCheckpoint?: boolean }): Promise<{ jobId: string; done: Promise<JobRecord> }>;
  /** Jobs running now. */
  activeJobs(): JobRecord[];
  /** Stops a running job (recorded as cancelled); false when it is not running. */
  cancelJob?(jobId: string): Promise<boolean>;
  clock: Clock;
  logger: Logger;
}

export interface AgentFeature {
  /** For logs: "wallet", "ledger", "market"... */
  name: string;
  /** Handlers for this feature's calls; the agent parses requests before calling them. */
  handlers: CallHandlers;
  /**
   * Called once by agent.start(). One-shot CLI commands start agents with
   * longRunning false: a feature should then do nothing in the background.
   */
  start?(context: AgentFeatureContext, options: { longRunning: boolean }): void | Promise<void>;
  /**
   * The wallet's gate for settings that move money: resolves when `password` is the wallet
   * password, throws an AgentError otherwise. Without a feature that has one, such changes
   * are refused.
   */
  authorizeMoneySettings?(changed: MoneySetting[], password: string | undefined): Promise<void>;
  /** Called by agent.stop(), in reverse order of start. */
  stop?(): Promise<void>;
}
