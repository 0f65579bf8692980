/**
 * Locks the wallet after the owner's idle time (settings.wallet.autoLockMinutes; 0 means
 * never). Activity (a call, a signature) restarts the count; while any holdUnlocked() is
 * held (a job in flight that must still claim, submit or withdraw) it never locks.
 */
import type { Clock } from '../ports';

export interface AutoLock {
  touch(): void;
  hold(reason: string): () => void;
  holds(): string[];
  /** Locks if idle long enough; called by the timer and by tests. */
  check(): Promise<boolean>;
  start(): void;
  stop(): void;
}

export function createAutoLock(deps: {
  minutes: () => number;
  isUnlocked: () => boolean;
  lock: () => Promise<void>;
  clock: Clock;
  checkEveryMs?: number;
}): AutoLock {
  let lastActivity = deps.clock.now().getTime();
  const held = new Map<number, string>();
  let nextHold = 1;
  let timer: NodeJS.Timeout | null = null;

  const check = async () => {
    const minutes = deps.minutes();
    if (minutes <= 0 || held.size > 0 || !deps.isUnlocked()) return false;
    if (deps.clock.now().getTime() - lastActivity < minutes * 60_000) return false;
    await deps.lock();
    return true;
  };

  return {
    touch: () => {
      lastActivity = deps.clock.now().getTime();
    },
    hold(reason) {
      const id = nextHold++;
      held.set(id, reason);
      return () => {
        if (held.delete(id)) lastActivity = deps.clock.now().getTime();
      };
    },
    holds: () => [...held.values()],
    check,
    start() {
      timer ??= setInterval(() => void check(), deps.checkEveryMs ?? 15_000);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
