/**
 * The one "market" feature the agent composes: the v1 marketplace client or the v2 one,
 * whichever the connected deployment's marketVersion names (chain hub: the devnet's
 * deployment.json, or a probe of a custom network's contract). Only the chosen one runs;
 * a settings change that points the agent at another market switches them (the old one
 * stopped first). The Market API is answered by the running one (v1 before any chain is
 * known, as before v2: its status then says the chain is connecting).
 */
import type { AgentFeature, AgentFeatureContext } from '../agent-feature';
import type { CallHandlers } from '../api/dispatch';
import type { ChainHub } from '../chain/chain-hub';
import type { Logger } from '../ports';

export interface MarketSwitchDeps<V2 extends AgentFeature = AgentFeature> {
  chain: Pick<ChainHub, 'connection' | 'onStatus'>;
  v1: AgentFeature;
  /** Built on first use (a v1 agent never opens the v2 files). */
  v2: () => V2;
  logger: Logger;
}

export interface MarketSwitch<V2 extends AgentFeature = AgentFeature> extends AgentFeature {
  /** The version running now (null before the chain is known). */
  version(): 1 | 2 | null;
  /** The v2 feature once built (its event log is what the ledger folds while v2 runs). */
  v2Feature(): V2 | null;
  /** Called after each switch, once the new market is started (the ledger folds its log). */
  onSwitch(listener: () => void): () => void;
  /** Resolves once a pending switch is done (tests). */
  settled(): Promise<void>;
}

export function createMarketSwitch<V2 extends AgentFeature = AgentFeature>(deps: MarketSwitchDeps<V2>): MarketSwitch<V2> {
  let v2: V2 | null = null;
  const switchListeners = new Set<() => void>();
  const featureOf = (version: 1 | 2) => (version === 1 ? deps.v1 : (v2 ??= deps.v2()));
  let running: 1 | 2 | null = null;
  let context: AgentFeatureContext | null = null;
  let switching: Promise<void> = Promise.resolve();
  let off: (() => void) | null = null;
  const active = () => featureOf(running ?? 1);

  const pick = () => {
    const connection = deps.chain.connection();
    if (!context) return;
    // Before any chain is known v1 runs, exactly as before v2 (its status says why it waits).
    const wanted = connection ? connection.network.marketVersion ?? 1 : running ?? 1;
    if (wanted === running) return;
    switching = switching.then(async () => {
      if (!context || wanted === running) return;
      if (running !== null) await featureOf(running).stop?.();
      deps.logger.info('market: the connected market is', { version: wanted });
      running = wanted;
      await featureOf(wanted).start?.(context, { longRunning: true });
      for (const listener of [...switchListeners]) listener();
    });
  };

  const names = new Set([...Object.keys(deps.v1.handlers)]);
  const handlers: CallHandlers = {};
  for (const name of names) {
    (handlers as Record<string, (request: never) => Promise<unknown>>)[name] = (request: never) => {
      const handler = (active().handlers as Record<string, ((request: never) => Promise<unknown>) | undefined>)[name] ?? (deps.v1.handlers as Record<string, (request: never) => Promise<unknown>>)[name]!;
      return handler(request);
    };
  }

  return {
    name: 'market',
    handlers,
    version: () => running,
    v2Feature: () => v2,
    onSwitch(listener) {
      switchListeners.add(listener);
      return () => switchListeners.delete(listener);
    },
    settled: () => switching,
    async start(ctx, options) {
      context = ctx;
      if (!options.longRunning) {
        // One-shot commands: the v1 feature answers (it does nothing in the background).
        await deps.v1.start?.(ctx, options);
        return;
      }
      off = deps.chain.onStatus(() => pick());
      pick();
      // Started within agent.start, as the v1 feature always was.
      await switching;
    },
    async stop() {
      off?.();
      off = null;
      await switching;
      const was = running;
      running = null;
      context = null;
      if (was !== null) await featureOf(was).stop?.();
    },
  };
}
