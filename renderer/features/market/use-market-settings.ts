import { useEffect, useState } from 'react';
import type { Settings } from '../../../shared/domain/settings';
import { useCurrentSnapshot } from '../../app/app-context';
import { useUpdateSettings } from '../settings/use-update-settings';

type MarketSettings = Settings['market'];
export type MarketSettingsPatch = Partial<MarketSettings>;

/** How long "Saved · Undo" stays offered. */
export const MARKET_UNDO_MS = 10_000;

/** The previous value of exactly the fields a patch changes. */
export function previousMarketFields(current: MarketSettings, patch: MarketSettingsPatch): MarketSettingsPatch {
  const previous: Record<string, unknown> = {};
  for (const key of Object.keys(patch) as (keyof MarketSettings)[]) previous[key] = current[key];
  return previous as MarketSettingsPatch;
}

/**
 * Saves settings.market fields at once (a switch or a list entry is one deliberate act)
 * and offers to put the previous values back for MARKET_UNDO_MS. The agent's answer is
 * the new truth: the switch shows what the agent saved, not what was clicked.
 */
export function useMarketSettings() {
  const currentSnapshot = useCurrentSnapshot();
  const update = useUpdateSettings();
  const [undo, setUndo] = useState<{ previous: MarketSettingsPatch; label: string } | null>(null);

  useEffect(() => {
    if (!undo) return undefined;
    const timer = window.setTimeout(() => setUndo(null), MARKET_UNDO_MS);
    return () => window.clearTimeout(timer);
  }, [undo]);

  const save = async (patch: MarketSettingsPatch, label: string) => {
    const current = currentSnapshot()?.settings.market;
    const result = await update.run({ market: patch });
    setUndo(result.ok && current ? { previous: previousMarketFields(current, patch), label } : null);
    return result;
  };

  const revert = async () => {
    if (!undo) return;
    const { previous } = undo;
    setUndo(null);
    await update.run({ market: previous });
  };

  return { save, revert, undo: undo?.label ?? null, pending: update.pending, error: update.error, clearError: update.clearError };
}

export type MarketSettingsSaver = ReturnType<typeof useMarketSettings>;
