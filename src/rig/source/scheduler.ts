/**
 * Timers for rig sources, injectable so the same source runs on wall time (a real rig), scaled
 * wall time (an emulator at `--speed X`), or virtual time driven by an in-process emulator as
 * fast as the CPU allows. Every wait in `src/rig` goes through a {@link Scheduler}, with a timeout
 * and an AbortSignal.
 */
import { AbortedError } from "./rigErrors.js";

/** An opaque timer handle. */
export type TimerHandle = { readonly __timer: true };

export interface Scheduler {
  /** Milliseconds on this scheduler's clock (monotonic). */
  nowMs(): number;
  /** Calls `fn` once after `delayMs` of this scheduler's time. */
  setTimer(fn: () => void, delayMs: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

/** Real time: `performance.now()` and `setTimeout`. */
export const wallScheduler: Scheduler = scaledScheduler(1);

/**
 * Time running `speed` times faster than the wall (an emulator at `--speed X` on the other end of a
 * pseudo-terminal): delays are divided by `speed`, readings multiplied.
 */
export function scaledScheduler(speed: number): Scheduler {
  if (!(speed > 0 && Number.isFinite(speed))) throw new RangeError(`speed must be > 0 (got ${speed})`);
  const origin = performance.now();
  return {
    nowMs: () => (performance.now() - origin) * speed,
    setTimer: (fn, delayMs) => {
      const t = setTimeout(fn, Math.max(0, delayMs / speed));
      return t as unknown as TimerHandle;
    },
    clearTimer: (h) => clearTimeout(h as unknown as ReturnType<typeof setTimeout>),
  };
}

interface VirtualTimer {
  readonly dueMs: number;
  readonly order: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/**
 * Virtual time that moves only when its driver says so ({@link VirtualScheduler.advanceTo}), for
 * the in-process emulator: the driver advances device and host time together, firing host timers
 * in time order.
 */
export class VirtualScheduler implements Scheduler {
  private now: number;
  private order = 0;
  private timers: VirtualTimer[] = [];

  constructor(startMs = 0) {
    this.now = startMs;
  }

  nowMs(): number {
    return this.now;
  }

  setTimer(fn: () => void, delayMs: number): TimerHandle {
    const t: VirtualTimer = {
      dueMs: this.now + Math.max(0, delayMs),
      order: this.order++,
      fn,
      cancelled: false,
    };
    // Keep sorted by (due, order); timers are few (PING, ack timeouts), so insertion is cheap.
    let i = this.timers.length;
    while (i > 0 && this.timers[i - 1]!.dueMs > t.dueMs) i--;
    this.timers.splice(i, 0, t);
    return t as unknown as TimerHandle;
  }

  clearTimer(handle: TimerHandle): void {
    const t = handle as unknown as VirtualTimer;
    t.cancelled = true;
    const i = this.timers.indexOf(t);
    if (i >= 0) this.timers.splice(i, 1);
  }

  /** Due time of the earliest pending timer, or Infinity. */
  nextDueMs(): number {
    return this.timers[0]?.dueMs ?? Number.POSITIVE_INFINITY;
  }

  /** Number of pending timers. */
  get pending(): number {
    return this.timers.length;
  }

  /**
   * Moves time to `tMs`, firing every timer due on the way, in order, with the clock set to each
   * timer's due time while it runs. Returns how many fired.
   */
  advanceTo(tMs: number): number {
    let fired = 0;
    for (;;) {
      const t = this.timers[0];
      if (t === undefined || t.dueMs > tMs) break;
      this.timers.shift();
      if (t.dueMs > this.now) this.now = t.dueMs;
      fired++;
      t.fn();
    }
    if (tMs > this.now) this.now = tMs;
    return fired;
  }
}

/**
 * Resolves after `ms` on `scheduler`'s clock; rejects with {@link AbortedError} if `signal` aborts
 * first.
 */
export function sleep(scheduler: Scheduler, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new AbortedError("sleep", { cause: signal.reason }));
      return;
    }
    const onAbort = (): void => {
      scheduler.clearTimer(handle);
      reject(new AbortedError("sleep", { cause: signal?.reason }));
    };
    const handle = scheduler.setTimer(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
