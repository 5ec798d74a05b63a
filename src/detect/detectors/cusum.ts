/**
 * Two-sided tabular CUSUM (Page 1954), in units of the in-control standard deviation σ:
 *
 *   u_t  = (x_t - target) / σ
 *   S⁺_t = max(0, S⁺_{t-1} + u_t - k),   S⁻_t = max(0, S⁻_{t-1} - u_t - k),   S_0 = 0
 *
 * alarm when max(S⁺, S⁻) >= h. Montgomery, Introduction to Statistical Quality Control, 6th ed.,
 * section 9.1. Statistic: max(S⁺, S⁻) (in σ units); limit: h; `upper` and `lower` are the sums.
 *
 * False-alarm / delay trade-off: k is half the shift (in σ) the chart is tuned to find fastest
 * (k = 0.5 for a 1σ shift); h sets the false-alarm rate. Siegmund's (1985) approximation gives
 * the one-sided ARL for a shift δ (in σ), with Δ = δ - k and b = h + 1.166:
 * ARL = (exp(-2Δb) + 2Δb - 1) / (2Δ²) (b² when Δ = 0), and for the two sides
 * 1/ARL = 1/ARL⁺ + 1/ARL⁻ ({@link cusumAverageRunLength}). With k = 0.5:
 *
 * | h | δ = 0 | 0.5  | 1.0  | 2.0 | 3.0 |
 * |---|-------|------|------|-----|-----|
 * | 4 | 169   | 26.6 | 8.3  | 3.2 | 2.0 |
 * | 5 | 469   | 38.0 | 10.3 | 3.9 | 2.4 |
 *
 * (Markov-chain values, Montgomery Table 9.3: 168 and 465 in control, 10.38 for δ = 1, h = 5.) Each unit of h
 * multiplies ARL0 by about e^(2k) (2.7 for k = 0.5) and adds about 1/(δ - k) samples of delay. The same caveat as
 * for the EWMA: autocorrelated residuals shorten ARL0; whiten them or widen σ.
 *
 * Options beyond Page's scheme: `cap` bounds each sum so that, after a long fault, the chart
 * returns below h in a bounded time (h / k samples at most once the residual is back); with
 * `resetOnAlarm` both sums restart at 0 after a signal (Page's original restart). Neither changes
 * the ARL0 to the first alarm. Without `resetOnAlarm` the sums do not depend on h, so a higher h
 * never raises more alarms (tested as a property).
 */
import { ConfigError } from "../../core/errors.js";
import { checkBoolean, checkFinite, checkNonNegative, checkOneOf, checkPositive } from "./optionChecks.js";
import {
  DETECTOR_SIDES,
  type DetectorSide,
  type Direction,
  type ResidualDetector,
} from "./residualDetector.js";

export interface CusumOptions {
  /** In-control mean of the residual. @default 0 */
  readonly target?: number;
  /** In-control standard deviation σ of the residual, residual units. @default 1 */
  readonly sigma?: number;
  /** Reference value (allowance) k in σ units: half the shift to find fastest. @default 0.5 */
  readonly k?: number;
  /** Decision interval h in σ units. @default 5 (ARL0 ≈ 465 two-sided with k = 0.5) */
  readonly h?: number;
  /** Which sums are kept. @default "both" */
  readonly side?: DetectorSide;
  /** Restart both sums at 0 after an alarm. @default false */
  readonly resetOnAlarm?: boolean;
  /** Upper bound on each sum, σ units, >= h; Infinity for none. @default Infinity */
  readonly cap?: number;
}

export interface ResolvedCusumOptions {
  readonly target: number;
  readonly sigma: number;
  readonly k: number;
  readonly h: number;
  readonly side: DetectorSide;
  readonly resetOnAlarm: boolean;
  readonly cap: number;
}

