import { useEffect, useState } from 'react';
import type { NetworkSettings } from '../../../shared/domain/settings';
import { useCurrentSnapshot } from '../../app/app-context';
import { UNDO_WINDOW_MS } from '../controls/use-controls-save';
import { useUpdateSettings } from '../settings/use-update-settings';

const RESTORED_NOTICE_MS = 4_000;

type Notice = { kind: 'saved'; previous: NetworkSettings } | { kind: 'restored' } | null;

/**
 * Saves the network setting (the agent replaces it whole and reconnects) and, for
 * UNDO_WINDOW_MS afterwards, offers to put the previous network back: the app's undo for
 * risky settings (Controls' save bar, the egress switch).
 */
export function useNetworkSave() {
  const currentSnapshot = useCurrentSnapshot();
  const update = useUpdateSettings();
  const [notice, setNotice] = useState<Notice>(null);

  useEffect(() => {
    if (!notice) return undefined;
    const timer = window.setTimeout(() => setNotice(null), notice.kind === 'saved' ? UNDO_WINDOW_MS : RESTORED_NOTICE_MS);
    return () => window.clearTimeout(timer);
  }, [notice]);

  const save = async (network: NetworkSettings) => {
    const previous = currentSnapshot()?.settings.network ?? null;
    setNotice(null);
    const result = await update.run({ network });
    if (result.ok && previous) setNotice({ kind: 'saved', previous });
    return result;
  };

  const undo = async () => {
    if (notice?.kind !== 'saved') return;
    const { previous } = notice;
    setNotice(null);
    const result = await update.run({ network: previous });
    if (result.ok) setNotice({ kind: 'restored' });
  };

  return { save, undo, notice: notice?.kind ?? null, pending: update.pending, error: update.error, clearError: update.clearError };
}

export type NetworkSaver = ReturnType<typeof useNetworkSave>;
