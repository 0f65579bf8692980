import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { callNames, ipcChannels } from '../../shared/api/contract';
import type { Result } from '../../shared/api/result';
import type { Agent } from '../agent/agent';
import { isTrustedRendererUrl } from './security';

const untrusted: Result<never> = {
  ok: false,
  error: { code: 'untrusted_sender', message: 'This page may not talk to the RigShift agent.' },
};

/**
 * One ipcMain handler per contract call (no generic channel), each checking that the
 * sender is our own page before the agent's boundary validates the request.
 */
export function registerIpcBridge(ipcMain: IpcMain, agent: Agent, indexUrl: string): () => void {
  for (const name of callNames) {
    ipcMain.handle(ipcChannels.call(name), (event: IpcMainInvokeEvent, request: unknown) => {
      const senderUrl = event.senderFrame?.url ?? '';
      if (!isTrustedRendererUrl(senderUrl, indexUrl)) return untrusted;
      return agent.call(name, request);
    });
  }
  return () => {
    for (const name of callNames) ipcMain.removeHandler(ipcChannels.call(name));
  };
}

/** Pushes every agent event to the window while it exists. */
export function forwardEvents(agent: Agent, contents: WebContents): () => void {
  return agent.onEvent((event) => {
    if (!contents.isDestroyed()) contents.send(ipcChannels.event, event);
  });
}
