/**
 * The requester rule's field on the Controls page: how many disputes a requester may have lost
 * before its jobs are refused (settings.market.maxRequesterDisputesLost, 0–1000). Pure.
 */
export const MAX_RULE_VALUE = 1000;

export type RuleParse = { ok: true; value: number } | { ok: false; error: string };

export function parseRequesterRule(text: string): RuleParse {
  const trimmed = text.trim();
  if (!/^[0-9]+$/.test(trimmed)) return { ok: false, error: 'Enter a whole number of disputes, 0 or more.' };
  const value = Number(trimmed);
  if (value > MAX_RULE_VALUE) return { ok: false, error: `At most ${MAX_RULE_VALUE}.` };
  return { ok: true, value };
}

/** What the rule does, in words, for the value being edited. */
export function ruleMeaning(value: number): string {
  if (value === 0) return 'Refuse every requester that ever lost a dispute.';
  return `Refuse requesters that lost more than ${value} dispute${value === 1 ? '' : 's'} (a requester loses one when it disputes a result the verifier confirms).`;
}

/** Loosening the rule (a higher number) takes jobs from requesters it refused before. */
export const isLoosening = (from: number, to: number): boolean => to > from;
