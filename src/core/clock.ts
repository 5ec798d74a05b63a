/**
 * Time is passed in, never read, in the pure layers. Edges (CLI, rig sources) own a {@link Clock}
 * and hand its readings to the core as numbers.
 */
export interface Clock {
  /** Milliseconds since an arbitrary, fixed origin; never goes backwards. */
  nowMs(): number;
}

/** Wall-clock time from `performance.now()`. Only the edges construct one. */
export const wallClock: Clock = {
  nowMs: () => performance.now(),
};

/** A clock that only moves when told: for tests and for virtual-time runs (emulator, HIL). */
export class ManualClock implements Clock {
  private tMs: number;

  constructor(startMs = 0) {
    this.tMs = startMs;
  }

  nowMs(): number {
    return this.tMs;
  }

  /** Moves time forward by `dtMs` (must be >= 0). */
  advance(dtMs: number): void {
    if (!(dtMs >= 0)) throw new RangeError(`ManualClock.advance: dtMs must be >= 0 (got ${dtMs})`);
    this.tMs += dtMs;
  }

  set(tMs: number): void {
    if (tMs < this.tMs)
      throw new RangeError(`ManualClock.set: time cannot go back (from ${this.tMs} to ${tMs})`);
    this.tMs = tMs;
  }
}
