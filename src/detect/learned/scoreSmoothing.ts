/**
 * Post-processing of an anomaly score, online and allocation-free: a moving mean over the last
 * `rows` scores, and persistence (an alarm only after `rows` consecutive exceedances, held on
 * `holdRows` rows after). Both trade detection delay for fewer isolated false alarms; with `rows`
 * = 1 (and `holdRows` = 0) each is the identity.
 */
import { ConfigError } from "../../core/errors.js";

function checkRows(field: string, rows: number): void {
  if (!Number.isInteger(rows) || rows < 1) throw new ConfigError(field, rows, "must be a whole number >= 1");
}

/** Causal moving mean over the last `rows` values (fewer until `rows` have been seen). */
export class MovingMean {
  private readonly ring: Float64Array;
  private next = 0;
  private filled = 0;
  private sum = 0;
  private sinceExact = 0;

  constructor(readonly rows: number) {
    checkRows("smoothingRows", rows);
    this.ring = new Float64Array(rows);
  }

  reset(): void {
    this.ring.fill(0);
    this.next = 0;
    this.filled = 0;
    this.sum = 0;
    this.sinceExact = 0;
  }

  /** True once `rows` values have been pushed since the last reset. */
  get full(): boolean {
    return this.filled >= this.rows;
  }

  /** Adds `value` and returns the mean of the window ending at it. */
  push(value: number): number {
    if (this.rows === 1) {
      this.filled = 1;
      return value;
    }
    this.sum += value - (this.ring[this.next] as number);
    this.ring[this.next] = value;
    this.next = this.next + 1 === this.rows ? 0 : this.next + 1;
    if (this.filled < this.rows) this.filled++;
    // A running sum accumulates rounding error; re-add the window now and then.
    if (++this.sinceExact >= 4096) {
      this.sinceExact = 0;
      let s = 0;
      for (let i = 0; i < this.rows; i++) s += this.ring[i] as number;
      this.sum = s;
    }
    return this.sum / this.filled;
  }
}

/**
 * Alarm on-delay and off-delay (ISA-18.2's alarm delays): the alarm is raised once the last
 * `rows` inputs all exceeded the threshold, and stays on while that holds and for `holdRows` rows
 * after it last held. The on-delay removes isolated excursions; the off-delay keeps one fault one
 * alarm when its score dips under the threshold for a few rows, at the cost of `holdRows` rows of
 * alarm after the fault ends.
 */
export class Persistence {
  private run = 0;
  /** Rows the alarm stays on after this one without a new raise. */
  private holdLeft = 0;

  constructor(
    readonly rows: number,
    readonly holdRows = 0,
  ) {
    checkRows("persistenceRows", rows);
    if (!Number.isInteger(holdRows) || holdRows < 0)
      throw new ConfigError("holdRows", holdRows, "must be a whole number >= 0");
  }

  reset(): void {
    this.run = 0;
    this.holdLeft = 0;
  }

  /** Feeds one exceedance decision; returns whether the alarm is on. */
  push(exceeded: boolean): boolean {
    this.run = exceeded ? this.run + 1 : 0;
    if (this.run >= this.rows) {
      this.holdLeft = this.holdRows;
      return true;
    }
    if (this.holdLeft > 0) {
      this.holdLeft--;
      return true;
    }
    return false;
  }
}
