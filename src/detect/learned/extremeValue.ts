/**
 * Thresholds at a stated exceedance probability from a sample of nominal scores, for tails the
 * sample barely reaches.
 *
 * - {@link conformalQuantile}: the split-conformal threshold (Vovk, Gammerman & Shafer,
 *   "Algorithmic Learning in a Random World", 2005; Lei et al., JASA 113 (2018)): the
 *   ceil((n + 1)(1 - alpha))-th smallest of n calibration scores. A new score exchangeable with
 *   them exceeds it with probability at most alpha. Infinite when alpha < 1 / (n + 1): n scores
 *   cannot vouch for a rarer event.
 * - {@link potThreshold}: peaks over threshold (Pickands 1975; Siffer et al., "Anomaly detection in
 *   streams with extreme value theory", KDD 2017): the excesses over a high empirical quantile t
 *   follow a generalised Pareto distribution (GPD); the threshold with exceedance probability
 *   alpha is z = t + (sigma / gamma) ((alpha n / N_t)^(-gamma) - 1) (z = t - sigma ln(alpha n /
 *   N_t) for gamma = 0), n scores, N_t of them above t. It reaches below 1 / n where the
 *   conformal quantile cannot.
 * - {@link fitGpd}: GPD fit by probability-weighted moments (Hosking & Wallis, Technometrics 29
 *   (1987)), closed form and, for the few dozen excesses a short training run gives, less variable
 *   than maximum likelihood (their table 3). Valid for gamma < 1/2.
 */
import { ConfigError } from "../../core/errors.js";

/** A generalised Pareto distribution of excesses y >= 0: F(y) = 1 - (1 + gamma y / sigma)^(-1/gamma). */
export interface GpdFit {
  /** Shape (gamma > 0 heavy tail, 0 exponential, < 0 bounded at sigma / -gamma). */
  readonly gamma: number;
  /** Scale, > 0, in the excesses' units. */
  readonly sigma: number;
}

function checkAlpha(alpha: number): void {
  if (!(Number.isFinite(alpha) && alpha > 0 && alpha < 1))
    throw new ConfigError("alpha", alpha, "must be in (0, 1)");
}

function sorted(values: ArrayLike<number>, field: string): Float64Array {
  if (values.length === 0) throw new ConfigError(field, 0, "needs at least one value");
  const s = Float64Array.from(values).sort();
  if (!(Number.isFinite(s[0] as number) && Number.isFinite(s[s.length - 1] as number)))
    throw new ConfigError(field, "a non-finite value", "must hold finite numbers only");
  return s;
}

/**
 * Quantile q of an ascending-sorted, non-empty array by linear interpolation between order
 * statistics (type 7, the default of R and numpy).
 */
export function sortedQuantile(s: ArrayLike<number>, q: number): number {
  const n = s.length;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const a = s[lo] as number;
  return a + (h - lo) * ((s[Math.min(n - 1, lo + 1)] as number) - a);
}

/**
 * The split-conformal threshold: the ceil((n + 1)(1 - alpha))-th smallest score (1-based), or
 * +Infinity when that rank exceeds n.
 */
export function conformalQuantile(scores: ArrayLike<number>, alpha: number): number {
  checkAlpha(alpha);
  const s = sorted(scores, "calibration scores");
  const n = s.length;
  // The 1e-9 keeps (n + 1)(1 - alpha) = 99.00000000000001 from rounding up to rank 100.
  const rank = Math.ceil((n + 1) * (1 - alpha) - 1e-9);
  return rank > n ? Number.POSITIVE_INFINITY : (s[Math.max(rank, 1) - 1] as number);
}

/**
 * Fits a GPD to excesses (all >= 0) by probability-weighted moments: with the order statistics
 * y_(1) <= ... <= y_(m), a0 = mean(y), a1 = mean((1 - p_i) y_(i)), p_i = (i - 0.35) / m,
 * k = a0 / (a0 - 2 a1) - 2, sigma = 2 a0 a1 / (a0 - 2 a1), gamma = -k.
 */
export function fitGpd(excesses: ArrayLike<number>): GpdFit {
  const y = sorted(excesses, "excesses");
  const m = y.length;
  if (m < 2) throw new ConfigError("excesses", m, "need at least 2 to fit a GPD");
  if ((y[0] as number) < 0) throw new ConfigError("excesses", y[0], "must be >= 0");
  if (y[0] === y[m - 1]) throw new ConfigError("excesses", y[0], "all equal: no GPD fit to a point mass");
  let a0 = 0;
  let a1 = 0;
  for (let i = 0; i < m; i++) {
    const v = y[i] as number;
    a0 += v;
    a1 += (1 - (i + 1 - 0.35) / m) * v;
  }
  a0 /= m;
  a1 /= m;
  const d = a0 - 2 * a1;
  if (!(a0 > 0 && d > 0))
    throw new ConfigError(
      "excesses",
      `a0 ${a0}, a1 ${a1}`,
      "give no GPD fit (all equal, or too few distinct)",
    );
  return { gamma: -(a0 / d - 2), sigma: (2 * a0 * a1) / d };
}

/** The excess y with P(Y > y) = p under `fit` (p in (0, 1]). */
export function gpdExceedanceLevel(fit: GpdFit, p: number): number {
  if (!(p > 0 && p <= 1)) throw new ConfigError("p", p, "must be in (0, 1]");
  return Math.abs(fit.gamma) < 1e-9
    ? -fit.sigma * Math.log(p)
    : (fit.sigma / fit.gamma) * (p ** -fit.gamma - 1);
}

/** Peaks-over-threshold settings. */
export interface PotOptions {
  /** Exceedance probability of the threshold, per score. */
  readonly alpha: number;
  /** The empirical quantile (type 7) whose excesses are fitted. @default 0.9 */
  readonly initialQuantile: number;
}

/** The initial quantile of a POT threshold unless one is stated: the top 10 % of the scores are its peaks. */
export const DEFAULT_POT_INITIAL_QUANTILE = 0.9;

/** Fewest excesses a GPD is fitted to; with fewer the POT threshold falls back to the sample maximum. */
export const POT_MIN_PEAKS = 10;

/**
 * The peaks-over-threshold threshold with exceedance probability `alpha` (see the file comment).
 * When alpha is not below the initial level's tail (alpha >= N_t / n) the empirical quantile is
 * the answer; with fewer than {@link POT_MIN_PEAKS} excesses, or a fit that fails, the sample
 * maximum (the least optimistic value the sample supports).
 */
export function potThreshold(scores: ArrayLike<number>, o: PotOptions): number {
  checkAlpha(o.alpha);
  const q0 = o.initialQuantile;
  if (!(Number.isFinite(q0) && q0 > 0 && q0 < 1))
    throw new ConfigError("initialQuantile", q0, "must be in (0, 1)");
  const s = sorted(scores, "scores");
  const n = s.length;
  const t = sortedQuantile(s, q0);
  const peaks: number[] = [];
  for (let i = 0; i < n; i++) if ((s[i] as number) > t) peaks.push((s[i] as number) - t);
  const max = s[n - 1] as number;
  if (peaks.length < POT_MIN_PEAKS) return max;
  const tailP = (o.alpha * n) / peaks.length;
  if (tailP >= 1) {
    // The quantile 1 - alpha lies below t: read it from the sample.
    return sortedQuantile(s, 1 - o.alpha);
  }
  let fit: GpdFit;
  try {
    fit = fitGpd(peaks);
  } catch {
    return max;
  }
  return t + gpdExceedanceLevel(fit, tailP);
}
