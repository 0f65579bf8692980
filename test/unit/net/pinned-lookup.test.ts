/**
 * The lookup every stranger-named connection uses (input downloads, result uploads): one
 * resolution, every answer judged, exactly one judged address handed to the socket.
 */
import type { LookupAddress } from 'node:dns';
import type { LookupOptions } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { assertPublicHost } from '../../../electron/agent/jobs/public-address';
import { AddressRefusedError, pinnedLookup, resolveChecked } from '../../../electron/agent/net/pinned-lookup';

const scripted = (...answers: string[][]) => {
  let calls = 0;
  const resolver = async () => {
    const next = answers[Math.min(calls, answers.length - 1)] ?? [];
    calls += 1;
    return next.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return { resolver, calls: () => calls };
};

function lookupOnce(lookup: ReturnType<typeof pinnedLookup>, options: LookupOptions) {
  return new Promise<{ error: Error | null; address: string | LookupAddress[] }>((resolve) =>
    lookup('upload.example', options, (error, address) => resolve({ error, address })),
  );
}

describe('pinnedLookup', () => {
  it('gives a socket asking for all addresses only the one it checked', async () => {
    const { resolver } = scripted(['8.8.8.8', '1.1.1.1']);
    const { error, address } = await lookupOnce(pinnedLookup({}, resolver), { all: true });
    expect(error).toBeNull();
    expect(address).toEqual([{ address: '8.8.8.8', family: 4 }]);
  });

  it('answers a rebinding resolver per connection: the public answer once, then the loopback answer refused', async () => {
    const { resolver, calls } = scripted(['8.8.8.8'], ['127.0.0.1']);
    const lookup = pinnedLookup({}, resolver);
    expect(await lookupOnce(lookup, {})).toEqual({ error: null, address: '8.8.8.8' });
    const second = await lookupOnce(lookup, {});
    expect(second.error).toBeInstanceOf(AddressRefusedError);
    expect(second.error?.message).toBe('upload.example resolves to 127.0.0.1, a loopback address, which jobs may not reach');
    expect(calls()).toBe(2);
  });

  it('refuses the whole answer when one address is not public', async () => {
    const { resolver } = scripted(['8.8.8.8', '::ffff:0:a00:1']);
    const { error } = await lookupOnce(pinnedLookup({}, resolver), { all: true });
    expect(error?.message).toMatch(/::ffff:0:a00:1, a private \(10\.0\.0\.0\/8\) address/);
  });

  it('honours the family a socket asks for', async () => {
    const { resolver } = scripted(['8.8.8.8', '2606:4700:4700::1111']);
    expect(await lookupOnce(pinnedLookup({}, resolver), { family: 6 })).toEqual({ error: null, address: '2606:4700:4700::1111' });
  });

  it('allows loopback only under an explicit policy (the devnet, a test)', async () => {
    const { resolver } = scripted(['127.0.0.1']);
    expect(await lookupOnce(pinnedLookup({ allowLoopback: true }, resolver), {})).toEqual({ error: null, address: '127.0.0.1' });
    await expect(resolveChecked('localhost', {}, resolver)).rejects.toThrow(/loopback/);
  });
});

describe('assertPublicHost (the check the market provider makes before claiming)', () => {
  it.each(['127.0.0.1', '[::1]', '[::ffff:0:7f00:1]', '[64:ff9b:1::a00:1]', '192.0.2.1', '[2001::1]', '100.64.0.1'])('refuses %s', async (host) => {
    await expect(assertPublicHost(host)).rejects.toThrow(/which jobs may not reach/);
  });

  it('accepts a public literal without resolving anything', async () => {
    await expect(assertPublicHost('8.8.8.8')).resolves.toBeUndefined();
    await expect(assertPublicHost('[2606:4700:4700::1111]')).resolves.toBeUndefined();
  });
});
