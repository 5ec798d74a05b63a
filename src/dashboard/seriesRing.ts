/**
 * A fixed-capacity history of time-stamped rows of numbers (one row per sample, one column per
 * channel), oldest overwritten first: what the charts draw from. Allocation-free after
 * construction; rows are found by binary search on time, so time must not decrease (a row with an
 * earlier time than the last is stored at the last time).
 */
export class SeriesRing {
  readonly capacity: number;
  readonly channels: number;
  private readonly times: Float64Array;
  private readonly values: Float64Array;
  /** Physical slot of the next write. */
  private head = 0;
  private count = 0;

  constructor(capacity: number, channels: number) {
    if (!(Number.isInteger(capacity) && capacity >= 2))
      throw new RangeError(`SeriesRing: capacity must be an integer >= 2 (got ${capacity})`);
    if (!(Number.isInteger(channels) && channels >= 1))
      throw new RangeError(`SeriesRing: channels must be an integer >= 1 (got ${channels})`);
    this.capacity = capacity;
    this.channels = channels;
    this.times = new Float64Array(capacity);
    this.values = new Float64Array(capacity * channels).fill(Number.NaN);
  }

  /** Rows held. */
  get length(): number {
    return this.count;
  }

  /** Appends a row at `tS` with every channel NaN; returns its slot for {@link SeriesRing.set}. */
  push(tS: number): number {
    const slot = this.head;
    const last = this.count > 0 ? this.times[(this.head - 1 + this.capacity) % this.capacity]! : tS;
    this.times[slot] = tS >= last ? tS : last;
    this.values.fill(Number.NaN, slot * this.channels, (slot + 1) * this.channels);
    this.head = (this.head + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
    return slot;
  }

  /** Sets channel `ch` of the row in `slot` (as returned by push). */
  set(slot: number, ch: number, v: number): void {
    this.values[slot * this.channels + ch] = v;
  }

  /** Physical slot of the i-th oldest row. */
  private slotOf(i: number): number {
    return (this.head - this.count + i + this.capacity) % this.capacity;
  }

  /** Time of the i-th oldest row. */
  timeAt(i: number): number {
    return this.times[this.slotOf(i)]!;
  }

  /** Channel `ch` of the i-th oldest row. */
  valueAt(i: number, ch: number): number {
    return this.values[this.slotOf(i) * this.channels + ch]!;
  }

  /** Time of the newest row (NaN when empty). */
  get lastTimeS(): number {
    return this.count === 0 ? Number.NaN : this.timeAt(this.count - 1);
  }

  /** Time of the oldest row (NaN when empty). */
  get firstTimeS(): number {
    return this.count === 0 ? Number.NaN : this.timeAt(0);
  }

  /** Channel `ch` of the newest row (NaN when empty). */
  latest(ch: number): number {
    return this.count === 0 ? Number.NaN : this.valueAt(this.count - 1, ch);
  }

  /** Index (0 = oldest) of the first row with time >= tS; `length` when none. */
  lowerBound(tS: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.timeAt(mid) < tS) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Min and max of channel `ch` over rows with t0S <= t < t1S, ignoring NaN, into `out[0]`,
   * `out[1]` (NaN, NaN when there is none).
   */
  minMax(ch: number, t0S: number, t1S: number, out: Float64Array): void {
    let mn = Number.POSITIVE_INFINITY;
    let mx = Number.NEGATIVE_INFINITY;
    for (let i = this.lowerBound(t0S); i < this.count; i++) {
      if (this.timeAt(i) >= t1S) break;
      const v = this.valueAt(i, ch);
      if (v < mn) mn = v;
      if (v > mx) mx = v;
    }
    out[0] = mn <= mx ? mn : Number.NaN;
    out[1] = mn <= mx ? mx : Number.NaN;
  }

  /**
   * Decimates channel `ch` over [t0S, t1S) into `columns` equal time bins: per bin the min, max
   * and last value (NaN where a bin holds no finite value). Min/max decimation keeps spikes and
   * noise bands visible however many samples fall into one screen column.
   */
  bin(
    ch: number,
    t0S: number,
    t1S: number,
    columns: number,
    outMin: Float64Array,
    outMax: Float64Array,
    outLast: Float64Array,
  ): void {
    outMin.fill(Number.NaN, 0, columns);
    outMax.fill(Number.NaN, 0, columns);
    outLast.fill(Number.NaN, 0, columns);
    const span = t1S - t0S;
    if (!(span > 0) || columns <= 0) return;
    const scale = columns / span;
    for (let i = this.lowerBound(t0S); i < this.count; i++) {
      const t = this.timeAt(i);
      if (t >= t1S) break;
      const v = this.valueAt(i, ch);
      if (!Number.isFinite(v)) continue;
      const c = Math.min(columns - 1, Math.floor((t - t0S) * scale));
      const mn = outMin[c]!;
      if (!(mn <= v)) outMin[c] = v;
      const mx = outMax[c]!;
      if (!(mx >= v)) outMax[c] = v;
      outLast[c] = v;
    }
  }
}