/** Applies defaults and validates; errors name the option (`cusum.h`) and the value. */
export function resolveCusumOptions(options: CusumOptions = {}): ResolvedCusumOptions {
  const h = checkPositive("cusum.h", options.h ?? 5);
  const cap = options.cap ?? Number.POSITIVE_INFINITY;
  if (cap !== Number.POSITIVE_INFINITY) {
    checkFinite("cusum.cap", cap);
    if (!(cap >= h)) throw new ConfigError("cusum.cap", cap, `must be >= h (${h}) or Infinity`);
  }
  return {
    target: checkFinite("cusum.target", options.target ?? 0),
    sigma: checkPositive("cusum.sigma", options.sigma ?? 1),
    k: checkNonNegative("cusum.k", options.k ?? 0.5),
    h,
    side: checkOneOf("cusum.side", options.side ?? "both", DETECTOR_SIDES),
    resetOnAlarm: checkBoolean("cusum.resetOnAlarm", options.resetOnAlarm ?? false),
    cap,
  };
}

export class CusumDetector implements ResidualDetector {
  readonly kind = "cusum" as const;
  readonly options: ResolvedCusumOptions;
  private sPlus = 0;
  private sMinus = 0;
  private n_ = 0;
  private restartNext = false;

  constructor(options: CusumOptions = {}) {
    this.options = resolveCusumOptions(options);
  }

  update(x: number): boolean {
    if (!Number.isFinite(x)) return this.alarm;
    const { target, sigma, k, side, cap, resetOnAlarm } = this.options;
    if (this.restartNext) {
      this.sPlus = 0;
      this.sMinus = 0;
    }
    const u = (x - target) / sigma;
    if (side !== "lower") {
      const s = this.sPlus + u - k;
      this.sPlus = s > 0 ? (s < cap ? s : cap) : 0;
    }
    if (side !== "upper") {
      const s = this.sMinus - u - k;
      this.sMinus = s > 0 ? (s < cap ? s : cap) : 0;
    }
    this.n_++;
    const alarm = this.alarm;
    this.restartNext = resetOnAlarm && alarm;
    return alarm;
  }

  /** S⁺, σ units. */
  get upper(): number {
    return this.sPlus;
  }

  /** S⁻, σ units. */
  get lower(): number {
    return this.sMinus;
  }

  get statistic(): number {
    return this.sPlus > this.sMinus ? this.sPlus : this.sMinus;
  }

  get limit(): number {
    return this.options.h;
  }

  get score(): number {
    return this.statistic / this.options.h;
  }

  get alarm(): boolean {
    return this.statistic >= this.options.h;
  }

  get direction(): Direction {
    return this.sPlus > this.sMinus ? 1 : this.sMinus > this.sPlus ? -1 : 0;
  }

  get samples(): number {
    return this.n_;
  }

  reset(): void {
    this.sPlus = 0;
    this.sMinus = 0;
    this.n_ = 0;
    this.restartNext = false;
  }
}

/**
 * Siegmund's approximation of the CUSUM average run length, in samples, for a shift of `shift` σ
 * (k and h in σ units). `side` "both" combines the two one-sided charts by 1/ARL = 1/ARL⁺ + 1/ARL⁻.
 */
export function cusumAverageRunLength(k: number, h: number, shift = 0, side: DetectorSide = "both"): number {
  checkNonNegative("k", k);
  checkPositive("h", h);
  checkFinite("shift", shift);
  const b = h + 1.166;
  const oneSided = (delta: number): number => {
    // (e^-y + y - 1) / (2Δ²) with y = 2Δb is 2b² g(y), g(y) = (e^-y - 1 + y) / y². Near Δ = 0 the
    // difference cancels (it gave 0 at Δ = 1e-9), so for |y| < 1e-3 g is its series
    // 1/2 - y/6 + y²/24 - y³/120 (the next term, y⁴/720, is below 1e-14 of g there).
    const y = 2 * (delta - k) * b;
    const g =
      Math.abs(y) < 1e-3 ? 0.5 + y * (-1 / 6 + y * (1 / 24 - y / 120)) : (Math.expm1(-y) + y) / (y * y);
    return 2 * b * b * g;
  };
  switch (side) {
    case "upper":
      return oneSided(shift);
    case "lower":
      return oneSided(-shift);
    case "both":
      return 1 / (1 / oneSided(shift) + 1 / oneSided(-shift));
  }
}
