import type { AgentEvent, EventName, EventPayload } from '../../shared/api/contract';

export interface EventBus {
  emit<K extends EventName>(name: K, payload: EventPayload<K>): void;
  subscribe(listener: (event: AgentEvent) => void): () => void;
}

/** A tiny typed fan-out; a throwing listener never stops the others or the agent. */
export function createEventBus(onListenerError: (error: unknown) => void): EventBus {
  const listeners = new Set<(event: AgentEvent) => void>();
  return {
    emit(name, payload) {
      const event = { name, payload } as AgentEvent;
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch (error) {
          onListenerError(error);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
