import { beforeEach, describe, expect, it, vi } from 'vitest';
import { exposedApiKeys, ipcChannels } from '../../../shared/api/contract';

// The preload runs in Electron's sandbox; here `electron` is replaced by a recorder so
// we can see exactly what the page would get on `window`.
const exposed: Record<string, unknown> = {};
const invoke = vi.fn(async (..._args: unknown[]) => ({ ok: true, value: {} }));
const listeners = new Map<string, (...args: unknown[]) => void>();
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
  ipcRenderer: {
    invoke: (...args: unknown[]) => invoke(...args),
    on: (channel: string, handler: (...args: unknown[]) => void) => listeners.set(channel, handler),
    removeListener: (channel: string) => listeners.delete(channel),
  },
}));

describe('preload', () => {
  beforeEach(async () => {
    await import('../../../electron/preload/index');
  });

  it('exposes exactly one object, window.rigshift, with exactly the contract keys', () => {
    expect(Object.keys(exposed)).toEqual(['rigshift']);
    const api = exposed.rigshift as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual([...exposedApiKeys].sort());
    for (const key of exposedApiKeys) expect(typeof api[key]).toBe('function');
  });

  it('maps each call to its own channel and never hands out ipcRenderer', async () => {
    const api = exposed.rigshift as Record<string, (request?: unknown) => Promise<unknown>>;
    await api.cancelBenchmark!({ runId: 'r1' });
    expect(invoke).toHaveBeenCalledWith(ipcChannels.call('cancelBenchmark'), { runId: 'r1' });
    expect(Object.values(api).some((value) => typeof value === 'object')).toBe(false);
  });

  it('delivers events and unsubscribes', () => {
    const api = exposed.rigshift as { onEvent(listener: (event: unknown) => void): () => void };
    const seen: unknown[] = [];
    const off = api.onEvent((event) => seen.push(event));
    listeners.get(ipcChannels.event)?.({}, { name: 'detecting', payload: { detecting: true } });
    expect(seen).toEqual([{ name: 'detecting', payload: { detecting: true } }]);
    off();
    expect(listeners.has(ipcChannels.event)).toBe(false);
  });
});
