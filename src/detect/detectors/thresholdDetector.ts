/**
 * Threshold detector with persistence: alarm when at least `k` of the last `n` samples exceed
 * the threshold (the "k of n" or "m of n" rule of alarm management, EEMUA 191 / ISA-18.2
 * "on-delay by count").
 *
 * Statistic: the number of exceedances in the last `n` samples (0..n); limit: `k`.
 *
 * False-alarm / delay trade-off: if, with no fault, a sample exceeds the threshold with
 * probability p (for Gaussian noise of standard deviation σ and a two-sided threshold c,
 * p = 2 (1 - Φ(c / σ))), a full window alarms with probability
 * P(Bin(n, p) >= k) ({@link kOfNWindowProbability}); successive windows overlap, so the average
 * run length to a false alarm is of the order of the reciprocal of that (a lower bound on it for
 * k = 1). Persistence buys a much smaller false-alarm rate at a fixed threshold (c = 3σ: 2.7e-3
 * per sample for 1 of 1, 1.1e-4 per window for 2 of 5) at the price of a detection delay of at
 * least k samples after a step larger than the threshold, and of k-of-n exceedances (about
 * k / p1 samples, p1 the exceedance probability under the fault) for a step near it.
 *
 * A higher threshold never raises more alarms: the exceedances at a higher threshold are a
 * subset of those at a lower one, sample by sample (tested as a property).
 */
import { checkFinite, checkInteger, checkOneOf, checkPositive } from "./optionChecks.js";
import {
  DETECTOR_SIDES,
  type DetectorSide,
  type Direction,
  type ResidualDetector,
} from "./residualDetector.js";

/** Largest window accepted. */
export const THRESHOLD_MAX_N = 65_536;

export interface ThresholdOptions {
  /** Exceedance threshold on the deviation from `target`, in residual units (> 0). */
  readonly threshold: number;
  /** In-control value of the residual. @default 0 */
  readonly target?: number;
  /** Exceedances needed in the window to alarm (1 <= k <= n). @default 1 */
  readonly k?: number;
  /** Window length in samples. @default 1 */
  readonly n?: number;
  /** `both`: |x - target| > threshold; `upper`: x - target > threshold; `lower`: target - x > threshold. @default "both" */
  readonly side?: DetectorSide;
}

/** Options with every default applied and every value checked. */
export interface ResolvedThresholdOptions {
  readonly threshold: number;
  readonly target: number;
  readonly k: number;
  readonly n: number;
  readonly side: DetectorSide;
}

/** Applies defaults and validates; errors name the option (`threshold.k`) and the value. */
export function resolveThresholdOptions(options: ThresholdOptions): ResolvedThresholdOptions {
  const threshold = checkPositive("threshold.threshold", options.threshold);
  const target = checkFinite("threshold.target", options.target ?? 0);
  const n = checkInteger("threshold.n", options.n ?? 1, 1, THRESHOLD_MAX_N);
  const k = checkInteger("threshold.k", options.k ?? 1, 1, n);
  const side = checkOneOf("threshold.side", options.side ?? "both", DETECTOR_SIDES);
  return { threshold, target, k, n, side };
}

export class ThresholdDetector implements ResidualDetector {
  readonly kind = "threshold" as const;
  readonly options: ResolvedThresholdOptions;
  /** Ring of the last n samples: +1 upper exceedance, -1 lower, 0 none. */
  private readonly ring: Int8Array;
  private head = 0;
  private count = 0;
  private signedCount = 0;
  private n_ = 0;

  constructor(options: ThresholdOptions) {
    this.options = resolveThresholdOptions(options);
    this.ring = new Int8Array(this.options.n);
  }

  update(x: number): boolean {
    if (!Number.isFinite(x)) return this.alarm;
    const { threshold, target, side } = this.options;
    const d = x - target;
    let e = 0;
    if (d > threshold && side !== "lower") e = 1;
    else if (-d > threshold && side !== "upper") e = -1;
    const old = this.ring[this.head] as number;
    this.count += (e !== 0 ? 1 : 0) - (old !== 0 ? 1 : 0);
    this.signedCount += e - old;
    this.ring[this.head] = e;
    this.head = this.head + 1 === this.ring.length ? 0 : this.head + 1;
    this.n_++;
    return this.alarm;
  }

  /** Exceedances in the last n samples. */
  get statistic(): number {
    return this.count;
  }

  get limit(): number {
    return this.options.k;
  }

  get score(): number {
    return this.count / this.options.k;
  }

  get alarm(): boolean {
    return this.count >= this.options.k;
  }

  /** The side most exceedances in the window are on (0 when none, or as many each side). */
  get direction(): Direction {
    return this.signedCount > 0 ? 1 : this.signedCount < 0 ? -1 : 0;
  }

  get samples(): number {
    return this.n_;
  }

  reset(): void {
    this.ring.fill(0);
    this.head = 0;
    this.count = 0;
    this.signedCount = 0;
    this.n_ = 0;
  }
}

/**
 * Probability that a window of n independent samples, each exceeding with probability p, holds
 * at least k exceedances: P(Bin(n, p) >= k), summed exactly (n up to a few thousand).
 */
export function kOfNWindowProbability(p: number, k: number, n: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`kOfNWindowProbability: p must be in [0, 1] (got ${p})`);
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`kOfNWindowProbability: n must be an integer >= 1 (got ${n})`);
  if (!Number.isInteger(k) || k < 0 || k > n)
    throw new RangeError(`kOfNWindowProbability: k must be an integer in [0, n] (got ${k})`);
  if (k === 0) return 1;
  if (p === 0) return 0;
  if (p === 1) return 1;
  // Terms of the binomial pmf by the recurrence pmf(i+1) = pmf(i) (n-i)/(i+1) p/(1-p), in logs.
  const lp = Math.log(p);
  const lq = Math.log1p(-p);
  let logPmf = k * lp + (n - k) * lq + logChoose(n, k);
  let sum = 0;
  for (let i = k; i <= n; i++) {
    sum += Math.exp(logPmf);
    logPmf += Math.log((n - i) / (i + 1)) + lp - lq;
  }
  return Math.min(1, sum);
}

function logChoose(n: number, k: number): number {
  let s = 0;
  const m = Math.min(k, n - k);
  for (let i = 1; i <= m; i++) s += Math.log((n - m + i) / i);
  return s;
}
