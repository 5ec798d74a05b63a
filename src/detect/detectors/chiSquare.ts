/**
 * Chi-square test on normalised innovations (the normalised innovation squared, NIS, of a Kalman
 * filter; Bar-Shalom, Li & Kirubarajan, Estimation with Applications to Tracking and Navigation,
 * 2001, section 5.4): each sample is a vector z of `dimension` components, whitened so that with
 * no fault z ~ N(0, I) (z = L⁻¹ ν with S = L Lᵀ the innovation covariance, or ν_i / sqrt(S_ii)
 * when S is diagonal). The statistic is the sum of squares over the last `window` samples,
 * chi-square with `dimension × window` degrees of freedom under no fault; the limit is its upper
 * `alpha` quantile.
 *
 * False-alarm / delay trade-off: with `window` = 1 each sample alarms with probability alpha,
 * independently, so ARL0 = 1 / alpha exactly (1e-3 -> 1000 samples). A window of w samples
 * averages the noise: a persistent mean shift of d (Mahalanobis length, in σ) adds w d² to the
 * statistic against a limit that grows only like w k + z sqrt(2 w k), so small shifts are found
 * after fewer samples than w = 1 would need; the price is a delay of up to w samples to fill and
 * overlapping windows (ARL0 then exceeds 1 / alpha, no closed form). Until the window is full the
 * limit is the quantile for the samples seen so far (exact at every fill level).
 *
 * The statistic has no sign: `direction` is always 0 (the per-channel detectors give signs).
 */
import { ConfigError } from "../../core/errors.js";
import { chiSquareUpperQuantile } from "./distributions.js";
import { checkInteger, checkInterval } from "./optionChecks.js";
import type { Direction, ResidualDetector } from "./residualDetector.js";

/** Largest dimension accepted. */
export const CHI_SQUARE_MAX_DIMENSION = 64;
/** Largest window accepted. */
export const CHI_SQUARE_MAX_WINDOW = 4096;

export interface ChiSquareOptions {
  /** Components k per sample. @default 1 */
  readonly dimension?: number;
  /** Samples w summed; the statistic has k·w degrees of freedom. @default 1 */
  readonly window?: number;
  /** False-alarm probability of one decision with no fault, 0 < alpha < 1. @default 0.001 */
  readonly alpha?: number;
}

export interface ResolvedChiSquareOptions {
  readonly dimension: number;
  readonly window: number;
  readonly alpha: number;
}

/** Applies defaults and validates; errors name the option (`chi_square.alpha`) and the value. */
export function resolveChiSquareOptions(options: ChiSquareOptions = {}): ResolvedChiSquareOptions {
  return {
    dimension: checkInteger("chi_square.dimension", options.dimension ?? 1, 1, CHI_SQUARE_MAX_DIMENSION),
    window: checkInteger("chi_square.window", options.window ?? 1, 1, CHI_SQUARE_MAX_WINDOW),
    alpha: checkInterval("chi_square.alpha", options.alpha ?? 1e-3, 0, 1, { lo: true, hi: true }),
  };
}

export class ChiSquareDetector implements ResidualDetector {
  readonly kind = "chi_square" as const;
  readonly options: ResolvedChiSquareOptions;
  /** limits[f - 1]: the limit when f samples fill the window. */
  private readonly limits: Float64Array;
  /** Sum of squares of each of the last `window` samples. */
  private readonly ring: Float64Array;
  private head = 0;
  private fill = 0;
  private sum = 0;
  private sinceExact = 0;
  private n_ = 0;

  constructor(options: ChiSquareOptions = {}) {
    this.options = resolveChiSquareOptions(options);
    const { dimension, window, alpha } = this.options;
    this.limits = new Float64Array(window);
    for (let f = 1; f <= window; f++) this.limits[f - 1] = chiSquareUpperQuantile(alpha, dimension * f);
    this.ring = new Float64Array(window);
  }

  /** Feeds one scalar normalised innovation; only for `dimension` 1. */
  update(x: number): boolean {
    if (this.options.dimension !== 1)
      throw new ConfigError(
        "chi_square.dimension",
        this.options.dimension,
        "update(x) takes one component; use updateVector(z) for more",
      );
    if (!Number.isFinite(x)) return this.alarm;
    this.push(x * x);
    return this.alarm;
  }

  /**
   * Feeds one vector of `dimension` whitened innovations (only the first `dimension` entries are
   * read). A sample with any non-finite component is a gap and is ignored.
   */
  updateVector(z: ArrayLike<number>): boolean {
    const k = this.options.dimension;
    if (z.length < k) throw new ConfigError("z.length", z.length, `must be >= chi_square.dimension (${k})`);
    let ss = 0;
    for (let i = 0; i < k; i++) {
      const v = z[i] as number;
      ss += v * v;
    }
    if (!Number.isFinite(ss)) return this.alarm;
    this.push(ss);
    return this.alarm;
  }

  private push(ss: number): void {
    const w = this.ring.length;
    this.sum += ss - (this.ring[this.head] as number);
    this.ring[this.head] = ss;
    this.head = this.head + 1 === w ? 0 : this.head + 1;
    if (this.fill < w) this.fill++;
    this.n_++;
    // Re-add exactly once per window (each sample when w is 1) so rounding cannot accumulate.
    if (++this.sinceExact >= w) {
      this.sinceExact = 0;
      let s = 0;
      for (let i = 0; i < w; i++) s += this.ring[i] as number;
      this.sum = s;
    }
    if (this.sum < 0) this.sum = 0;
  }

  /** Sum of squares over the samples in the window. */
  get statistic(): number {
    return this.sum;
  }

  /** Upper alpha quantile of chi-square with dimension × (samples in window) dof. */
  get limit(): number {
    return this.limits[(this.fill === 0 ? 1 : this.fill) - 1] as number;
  }

  get score(): number {
    return this.sum / this.limit;
  }

  get alarm(): boolean {
    return this.fill > 0 && this.sum >= this.limit;
  }

  get direction(): Direction {
    return 0;
  }

  /** Degrees of freedom of the current statistic. */
  get dof(): number {
    return this.options.dimension * (this.fill === 0 ? 1 : this.fill);
  }

  get samples(): number {
    return this.n_;
  }

  reset(): void {
    this.ring.fill(0);
    this.head = 0;
    this.fill = 0;
    this.sum = 0;
    this.sinceExact = 0;
    this.n_ = 0;
  }
}
