/**
 * EWMA control chart (Roberts 1959): z_t = λ x_t + (1 - λ) z_{t-1}, z_0 = target; alarm when
 * |z_t - target| >= L σ_z, with σ_z = σ sqrt(λ / (2 - λ)) (asymptotic) or
 * σ sqrt(λ / (2 - λ) (1 - (1 - λ)^(2t))) (exact, narrower for the first samples after a reset).
 * Montgomery, Introduction to Statistical Quality Control, 6th ed., section 9.2.
 *
 * Statistic: |z - target| in residual units; limit: L σ_z; `value` is z itself (for plotting).
 *
 * False-alarm / delay trade-off (Lucas & Saccucci 1990, Technometrics 32(1), Table 3; asymptotic
 * limits, independent Gaussian samples, shift δ in units of σ), ARL in samples:
 *
 * | λ    | L     | δ = 0 | 0.5  | 1.0  | 2.0 | 3.0 |
 * |------|-------|-------|------|------|-----|-----|
 * | 0.05 | 2.615 | 500   | 28.8 | 11.4 | 5.2 | 3.5 |
 * | 0.10 | 2.814 | 500   | 31.3 | 10.3 | 4.4 | 2.9 |
 * | 0.20 | 2.962 | 500   | 41.8 | 10.5 | 3.7 | 2.4 |
 * | 0.40 | 3.054 | 500   | 71.2 | 14.3 | 3.5 | 2.0 |
 *
 * A small λ remembers longer and finds small shifts sooner; a large λ reacts faster to large
 * ones. {@link ewmaAverageRunLength} computes the ARL for any (λ, L, δ) by the Markov-chain method
 * of Brook & Evans (1972) as Lucas & Saccucci did, so a limit can be chosen for a target ARL0.
 * Residuals that are autocorrelated (an open-loop twin's residual usually is) give a much shorter
 * ARL0 than the table: feed whitened residuals (observer innovations) or widen σ.
 */
import { normalCdf } from "./distributions.js";
import {
  checkBoolean,
  checkFinite,
  checkInteger,
  checkInterval,
  checkOneOf,
  checkPositive,
} from "./optionChecks.js";
import {
  DETECTOR_SIDES,
  type DetectorSide,
  type Direction,
  type ResidualDetector,
} from "./residualDetector.js";

export interface EwmaOptions {
  /** Smoothing weight λ of the newest sample, 0 < λ <= 1 (λ = 1 is a Shewhart chart). @default 0.2 */
  readonly lambda?: number;
  /** Width of the control limits in units of σ_z. @default 2.962 (ARL0 ≈ 500 with λ = 0.2) */
  readonly L?: number;
  /** In-control standard deviation σ of the residual, residual units. @default 1 */
  readonly sigma?: number;
  /** In-control mean of the residual. @default 0 */
  readonly target?: number;
  /** Which side(s) alarm. @default "both" */
  readonly side?: DetectorSide;
  /** Use the exact, time-varying limits instead of the asymptotic ones. @default false */
  readonly exactLimits?: boolean;
}

export interface ResolvedEwmaOptions {
  readonly lambda: number;
  readonly L: number;
  readonly sigma: number;
  readonly target: number;
  readonly side: DetectorSide;
  readonly exactLimits: boolean;
}

/** Applies defaults and validates; errors name the option (`ewma.lambda`) and the value. */
export function resolveEwmaOptions(options: EwmaOptions = {}): ResolvedEwmaOptions {
  return {
    lambda: checkInterval("ewma.lambda", options.lambda ?? 0.2, 0, 1, { lo: true }),
    L: checkPositive("ewma.L", options.L ?? 2.962),
    sigma: checkPositive("ewma.sigma", options.sigma ?? 1),
    target: checkFinite("ewma.target", options.target ?? 0),
    side: checkOneOf("ewma.side", options.side ?? "both", DETECTOR_SIDES),
    exactLimits: checkBoolean("ewma.exactLimits", options.exactLimits ?? false),
  };
}

export class EwmaDetector implements ResidualDetector {
  readonly kind = "ewma" as const;
  readonly options: ResolvedEwmaOptions;
  private readonly asymptoticLimit: number;
  // The options as plain numeric fields (the per-sample path reads no options object).
  private readonly lambda: number;
  private readonly keep: number;
  /** (1 - λ)², the per-sample factor of {@link decay2t}. */
  private readonly keep2: number;
  private readonly target: number;
  /** 0 both sides, 1 upper, -1 lower. */
  private readonly sideSign: number;
  private readonly exactLimits: boolean;
  /** The EWMA (a number from the start: a field first defined as undefined boxes every double stored into it). */
  private z = Number.NaN;
  private n_ = 0;
  /** (1 - λ)^(2t), for the exact limits. */
  private decay2t = 1;
  /** {@link limit}, kept current by update and reset (it changes only with the sample count). */
  private limit_ = 0;

