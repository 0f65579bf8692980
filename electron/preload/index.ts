/**
 * The sandboxed preload: exposes exactly the contract (one function per call plus
 * onEvent) as `window.rigshift`, never ipcRenderer itself, so the page cannot reach any
 * other channel.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { type AgentEvent, callNames, type ExposedApi, ipcChannels } from '../../shared/api/contract';

export function buildExposedApi(): ExposedApi {
  const api: Record<string, unknown> = {};
  for (const name of callNames) {
    api[name] = (request: unknown) => ipcRenderer.invoke(ipcChannels.call(name), request ?? {});
  }
  api.onEvent = (listener: (event: AgentEvent) => void) => {
    const handler = (_event: IpcRendererEvent, payload: AgentEvent) => listener(payload);
    ipcRenderer.on(ipcChannels.event, handler);
    return () => {
      ipcRenderer.removeListener(ipcChannels.event, handler);
    };
  };
  return api as ExposedApi;
}

contextBridge.exposeInMainWorld('rigshift', buildExposedApi());
