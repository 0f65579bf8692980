/**
 * Which market a new devnet deploys: v2 by default (issue 12: "the devnet deploys only v2");
 * the legacy v1 only when `--market-version 1` or RIGSHIFT_DEVNET_MARKET_VERSION=1 asks for it.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_DEVNET_MARKET_VERSION, DEVNET_MARKET_VERSION_ENV, devnetMarketVersion } from '../../../electron/agent/devnet/deploy-devnet';

describe('the devnet market version', () => {
  it('is v2 when nothing asks for another', () => {
    expect(DEFAULT_DEVNET_MARKET_VERSION).toBe(2);
    expect(devnetMarketVersion(undefined, {})).toBe(2);
    // An empty variable is no answer (a test may blank it to get the default).
    expect(devnetMarketVersion(undefined, { [DEVNET_MARKET_VERSION_ENV]: '' })).toBe(2);
  });

  it('deploys the legacy v1 only when the flag or the environment says 1', () => {
    expect(devnetMarketVersion('1', {})).toBe(1);
    expect(devnetMarketVersion(undefined, { RIGSHIFT_DEVNET_MARKET_VERSION: '1' })).toBe(1);
    expect(devnetMarketVersion(undefined, { RIGSHIFT_DEVNET_MARKET_VERSION: '2' })).toBe(2);
  });

  it('takes the flag over the environment', () => {
    expect(devnetMarketVersion('2', { RIGSHIFT_DEVNET_MARKET_VERSION: '1' })).toBe(2);
    expect(devnetMarketVersion('1', { RIGSHIFT_DEVNET_MARKET_VERSION: '2' })).toBe(1);
  });

  it('refuses any other version in words', () => {
    expect(() => devnetMarketVersion('3', {})).toThrow(/must be 1 or 2, not "3"/);
    expect(() => devnetMarketVersion(undefined, { RIGSHIFT_DEVNET_MARKET_VERSION: 'v2' })).toThrow(/must be 1 or 2, not "v2"/);
  });
});
