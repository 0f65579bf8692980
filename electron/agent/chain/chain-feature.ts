/**
 * The chain connection as an agent feature: answers `getChainStatus`, pushes `chainStatus`
 * on every change, and starts the hub only in long-running agents (desktop, headless), so
 * one-shot commands (detect, bench, run-job) never start a devnet.
 */
import type { AgentFeature } from '../agent-feature';
import type { ChainHub } from './chain-hub';

export function createChainFeature(hub: ChainHub & { refresh?(): void }): AgentFeature {
  let unsubscribe: Array<() => void> = [];
  return {
    name: 'chain',
    handlers: {
      getChainStatus: async () => hub.status(),
    },
    start(context, { longRunning }) {
      if (!longRunning) return;
      unsubscribe.push(hub.onStatus((status) => context.emit('chainStatus', status)));
      // A changed network setting takes effect now, not at the next periodic check.
      unsubscribe.push(
        context.onEvent((event) => {
          if (event.name === 'settings') hub.refresh?.();
        }),
      );
      // Returns at once: connecting (and starting a devnet) happens in the background.
      void hub.start();
    },
    async stop() {
      for (const off of unsubscribe) off();
      unsubscribe = [];
      await hub.stop();
    },
  };
}
