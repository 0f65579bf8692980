/**
 * Unsaved edits a page must not lose without asking. Each section that edits a draft
 * (schedule, price, limits) registers its draft here while it is dirty; a page that can
 * be left (the first-run wizard's Continue, Skip, Back) asks the registry before it moves
 * on, and offers to save or discard. Outside a provider (the Controls page) the hook does
 * nothing, so the sections work the same there.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, type ReactNode } from 'react';

export interface UnsavedEdit {
  /** Section name as the owner sees it ("Price floor"). */
  label: string;
  /** Saves the draft; false when it could not (invalid values, the agent refused). */
  save(): Promise<boolean>;
  discard(): void;
}

interface Registry {
  set(id: string, edit: UnsavedEdit | null): void;
  list(): UnsavedEdit[];
}

const UnsavedEditsContext = createContext<Registry | null>(null);

export function UnsavedEditsProvider({ children }: { children: ReactNode }) {
  const edits = useRef(new Map<string, UnsavedEdit>());
  const registry = useMemo<Registry>(
    () => ({
      set(id, edit) {
        if (edit) edits.current.set(id, edit);
        else edits.current.delete(id);
      },
      list: () => [...edits.current.values()],
    }),
    [],
  );
  return <UnsavedEditsContext.Provider value={registry}>{children}</UnsavedEditsContext.Provider>;
}

/** The sections' side: registers the draft while `dirty`, forgets it when clean or unmounted. */
export function useUnsavedEdit(id: string, dirty: boolean, edit: UnsavedEdit): void {
  const registry = useContext(UnsavedEditsContext);
  // The latest callbacks, without re-registering on every render.
  const latest = useRef(edit);
  useEffect(() => {
    latest.current = edit;
  });
  useEffect(() => {
    if (!registry) return;
    registry.set(
      id,
      dirty
        ? { label: latest.current.label, save: () => latest.current.save(), discard: () => latest.current.discard() }
        : null,
    );
    return () => registry.set(id, null);
  }, [registry, id, dirty]);
}

/** The page's side: what is unsaved now, and saving or discarding all of it. */
export function useUnsavedEdits() {
  const registry = useContext(UnsavedEditsContext);
  const pending = useCallback(() => registry?.list() ?? [], [registry]);
  const saveAll = useCallback(async () => {
    for (const edit of pending()) if (!(await edit.save())) return false;
    return true;
  }, [pending]);
  const discardAll = useCallback(() => pending().forEach((edit) => edit.discard()), [pending]);
  return { pending, saveAll, discardAll };
}
