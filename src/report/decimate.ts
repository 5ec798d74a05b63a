/**
 * Min/max decimation for plots: a series of any length becomes at most two points per pixel
 * column (the lowest and the highest sample of the column, in the order they occurred), so a
 * one-sample spike survives while an hour at 10 Hz shrinks to a few hundred points. The size of a
 * plot is bounded by its width, never by the length of the run.
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
}

/**
 * Decimates `values` sampled at `timeS` (ascending) to at most 2 points per column, plus one
 * break marker per run of missing data. With no more samples in range than 2 points per column
 * the samples are kept as they are. NaN samples and time jumps over `breakAfterS` break the line.
 */
export function decimateMinMax(
  timeS: ArrayLike<number>,
  values: ArrayLike<number>,
  options: DecimateOptions,
): DecimatedSeries {
  const { t0S, t1S } = options;
  const columns = Math.max(1, Math.floor(options.columns));
  const breakAfterS = options.breakAfterS ?? Number.POSITIVE_INFINITY;
  const n = Math.min(timeS.length, values.length);
  let from = 0;
  while (from < n && (timeS[from] as number) < t0S) from++;
  let to = from;
  while (to < n && (timeS[to] as number) <= t1S) to++;
  const keepAll = to - from <= 2 * columns;
  const outT: number[] = [];
  const outV: number[] = [];
  const pushBreak = (t: number): void => {
    if (outV.length > 0 && !Number.isNaN(outV[outV.length - 1] as number)) {
      outT.push(t);
      outV.push(Number.NaN);
    }
  };
  const span = t1S - t0S;
  const columnOf = (t: number): number =>
    span > 0 ? Math.min(columns - 1, Math.floor(((t - t0S) / span) * columns)) : 0;
  // The open column: its index, and its lowest and highest samples.
  let col = -1;
  let minT = 0;
  let minV = 0;
  let maxT = 0;
  let maxV = 0;
  const flush = (): void => {
    if (col < 0) return;
    if (minT === maxT) {
      outT.push(minT);
      outV.push(minV);
    } else if (minT < maxT) {
      outT.push(minT, maxT);
      outV.push(minV, maxV);
    } else {
      outT.push(maxT, minT);
      outV.push(maxV, minV);
    }
    col = -1;
  };
  let lastFiniteT = Number.NaN;
  for (let i = from; i < to; i++) {
    const t = timeS[i] as number;
    const v = values[i] as number;
    if (!Number.isFinite(v)) {
      flush();
      pushBreak(t);
      continue;
    }
    if (t - lastFiniteT > breakAfterS) {
      flush();
      pushBreak(lastFiniteT);
    }
    lastFiniteT = t;
    if (keepAll) {
      outT.push(t);
      outV.push(v);
      continue;
    }
    const c = columnOf(t);
    if (c !== col) {
      flush();
      col = c;
      minT = maxT = t;
      minV = maxV = v;
    } else if (v < minV) {
      minV = v;
      minT = t;
    } else if (v > maxV) {
      maxV = v;
      maxT = t;
    }
  }
  flush();
  if (outV.length > 0 && Number.isNaN(outV[outV.length - 1] as number)) {
    outT.pop();
    outV.pop();
  }
  return { tS: Float64Array.from(outT), values: Float64Array.from(outV) };
}
