/**
 * The owner's rule on requesters for v2 jobs: refuse those that lost more disputes than a
 * limit (default 2). The setting itself is added to shared/domain/settings.ts separately;
 * until it exists (or when it is absent from an older settings file) the default applies.
 */
import type { Settings } from '../../../shared/domain/settings';
import { DEFAULT_REQUESTER_RULE, type RequesterRule } from './v2-provider-plan';

export function requesterRuleOf(settings: Settings | undefined): RequesterRule {
  const market = settings?.market as { maxRequesterDisputesLost?: unknown } | undefined;
  const limit = market?.maxRequesterDisputesLost;
  return typeof limit === 'number' && Number.isInteger(limit) && limit >= 0 ? { maxDisputesLost: limit } : DEFAULT_REQUESTER_RULE;
}
