import { describe, expect, it } from 'vitest';
import type { IpcMain } from 'electron';
import { registerIpcBridge } from '../../../electron/main/ipc-bridge';
import { createAgent } from '../../../electron/agent/agent';
import { callNames, ipcChannels } from '../../../shared/api/contract';
import { fakeAgentDeps } from '../../fakes/fake-agent-deps';

const indexUrl = 'file:///app/dist/renderer/index.html';

function fakeIpcMain() {
  const handlers = new Map<string, (event: unknown, request: unknown) => unknown>();
  const ipcMain = {
    handle: (channel: string, handler: (event: unknown, request: unknown) => unknown) => handlers.set(channel, handler),
    removeHandler: (channel: string) => handlers.delete(channel),
  } as unknown as IpcMain;
  return { ipcMain, handlers };
}

describe('IPC bridge', () => {
  it('registers one handler per contract call and nothing else', () => {
    const { ipcMain, handlers } = fakeIpcMain();
    const dispose = registerIpcBridge(ipcMain, createAgent(fakeAgentDeps().deps), indexUrl);
    expect([...handlers.keys()].sort()).toEqual(callNames.map(ipcChannels.call).sort());
    dispose();
    expect(handlers.size).toBe(0);
  });

  it('answers our page and refuses any other sender', async () => {
    const { ipcMain, handlers } = fakeIpcMain();
    registerIpcBridge(ipcMain, createAgent(fakeAgentDeps().deps), indexUrl);
    const handler = handlers.get(ipcChannels.call('getSnapshot'))!;
    const ours = (await handler({ senderFrame: { url: indexUrl } }, {})) as { ok: boolean };
    expect(ours.ok).toBe(true);
    const foreign = await handler({ senderFrame: { url: 'https://evil.example/' } }, {});
    expect(foreign).toMatchObject({ ok: false, error: { code: 'untrusted_sender' } });
    const detached = await handler({ senderFrame: null }, {});
    expect(detached).toMatchObject({ ok: false, error: { code: 'untrusted_sender' } });
  });

  it('validates the request at the agent boundary', async () => {
    const { ipcMain, handlers } = fakeIpcMain();
    registerIpcBridge(ipcMain, createAgent(fakeAgentDeps().deps), indexUrl);
    const handler = handlers.get(ipcChannels.call('startBenchmark'))!;
    const result = await handler({ senderFrame: { url: indexUrl } }, { target: 'everything' });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  });
});