  constructor(options: EwmaOptions = {}) {
    this.options = resolveEwmaOptions(options);
    const { lambda, L, sigma, target, side } = this.options;
    this.asymptoticLimit = L * sigma * Math.sqrt(lambda / (2 - lambda));
    this.lambda = lambda;
    this.keep = 1 - lambda;
    this.keep2 = (1 - lambda) * (1 - lambda);
    this.target = target;
    this.sideSign = sideSign(side);
    this.exactLimits = this.options.exactLimits;
    this.z = target;
    this.limit_ = this.currentLimit();
  }

  update(x: number): boolean {
    if (!Number.isFinite(x)) return this.alarm;
    this.z = this.lambda * x + this.keep * this.z;
    this.decay2t *= this.keep2;
    this.n_++;
    if (this.exactLimits) this.limit_ = this.currentLimit();
    return this.alarm;
  }

  /** The EWMA z itself. */
  get value(): number {
    return this.z;
  }

  /** |z - target| on the watched side(s); 0 on the side not watched. */
  get statistic(): number {
    const d = this.z - this.target;
    const side = this.sideSign;
    if (side === 0) return Math.abs(d);
    if (side > 0) return d > 0 ? d : 0;
    return d < 0 ? -d : 0;
  }

  /** L σ_z: asymptotic, or exact for the current sample count. */
  get limit(): number {
    return this.limit_;
  }

  private currentLimit(): number {
    if (!this.options.exactLimits) return this.asymptoticLimit;
    // Before the first sample the exact limit is 0; report the first sample's instead.
    const f = this.n_ === 0 ? 1 - (1 - this.options.lambda) ** 2 : 1 - this.decay2t;
    return this.asymptoticLimit * Math.sqrt(f);
  }

  get score(): number {
    return this.statistic / this.limit_;
  }

  get alarm(): boolean {
    return this.n_ > 0 && this.statistic >= this.limit_;
  }

  get direction(): Direction {
    const d = this.z - this.target;
    return d > 0 ? 1 : d < 0 ? -1 : 0;
  }

  get samples(): number {
    return this.n_;
  }

  reset(): void {
    this.z = this.target;
    this.n_ = 0;
    this.decay2t = 1;
    this.limit_ = this.currentLimit();
  }
}

function sideSign(side: DetectorSide): number {
  switch (side) {
    case "both":
      return 0;
    case "upper":
      return 1;
    case "lower":
      return -1;
    default: {
      const never: never = side;
      return never;
    }
  }
}

/**
 * Average run length of a two-sided EWMA chart with asymptotic limits, started at the target,
 * for independent Gaussian samples shifted by `shift` σ: Brook & Evans' Markov chain over
 * `states` intervals of the in-control band (Lucas & Saccucci 1990). Configuration time only
 * (O(states³)); `states` 101-401 gives 3-4 significant digits.
 */
export function ewmaAverageRunLength(lambda: number, L: number, shift = 0, states = 201): number {
  checkInterval("lambda", lambda, 0, 1, { lo: true });
  checkPositive("L", L);
  checkFinite("shift", shift);
  const m = checkInteger("states", states, 11, 1001) | 1;
  const ucl = L * Math.sqrt(lambda / (2 - lambda));
  const w = (2 * ucl) / m;
  // A = I - Q, solved for A arl = 1 by Gaussian elimination with partial pivoting.
  const a = new Float64Array(m * m);
  const b = new Float64Array(m).fill(1);
  for (let i = 0; i < m; i++) {
    const ci = -ucl + w * (i + 0.5);
    for (let j = 0; j < m; j++) {
      const cj = -ucl + w * (j + 0.5);
      const hi = (cj + w / 2 - (1 - lambda) * ci) / lambda - shift;
      const lo = (cj - w / 2 - (1 - lambda) * ci) / lambda - shift;
      a[i * m + j] = (i === j ? 1 : 0) - (normalCdf(hi) - normalCdf(lo));
    }
  }
  solveInPlace(a, b, m);
  return b[(m - 1) / 2] as number;
}

/** Solves a x = b for dense row-major a (m x m); the solution overwrites b. */
function solveInPlace(a: Float64Array, b: Float64Array, m: number): void {
  for (let col = 0; col < m; col++) {
    let piv = col;
    for (let r = col + 1; r < m; r++) if (Math.abs(a[r * m + col]!) > Math.abs(a[piv * m + col]!)) piv = r;
    if (piv !== col) {
      for (let c = 0; c < m; c++) {
        const t = a[col * m + c]!;
        a[col * m + c] = a[piv * m + c]!;
        a[piv * m + c] = t;
      }
      const t = b[col]!;
      b[col] = b[piv]!;
      b[piv] = t;
    }
    const d = a[col * m + col]!;
    for (let r = col + 1; r < m; r++) {
      const f = a[r * m + col]! / d;
      if (f === 0) continue;
      for (let c = col; c < m; c++) a[r * m + c] = a[r * m + c]! - f * a[col * m + c]!;
      b[r] = b[r]! - f * b[col]!;
    }
  }
  for (let r = m - 1; r >= 0; r--) {
    let s = b[r]!;
    for (let c = r + 1; c < m; c++) s -= a[r * m + c]! * b[c]!;
    b[r] = s / a[r * m + r]!;
  }
}
