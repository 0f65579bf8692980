/**
 * The market's housekeeping loop: one tick at a time, a tick every `tickMs`, and `soon()`
 * for "something changed, tick shortly" (coalesced: many changes, one tick). A tick asked
 * for while one runs makes exactly one more run after it.
 */
export interface TickLoop {
  tick(): Promise<void>;
  soon(): void;
  start(): void;
  stop(): Promise<void>;
}

export function createTickLoop(options: { tickMs: number; soonMs?: number; run: () => Promise<void> }): TickLoop {
  let stopped = true;
  let ticking: Promise<void> | null = null;
  let tickAgain = false;
  let timer: NodeJS.Timeout | null = null;
  let soonTimer: NodeJS.Timeout | null = null;

  function tick(): Promise<void> {
    if (ticking) {
      tickAgain = true;
      return ticking;
    }
    ticking = (async () => {
      do {
        tickAgain = false;
        await options.run();
      } while (tickAgain && !stopped);
    })().finally(() => (ticking = null));
    return ticking;
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => void tick().finally(schedule), options.tickMs);
    timer.unref?.();
  }

  return {
    tick,
    soon() {
      if (stopped || soonTimer) return;
      soonTimer = setTimeout(() => {
        soonTimer = null;
        void tick();
      }, options.soonMs ?? 20);
      soonTimer.unref?.();
    },
    start() {
      stopped = false;
      schedule();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (soonTimer) clearTimeout(soonTimer);
      timer = soonTimer = null;
      await ticking?.catch(() => undefined);
    },
  };
}
