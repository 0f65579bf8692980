/**
 * Keeps the tray in step with the agent and turns menu clicks into agent calls. The view
 * is recomputed on every relevant event and redrawn only when it changed.
 */
import type { AgentWatch, ShellAgent } from './agent-watch';
import type { TrayAction, TrayPort } from './desktop-ports';
import type { StopGuard } from './stop-guard';
import { trayView } from './tray-model';

export interface TrayControllerDeps {
  tray: TrayPort;
  agent: ShellAgent;
  watch: AgentWatch;
  /** Pausing asks first when a job would lose its unpaid work (stop-guard.ts). */
  guard: Pick<StopGuard, 'pause'>;
  now: () => Date;
  /** Shows and focuses the window, on a page when given (`#/setup/checks`). */
  openWindow(hash?: string): void;
  quit(): void;
  onError(message: string): void;
}

export function startTrayController(deps: TrayControllerDeps): () => void {
  const { tray, agent, watch } = deps;
  let drawn = '';

  const act = async (action: TrayAction) => {
    switch (action) {
      case 'open':
        return deps.openWindow();
      case 'open-attention':
        return deps.openWindow(watch.attention()[0]?.action.hash ?? '#/');
      case 'quit':
        return deps.quit();
      case 'resume':
      case 'pause-hour':
      case 'pause-tomorrow': {
        const result =
          action === 'resume' ? await agent.call('resumeRenting', {}) : await deps.guard.pause(action === 'pause-hour' ? 'hour' : 'tomorrow');
        if (result && !result.ok) deps.onError(result.error.message);
        return redraw();
      }
    }
  };

  const redraw = () => {
    const snapshot = agent.snapshot();
    const view = trayView({
      availability: snapshot.availability,
      pause: snapshot.settings.controls.pause,
      timeZone: snapshot.settings.controls.schedule.timeZone,
      attention: watch.attention(),
      now: deps.now(),
    });
    const key = JSON.stringify(view);
    if (key === drawn) return;
    drawn = key;
    tray.setStatus(view.status, view.tooltip);
    tray.setMenu(view.menu, (action) => void act(action));
  };

  tray.onClick(() => deps.openWindow());
  redraw();
  const off = watch.onChange(redraw);
  return () => {
    off();
    tray.destroy();
  };
}
