/**
 * Runs the wallet feature the way the agent does: requests parsed by the contract's
 * schemas at dispatchCall, events recorded, settings in memory. Every response and event
 * is kept, so a test can scan them for secrets.
 */
import type { AgentEvent, CallName } from '../../../../shared/api/contract';
import type { Result } from '../../../../shared/api/result';
import { applySettingsPatch, DEFAULT_SETTINGS, type Settings } from '../../../../shared/domain/settings';
import type { AgentFeatureContext } from '../../../../electron/agent/agent-feature';
import { dispatchCall } from '../../../../electron/agent/api/dispatch';
import type { ChainHub } from '../../../../electron/agent/chain/chain-hub';
import type { Clock } from '../../../../electron/agent/ports';
import type { SecretStore } from '../../../../electron/agent/wallet/secret-store';
import { createNodeSecretStore } from '../../../../electron/agent/wallet/secret-store';
import { createWalletFeature, type WalletFeatureDeps } from '../../../../electron/agent/wallet/wallet-feature';
import { recordingLogger } from '../../../helpers/silent-logger';

export const TEST_SCRYPT_N = 2 ** 10;

export function walletHarness(options: {
  dataDir: string;
  chain: ChainHub;
  clock?: Clock;
  secretStore?: SecretStore;
  settings?: Partial<Settings['wallet']>;
  extra?: Partial<WalletFeatureDeps>;
}) {
  const { logger, entries } = recordingLogger();
  const events: AgentEvent[] = [];
  const responses: Array<{ name: string; result: Result<unknown> }> = [];
  let settings: Settings = applySettingsPatch(DEFAULT_SETTINGS, { wallet: options.settings ?? {} });
  const clock = options.clock ?? { now: () => new Date() };
  const { feature, access } = createWalletFeature({
    dataDir: options.dataDir,
    chain: options.chain,
    secretStore: options.secretStore ?? createNodeSecretStore(),
    clock,
    logger,
    scryptN: TEST_SCRYPT_N,
    ...options.extra,
  });
  const context = {
    emit: (name: AgentEvent['name'], payload: unknown) => events.push({ name, payload } as AgentEvent),
    onEvent: () => () => undefined,
    settings: () => settings,
    updateSettings: (patch) => (settings = applySettingsPatch(settings, patch)),
    clock,
    logger,
  } as Partial<AgentFeatureContext> as AgentFeatureContext;

  return {
    feature,
    access,
    events,
    responses,
    logs: entries,
    setSettings(patch: Partial<Settings['wallet']>) {
      settings = applySettingsPatch(settings, { wallet: patch });
    },
    start: (longRunning = true) => feature.start!(context, { longRunning }),
    stop: () => feature.stop!(),
    async call(name: CallName, request: unknown = {}): Promise<Result<unknown>> {
      const result = await dispatchCall(feature.handlers, name, request);
      responses.push({ name, result });
      return result;
    },
    /** The value of a call that must succeed (the error in the failure message otherwise). */
    async value<T = Record<string, unknown>>(name: CallName, request: unknown = {}): Promise<T> {
      const result = await this.call(name, request);
      if (!result.ok) throw new Error(`${name} failed: ${result.error.code}: ${result.error.message}`);
      return result.value as T;
    },
  };
}
