/**
 * The owner's requester rule (settings.market.maxRequesterDisputesLost, Controls → Market v2)
 * as the v2 provider plan reads it (RequesterRule): read it at every tick, so a change in the
 * Controls page applies to the next job without a restart.
 */
import type { Settings } from '../../../shared/domain/settings';
import type { RequesterRule } from './v2-provider-plan';

export function requesterRuleOf(settings: Pick<Settings, 'market'>): RequesterRule {
  return { maxDisputesLost: settings.market.maxRequesterDisputesLost };
}
