/** Small builders for the desktop shell's unit tests. */
import type { AgentEvent } from '../../../shared/api/contract';
import type { Result } from '../../../shared/api/result';
import type { GpuAvailability } from '../../../shared/domain/availability';
import type { Snapshot } from '../../../shared/domain/snapshot';
import type { ShellAgent } from '../../../electron/main/agent-watch';
import type { Rectangle, TrayAction, TrayMenuItem, TrayPort, TrayStatus, WindowPort } from '../../../electron/main/desktop-ports';
import { snapshot } from '../renderer/fixtures';

export { availabilityReport, snapshot } from '../renderer/fixtures';

export const GPU = 'GPU-11111111-2222-3333-4444-555555555555';

export function device(state: GpuAvailability['state'], headline: string, reasons: GpuAvailability['reasons'] = []): GpuAvailability {
  return { gpuUuid: GPU, gpuName: 'RTX 4080', state, reasons, headline, since: '2026-01-01T00:00:00.000Z' };
}

/** An agent with a settable snapshot, a recorded call log and an event emitter. */
export function fakeAgent(initial: Snapshot = snapshot()) {
  let current = initial;
  const listeners = new Set<(event: AgentEvent) => void>();
  const calls: { name: string; request: unknown }[] = [];
  const answers = new Map<string, Result<unknown>>();
  const agent: ShellAgent = {
    snapshot: () => current,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async call(name, request) {
      calls.push({ name, request });
      return answers.get(name) ?? { ok: false, error: { code: 'unavailable', message: `${name} is not available` } };
    },
  };
  return {
    agent,
    calls,
    answer: (name: string, result: Result<unknown>) => answers.set(name, result),
    set(next: Partial<Snapshot>) {
      current = { ...current, ...next };
    },
    /** Emits any event, including other features' (loosely typed on purpose). */
    emit(name: string, payload: unknown) {
      for (const listener of [...listeners]) listener({ name, payload } as AgentEvent);
    },
  };
}

export function fakeTray() {
  const state = {
    status: null as TrayStatus | null,
    tooltip: '',
    menu: [] as TrayMenuItem[],
    onAction: null as ((action: TrayAction) => void) | null,
    onClick: null as (() => void) | null,
    draws: 0,
    destroyed: false,
  };
  const tray: TrayPort = {
    setStatus(status, tooltip) {
      state.status = status;
      state.tooltip = tooltip;
      state.draws += 1;
    },
    setMenu(menu, onAction) {
      state.menu = menu;
      state.onAction = onAction;
    },
    onClick: (listener) => (state.onClick = listener),
    destroy: () => (state.destroyed = true),
  };
  return { tray, state };
}

export function fakeWindow(bounds: Rectangle = { x: 10, y: 20, width: 1000, height: 700 }) {
  const closeListeners = new Set<(event: { preventDefault(): void }) => void>();
  const boundsListeners = new Set<() => void>();
  const log: string[] = [];
  const state = { visible: true, minimized: false, maximized: false, destroyed: false, bounds, route: null as string | null };
  const window: WindowPort = {
    show: () => {
      state.visible = true;
      log.push('show');
    },
    hide: () => {
      state.visible = false;
      log.push('hide');
    },
    focus: () => log.push('focus'),
    restore: () => {
      state.minimized = false;
      log.push('restore');
    },
    isMinimized: () => state.minimized,
    isVisible: () => state.visible,
    isDestroyed: () => state.destroyed,
    getNormalBounds: () => state.bounds,
    isMaximized: () => state.maximized,
    openRoute: (hash) => (state.route = hash),
    onClose(listener) {
      closeListeners.add(listener);
      return () => closeListeners.delete(listener);
    },
    onBoundsChanged(listener) {
      boundsListeners.add(listener);
      return () => boundsListeners.delete(listener);
    },
  };
  return {
    window,
    state,
    log,
    /** Fires `close`; true when some listener prevented it (the window stays). */
    close(): boolean {
      let prevented = false;
      for (const listener of [...closeListeners]) listener({ preventDefault: () => (prevented = true) });
      return prevented;
    },
    moved(next: Rectangle) {
      state.bounds = next;
      for (const listener of [...boundsListeners]) listener();
    },
  };
}
