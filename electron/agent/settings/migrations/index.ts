/**
 * Numbered settings migrations. Each takes the document as the previous version left it
 * and returns the next version. Never edit a shipped migration: add a new one and bump
 * SETTINGS_SCHEMA_VERSION in shared/domain/settings.ts.
 */
import { m0001Initial } from './0001-initial';
import { m0002OwnerControls } from './0002-owner-controls';
import { m0003JobImageBudget } from './0003-job-image-budget';
import { m0004ChainWalletDesktop } from './0004-chain-wallet-desktop';
import { m0005OnboardingReminders } from './0005-onboarding-reminders';
import { m0006BiddingWaitsForSetup } from './0006-bidding-waits-for-setup';
import { m0007GpuUseThreshold } from './0007-gpu-use-threshold';
import { m0008NetworkDeploymentBlock } from './0008-network-deployment-block';
import { m0009RequesterRule } from './0009-requester-rule';

export interface Migration {
  /** The schemaVersion this migration produces. */
  to: number;
  description: string;
  up(document: Record<string, unknown>): Record<string, unknown>;
}

export const migrations: readonly Migration[] = [
  m0001Initial,
  m0002OwnerControls,
  m0003JobImageBudget,
  m0004ChainWalletDesktop,
  m0005OnboardingReminders,
  m0006BiddingWaitsForSetup,
  m0007GpuUseThreshold,
  m0008NetworkDeploymentBlock,
  m0009RequesterRule,
];
