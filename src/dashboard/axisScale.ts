/**
 * Axis ranges scaled to the data, with "nice" tick steps of 1, 2 or 5 times a power of ten
 * (P. S. Heckbert, "Nice numbers for graph labels", Graphics Gems, 1990). A chart's y axis is never
 * anchored at zero unless the data is: a 0.3 K ripple on 45 C must be visible.
 */

/** A closed axis interval and its tick step. */
export interface AxisRange {
  readonly min: number;
  readonly max: number;
  readonly step: number;
}

/** The smallest 1/2/5 x 10^k at or above `raw` (> 0). */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const exp = Math.floor(Math.log10(raw));
  const base = 10 ** exp;
  const f = raw / base;
  // A tiny tolerance keeps 2.0000000001 (float noise) from jumping to 5.
  const nice = f <= 1 + 1e-9 ? 1 : f <= 2 + 1e-9 ? 2 : f <= 5 + 1e-9 ? 5 : 10;
  return nice * base;
}

/**
 * A range covering [lo, hi] padded by `padFraction` of its span on each side, at least `minSpan`
 * wide (so sensor noise is not blown up to full height), with bounds on multiples of a nice step
 * giving about `targetTicks` intervals. NaN or empty data gives [0, minSpan].
 */
export function niceRange(
  lo: number,
  hi: number,
  minSpan: number,
  targetTicks = 4,
  padFraction = 0.1,
): AxisRange {
  if (!(minSpan > 0)) throw new RangeError(`niceRange: minSpan must be > 0 (got ${minSpan})`);
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || hi < lo) {
    const step = niceStep(minSpan / Math.max(1, targetTicks));
    return { min: 0, max: Math.ceil(minSpan / step) * step, step };
  }
  let a = lo - (hi - lo) * padFraction;
  let b = hi + (hi - lo) * padFraction;
  if (b - a < minSpan) {
    const mid = (a + b) / 2;
    a = mid - minSpan / 2;
    b = mid + minSpan / 2;
  }
  const step = niceStep((b - a) / Math.max(1, targetTicks));
  return { min: Math.floor(a / step) * step, max: Math.ceil(b / step) * step, step };
}

/** A range symmetric about zero covering +-`magnitude` (at least +-`minMagnitude`). */
export function symmetricRange(magnitude: number, minMagnitude: number, targetTicks = 4): AxisRange {
  const m = Number.isFinite(magnitude) ? Math.max(Math.abs(magnitude), minMagnitude) : minMagnitude;
  const step = niceStep((2 * m) / Math.max(1, targetTicks));
  const top = Math.ceil((m * 1.05) / step) * step;
  return { min: -top, max: top, step };
}

/** Decimals needed to print multiples of `step` without losing the step (0 for 5, 1 for 0.5, ...). */
export function stepDecimals(step: number): number {
  if (!(step > 0) || step >= 1) return 0;
  return Math.min(6, Math.ceil(-Math.log10(step) - 1e-9));
}

/** Tick values of a range (multiples of its step from min to max inclusive). */
export function ticks(range: AxisRange): number[] {
  const out: number[] = [];
  const n = Math.round((range.max - range.min) / range.step);
  for (let i = 0; i <= n && i <= 1000; i++) out.push(range.min + i * range.step);
  return out;
}

/** Time-axis tick step [s] for a window: a step a person reads at a glance (1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10 min). */
export function timeTickStepS(windowS: number, targetTicks: number): number {
  const raw = windowS / Math.max(1, targetTicks);
  for (const s of TIME_STEPS_S) if (s >= raw) return s;
  return niceStep(raw);
}

const TIME_STEPS_S = [0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600] as const;
