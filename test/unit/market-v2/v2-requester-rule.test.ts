/**
 * The owner's requester rule as a setting (schema 9): migration 0009 adds it with the default
 * (more than 2 disputes lost is refused), keeps a valid value, the schema refuses what is not
 * a whole number from 0 to 1000, and the plan refuses exactly by it.
 */
import { describe, expect, it } from 'vitest';
import { m0009RequesterRule } from '../../../electron/agent/settings/migrations/0009-requester-rule';
import { migrateSettings } from '../../../electron/agent/settings/settings-service';
import { requesterRuleOf } from '../../../electron/agent/market-v2/v2-requester-rule';
import { DEFAULT_REQUESTER_RULE } from '../../../electron/agent/market-v2/v2-provider-plan';
import { applySettingsPatch, DEFAULT_SETTINGS, SETTINGS_SCHEMA_VERSION } from '../../../shared/domain/settings';

describe('settings migration 0009: the requester rule', () => {
  it('a version-7 document gets the default of 2, everything else in market kept', () => {
    const v7 = structuredClone(DEFAULT_SETTINGS) as unknown as Record<string, unknown>;
    v7.schemaVersion = 7;
    const market = v7.market as Record<string, unknown>;
    delete market.maxRequesterDisputesLost;
    market.bidding = true;
    market.blockedRequesters = ['0x1111111111111111111111111111111111111111'];
    const { settings, migrated } = migrateSettings(v7);
    expect(migrated).toBe(true);
    expect(settings.schemaVersion).toBe(SETTINGS_SCHEMA_VERSION);
    expect(settings.market).toEqual({ bidding: true, blockedRequesters: ['0x1111111111111111111111111111111111111111'], imageAllowList: [], imageDenyList: [], maxRequesterDisputesLost: 2 });
  });

  it('keeps a valid value and replaces an invalid one', () => {
    const up = (value: unknown) => (m0009RequesterRule.up({ schemaVersion: 7, market: { bidding: false, maxRequesterDisputesLost: value } }) as { market: { maxRequesterDisputesLost: unknown } }).market.maxRequesterDisputesLost;
    expect(up(0)).toBe(0);
    expect(up(7)).toBe(7);
    for (const bad of [-1, 1.5, '3', null, undefined, 5000]) expect(up(bad)).toBe(2);
    expect(m0009RequesterRule.up({ schemaVersion: 7 })).toEqual({ schemaVersion: 9, market: { maxRequesterDisputesLost: 2 } });
  });

  it('the schema refuses a value that is not a whole number from 0 to 1000; the default matches the plan', () => {
    const patch = (maxRequesterDisputesLost: number) => () => applySettingsPatch(DEFAULT_SETTINGS, { market: { maxRequesterDisputesLost } });
    expect(patch(0)().market.maxRequesterDisputesLost).toBe(0);
    for (const bad of [-1, 1001, 2.5]) expect(patch(bad)).toThrow();
    expect(requesterRuleOf(DEFAULT_SETTINGS)).toEqual(DEFAULT_REQUESTER_RULE);
    expect(requesterRuleOf(patch(5)())).toEqual({ maxDisputesLost: 5 });
  });
});
