import { describe, expect, it } from 'vitest';
import { redactForWatchers, urlsHostOnly } from '../../../electron/agent/headless/watch-redaction';

describe('what LAN watchers see of URLs', () => {
  it('scheme and host only: no path, query, fragment or user info', () => {
    expect(urlsHostOnly('https://mainnet.example/v3/0123abcd')).toBe('https://mainnet.example');
    expect(urlsHostOnly('https://rpc.example:8545/?apikey=SECRET#x')).toBe('https://rpc.example:8545');
    expect(urlsHostOnly('https://user:pw@rpc.example/path')).toBe('https://rpc.example');
    expect(urlsHostOnly('wss://ws.example/ws/KEY')).toBe('wss://ws.example');
    expect(urlsHostOnly('http://127.0.0.1:8545')).toBe('http://127.0.0.1:8545');
  });

  it('also inside messages, leaving the rest of the sentence', () => {
    expect(urlsHostOnly('https://rpc.example/v3/KEY serves chain 5, not the configured chain 1.')).toBe('https://rpc.example serves chain 5, not the configured chain 1.');
    expect(urlsHostOnly('no url here: docker.io/library/busybox@sha256:ab')).toBe('no url here: docker.io/library/busybox@sha256:ab');
  });

  it('walks every string of a result, keeping its shape', () => {
    const result = {
      ok: true,
      value: { network: { kind: 'custom', rpcUrl: 'https://rpc.example/v3/KEY', chainId: 1 }, list: ['https://up.example/u/TOKEN', 3, null] },
    };
    expect(redactForWatchers(result)).toEqual({
      ok: true,
      value: { network: { kind: 'custom', rpcUrl: 'https://rpc.example', chainId: 1 }, list: ['https://up.example', 3, null] },
    });
    expect(JSON.stringify(redactForWatchers(result))).not.toMatch(/KEY|TOKEN/);
  });
});
