/**
 * The small arithmetic of the monitor's per-sample path on pairs of residuals: which one to
 * trust, what one thermistor shows alone, what two share. Plain functions on numbers, so the
 * optimising compiler inlines them into the monitor's methods (no allocation, no boxing).
 */

/** Of two residuals, the one of smaller magnitude (a NaN one loses; both NaN: NaN). */
export function smaller(x: number, y: number): number {
  if (Number.isNaN(y)) return x;
  if (Number.isNaN(x)) return y;
  return Math.abs(x) <= Math.abs(y) ? x : y;
}

/**
 * The part of residual x beyond residual y, with x's sign: what one thermistor shows that the
 * other does not. The other missing: x itself.
 */
export function alone(x: number, y: number): number {
  if (!Number.isFinite(x)) return Number.NaN;
  if (!Number.isFinite(y)) return x;
  const d = Math.abs(x) - Math.abs(y);
  if (!(d > 0)) return 0;
  return x > 0 ? d : -d;
}

/** The part two residuals share: the smaller one when they have the same sign, else 0. */
export function common(x: number, y: number): number {
  if (!(Number.isFinite(x) && Number.isFinite(y))) return Number.NaN;
  if (x > 0 && y > 0) return x < y ? x : y;
  if (x < 0 && y < 0) return x > y ? x : y;
  return 0;
}

/** EWMA at a[i] (started at the first finite x). */
export function smoothAt(a: Float64Array, i: number, x: number, lambda: number): void {
  if (!Number.isFinite(x)) return;
  const prev = a[i] as number;
  a[i] = Number.isNaN(prev) ? x : prev + lambda * (x - prev);
}

/** Two cascaded first-order filters at f[i], f[i + 1] (started at x). */
export function cascade(f: Float64Array, i: number, x: number, a: number): void {
  if (!Number.isFinite(x)) return;
  const s1 = f[i] as number;
  if (Number.isNaN(s1)) {
    f[i] = x;
    f[i + 1] = x;
    return;
  }
  const n1 = s1 + a * (x - s1);
  f[i] = n1;
  f[i + 1] = (f[i + 1] as number) + a * (n1 - (f[i + 1] as number));
}

export function sq(x: number): number {
  return x * x;
}

export function clampAbs(x: number, cap: number): number {
  return x > cap ? cap : x < -cap ? -cap : x;
}
