/**
 * Min/max decimation for plots: a series of any length becomes at most two points per pixel
 * column (the lowest and the highest sample of the column, in the order they occurred), so a
 * one-sample spike survives while an hour at 10 Hz shrinks to a few hundred points. The size of a
 * plot is bounded by its width, never by the length of the run, and so is the memory a
 * {@link MinMaxDecimator} needs while a recording streams through it.
 */

/** A decimated series: parallel arrays; a NaN value is a break in the line (pen up). */
export interface DecimatedSeries {
  readonly tS: Float64Array;
  readonly values: Float64Array;
}

export interface DecimateOptions {
  /** Start and end of the plotted time range [s]; samples outside it are dropped. */
  readonly t0S: number;
  readonly t1S: number;
  /** Pixel columns across the range (at least 1). */
  readonly columns: number;
  /**
   * Two finite samples further apart than this [s] are not joined (a disconnect, a reboot).
   * @default Infinity
   */
  readonly breakAfterS?: number;
  /**
   * Keep every sample instead (when the range holds no more than two per column, decimating
   * would only lose shape). @default false
   */
  readonly keepAll?: boolean;
}

/**
 * Decimates samples pushed one at a time in ascending time: memory bounded by the columns. NaN
 * samples and time jumps over `breakAfterS` break the line.
 */
export class MinMaxDecimator {
  private readonly t0S: number;
  private readonly t1S: number;
  private readonly columns: number;
  private readonly breakAfterS: number;
  private readonly keepAll: boolean;
  private readonly outT: number[] = [];
  private readonly outV: number[] = [];
  /** The open column: its index, and its lowest and highest samples. */
  private col = -1;
  private minT = 0;
  private minV = 0;
  private maxT = 0;
  private maxV = 0;
  private lastFiniteT = Number.NaN;

  constructor(options: DecimateOptions) {
    this.t0S = options.t0S;
    this.t1S = options.t1S;
    this.columns = Math.max(1, Math.floor(options.columns));
    this.breakAfterS = options.breakAfterS ?? Number.POSITIVE_INFINITY;
    this.keepAll = options.keepAll ?? false;
  }

  push(t: number, v: number): void {
    if (!(t >= this.t0S && t <= this.t1S)) return;
    if (!Number.isFinite(v)) {
      this.flush();
      this.pushBreak(t);
      return;
    }
    if (t - this.lastFiniteT > this.breakAfterS) {
      this.flush();
      this.pushBreak(this.lastFiniteT);
    }
    this.lastFiniteT = t;
    if (this.keepAll) {
      this.outT.push(t);
      this.outV.push(v);
      return;
    }
    const span = this.t1S - this.t0S;
    const c = span > 0 ? Math.min(this.columns - 1, Math.floor(((t - this.t0S) / span) * this.columns)) : 0;
    if (c !== this.col) {
      this.flush();
      this.col = c;
      this.minT = this.maxT = t;
      this.minV = this.maxV = v;
    } else if (v < this.minV) {
      this.minV = v;
      this.minT = t;
    } else if (v > this.maxV) {
      this.maxV = v;
      this.maxT = t;
    }
  }

  /** The decimated series (the decimator is done after this). */
  finish(): DecimatedSeries {
    this.flush();
    if (this.outV.length > 0 && Number.isNaN(this.outV[this.outV.length - 1] as number)) {
      this.outT.pop();
      this.outV.pop();
    }
    return { tS: Float64Array.from(this.outT), values: Float64Array.from(this.outV) };
  }

  private pushBreak(t: number): void {
    const n = this.outV.length;
    if (n > 0 && !Number.isNaN(this.outV[n - 1] as number)) {
      this.outT.push(t);
      this.outV.push(Number.NaN);
    }
  }

  private flush(): void {
    if (this.col < 0) return;
    if (this.minT === this.maxT) {
      this.outT.push(this.minT);
      this.outV.push(this.minV);
    } else if (this.minT < this.maxT) {
      this.outT.push(this.minT, this.maxT);
      this.outV.push(this.minV, this.maxV);
    } else {
      this.outT.push(this.maxT, this.minT);
      this.outV.push(this.maxV, this.minV);
    }
    this.col = -1;
  }
}

/**
 * Decimates `values` sampled at `timeS` (ascending) to at most 2 points per column, plus one
 * break marker per run of missing data. With no more samples in range than 2 points per column
 * the samples are kept as they are.
 */
export function decimateMinMax(
  timeS: ArrayLike<number>,
  values: ArrayLike<number>,
  options: DecimateOptions,
): DecimatedSeries {
  const n = Math.min(timeS.length, values.length);
  let inRange = 0;
  for (let i = 0; i < n; i++) {
    const t = timeS[i] as number;
    if (t >= options.t0S && t <= options.t1S) inRange++;
  }
  const d = new MinMaxDecimator({
    ...options,
    keepAll: inRange <= 2 * Math.max(1, Math.floor(options.columns)),
  });
  for (let i = 0; i < n; i++) d.push(timeS[i] as number, values[i] as number);
  return d.finish();
}
