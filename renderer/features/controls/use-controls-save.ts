import { useEffect, useState } from 'react';
import type { Controls } from '../../../shared/domain/controls';
import { useCurrentSnapshot } from '../../app/app-context';
import { useUpdateSettings } from '../settings/use-update-settings';

/** How long "Saved · Undo" stays offered after a save. */
export const UNDO_WINDOW_MS = 10_000;
const RESTORED_NOTICE_MS = 4_000;

export type ControlsPatch = Partial<Omit<Controls, 'pause'>>;

type Notice = { kind: 'saved'; previous: ControlsPatch; at: number } | { kind: 'restored'; at: number } | null;

/** The previous value of exactly the groups a patch replaces. */
export function previousGroups(current: Controls, patch: ControlsPatch): ControlsPatch {
  const previous: Record<string, unknown> = {};
  for (const key of Object.keys(patch) as (keyof ControlsPatch)[]) previous[key] = current[key];
  return previous as ControlsPatch;
}

/**
 * Saves whole controls groups (the agent replaces each group it is given) and, for
 * UNDO_WINDOW_MS afterwards, offers to put the previous value of those groups back.
 */
export function useControlsSave() {
  const currentSnapshot = useCurrentSnapshot();
  const update = useUpdateSettings();
  const [notice, setNotice] = useState<Notice>(null);

  useEffect(() => {
    if (!notice) return;
    const timer = window.setTimeout(
      () => setNotice(null),
      notice.kind === 'saved' ? UNDO_WINDOW_MS : RESTORED_NOTICE_MS,
    );
    return () => window.clearTimeout(timer);
  }, [notice]);

  const save = async (patch: ControlsPatch) => {
    const current = currentSnapshot()?.settings.controls;
    const previous = current ? previousGroups(current, patch) : null;
    setNotice(null);
    const result = await update.run({ controls: patch });
    if (result.ok && previous) setNotice({ kind: 'saved', previous, at: Date.now() });
    return result;
  };

  const undo = async () => {
    if (notice?.kind !== 'saved') return;
    const { previous } = notice;
    setNotice(null);
    const result = await update.run({ controls: previous });
    if (result.ok) setNotice({ kind: 'restored', at: Date.now() });
    return result;
  };

  return {
    save,
    undo,
    notice: notice?.kind ?? null,
    pending: update.pending,
    error: update.error,
    clearError: update.clearError,
  };
}

export type ControlsSaver = ReturnType<typeof useControlsSave>;
