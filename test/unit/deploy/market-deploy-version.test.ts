/**
 * `rigshift market deploy` deploys market v2 unless the legacy v1 is asked for by name (issue
 * 12: "deploy (v2)"; the devnet and the agents default to v2 as well).
 */
import { describe, expect, it } from 'vitest';
import { deployMarketVersion } from '../../../electron/agent/cli/market-deploy-command';
import { AgentError } from '../../../shared/api/result';

describe('market deploy --market-version', () => {
  it('is v2 by default, v1 only when asked, and refuses anything else in words', () => {
    expect(deployMarketVersion(undefined)).toBe(2);
    expect(deployMarketVersion('2')).toBe(2);
    expect(deployMarketVersion('1')).toBe(1);
    for (const wrong of ['3', '', 'v2']) {
      expect(() => deployMarketVersion(wrong)).toThrow(AgentError);
      expect(() => deployMarketVersion(wrong)).toThrow(`--market-version must be 1 or 2, not "${wrong}".`);
    }
  });
});
