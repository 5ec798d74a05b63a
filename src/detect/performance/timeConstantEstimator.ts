/**
 * Online estimate of a signal's dominant time constant from its own step responses.
 *
 * Method: the signal is averaged over blocks of `blockS` seconds (block means ȳ_k, spacing Δ).
 * After a step of a first-order system's input, y(t) = y_∞ + (y_0 - y_∞) e^(-t/τ), so
 *
 *   ȳ_{k+1} = φ ȳ_k + c,   φ = exp(-Δ/τ),   c = (1 - φ) y_∞
 *
 * holds exactly (block means of an exponential are an exponential with the same τ). φ and c are
 * fitted by weighted least squares with exponential forgetting (Ljung, System Identification,
 * 2nd ed., section 11.2) over the current segment. A new step changes y_∞, hence c, which
 * stale data would bias: when the one-block-ahead prediction error exceeds `restartSigmas`
 * residual standard deviations the segment restarts (least squares with covariance resetting on
 * detected change, Ljung section 11.4). For the two-node loop the fit converges on the dominant
 * (slow) mode once the fast one has died out.
 *
 * Why block means: with the raw samples (0.1 s apart, τ of minutes) φ would be within 1e-3 of 1,
 * and the sensor noise in the regressor would bias it (errors in variables: the bias factor is
 * var(signal) / (var(signal) + σ²)); averaging over a block both lowers σ by sqrt(samples per
 * block) and moves φ away from 1. (Fitting increments, d_{k+1} = φ d_k, would need no restarts
 * but differencing amplifies the noise so much that τ is not resolved on a bench rig.)
 *
 * Uncertainty: var(φ̂) = s² / Σ w (x - x̄)² from the fit, and σ_τ = Δ σ_φ / (φ (ln φ)²) by the
 * delta method. An estimate exists only while the signal moves (after a step or during a fault);
 * it is published when φ is in (0, 1) and σ_τ / τ <= `maxRelativeStd`, and the last published
 * value is kept (with its rig time) while the loop is steady.
 *
 * O(1) per sample, no allocation. A gap longer than `maxGapS` restarts the segment.
 */
import { checkInteger, checkInterval, checkPositive } from "../detectors/optionChecks.js";

export interface TimeConstantOptions {
  /** Averaging block [s]; a tenth of the time constant or less. @default 10 (the default rig's is ~530 s) */
  readonly blockS?: number;
  /** Forgetting factor per block (memory about blockS / (1 - forgetting) s: 2000 s). @default 0.995 */
  readonly forgetting?: number;
  /** A gap longer than this [s] restarts the segment. @default 5 */
  readonly maxGapS?: number;
  /** Relative standard deviation above which an estimate is not published. @default 0.1 */
  readonly maxRelativeStd?: number;
  /** Prediction error, in residual standard deviations, that restarts the segment. @default 6 */
  readonly restartSigmas?: number;
  /** Blocks a segment holds at least before it can restart. @default 10 */
  readonly minSegmentBlocks?: number;
}

export interface ResolvedTimeConstantOptions {
  readonly blockS: number;
  readonly forgetting: number;
  readonly maxGapS: number;
  readonly maxRelativeStd: number;
  readonly restartSigmas: number;
  readonly minSegmentBlocks: number;
}

/** Applies defaults and validates; errors name the option (`timeConstant.blockS`) and the value. */
export function resolveTimeConstantOptions(options: TimeConstantOptions = {}): ResolvedTimeConstantOptions {
  return {
    blockS: checkPositive("timeConstant.blockS", options.blockS ?? 10),
    forgetting: checkInterval("timeConstant.forgetting", options.forgetting ?? 0.995, 0.5, 1),
    maxGapS: checkPositive("timeConstant.maxGapS", options.maxGapS ?? 5),
    maxRelativeStd: checkPositive("timeConstant.maxRelativeStd", options.maxRelativeStd ?? 0.1),
    restartSigmas: checkPositive("timeConstant.restartSigmas", options.restartSigmas ?? 6),
    minSegmentBlocks: checkInteger(
      "timeConstant.minSegmentBlocks",
      options.minSegmentBlocks ?? 10,
      3,
      1_000_000,
    ),
  };
}

export class TimeConstantEstimator {
  readonly options: ResolvedTimeConstantOptions;
  // Current block.
  private blockStartS = Number.NaN;
  private blockSumT = 0;
  private blockSumY = 0;
  private blockN = 0;
  private lastTS = Number.NaN;
  // Previous block mean (the regressor).
  private prevMeanT = Number.NaN;
  private prevMeanY = Number.NaN;
  // Segment: weighted sums of x = ȳ_k - yRef and y = ȳ_{k+1} - yRef.
  private yRef = Number.NaN;
  private segmentPairs = 0;
  private skipPairs = 0;
  private sw = 0;
  private sx = 0;
  private sy = 0;
  private sxx = 0;
  private sxy = 0;
  private syy = 0;
  private fitC = Number.NaN;
  private fitValid = false;
  private residualStd = Number.NaN;
  private meanY = Number.NaN;
  private spreadY = Number.NaN;
  private spacingS = Number.NaN;
  private blocks_ = 0;
  private restarts_ = 0;
  private phi = Number.NaN;
  private phiStd = Number.NaN;
  private tau = Number.NaN;
  private tauStd = Number.NaN;
  private tauAtS = Number.NaN;

  constructor(options: TimeConstantOptions = {}) {
    this.options = resolveTimeConstantOptions(options);
  }

  /** Feeds one sample at rig time `tS`; non-finite values are gaps. */
  update(tS: number, y: number): void {
    if (!Number.isFinite(tS) || !Number.isFinite(y)) return;
    const o = this.options;
    if (Number.isFinite(this.lastTS) && tS - this.lastTS > o.maxGapS) this.restartSegment(true);
    this.lastTS = tS;
    if (Number.isNaN(this.blockStartS)) this.blockStartS = tS;
    this.blockSumT += tS;
    this.blockSumY += y;
    this.blockN++;
    if (tS - this.blockStartS >= o.blockS) this.closeBlock(tS);
  }

  private closeBlock(tS: number): void {
    const meanT = this.blockSumT / this.blockN;
    const meanY = this.blockSumY / this.blockN;
    this.blockStartS = Number.NaN;
    this.blockSumT = 0;
    this.blockSumY = 0;
    this.blockN = 0;
    this.blocks_++;
    if (!Number.isNaN(this.prevMeanY)) {
      const dt = meanT - this.prevMeanT;
      this.spacingS = Number.isNaN(this.spacingS) ? dt : 0.9 * this.spacingS + 0.1 * dt;
      this.addPair(this.prevMeanY, meanY, tS);
    }
    this.prevMeanT = meanT;
    this.prevMeanY = meanY;
  }

  private addPair(yk: number, yk1: number, tS: number): void {
    const o = this.options;
    if (this.changed(yk, yk1)) {
      this.restartSegment(false);
      this.restarts_++;
      // The block that revealed the change may straddle it: neither pair touching it fits.
      this.skipPairs = 2;
    }
    if (this.skipPairs > 0) {
      this.skipPairs--;
      return;
    }
    if (Number.isNaN(this.yRef)) this.yRef = yk;
    const x = yk - this.yRef;
    const y = yk1 - this.yRef;
    const l = o.forgetting;
    this.sw = l * this.sw + 1;
    this.sx = l * this.sx + x;
    this.sy = l * this.sy + y;
    this.sxx = l * this.sxx + x * x;
    this.sxy = l * this.sxy + x * y;
    this.syy = l * this.syy + y * y;
    this.segmentPairs++;
    if (this.segmentPairs < 3) return;
    const mx = this.sx / this.sw;
    const my = this.sy / this.sw;
    const cxx = this.sxx - this.sw * mx * mx;
    const cxy = this.sxy - this.sw * mx * my;
    const cyy = this.syy - this.sw * my * my;
    this.meanY = my;
    this.spreadY = Math.sqrt(Math.max(0, cyy) / Math.max(1, this.sw - 1));
    this.fitValid = false;
    if (!(cxx > 1e-12 * this.sw)) return;
    const phi = cxy / cxx;
    const s2 = Math.max(0, cyy - phi * cxy) / Math.max(1e-12, this.sw - 2);
    this.phi = phi;
    this.fitC = my - phi * mx;
    this.fitValid = true;
    this.residualStd = Math.sqrt(s2);
    this.phiStd = Math.sqrt(s2 / cxx);
    const d = this.spacingS;
    if (!(phi > 0 && phi < 1) || !Number.isFinite(d)) return;
    const lnPhi = Math.log(phi);
    const tau = -d / lnPhi;
    const tauStd = (d * this.phiStd) / (phi * lnPhi * lnPhi);
    if (tauStd / tau <= o.maxRelativeStd) {
      this.tau = tau;
      this.tauStd = tauStd;
      this.tauAtS = tS;
    }
  }

  /**
   * Whether the new pair contradicts the segment: by the first-order fit once the segment has
   * `minSegmentBlocks` pairs, before that by the segment's own spread (a steady stretch followed
   * by a step is noticed at once; restarting a steady segment loses nothing).
   */
  private changed(yk: number, yk1: number): boolean {
    const o = this.options;
    if (this.segmentPairs < 3) return false;
    let e: number;
    let sigma: number;
    if (this.segmentPairs >= o.minSegmentBlocks && this.fitValid) {
      e = yk1 - this.yRef - (this.phi * (yk - this.yRef) + this.fitC);
      sigma = this.residualStd;
    } else {
      e = yk1 - this.yRef - this.meanY;
      sigma = this.spreadY;
    }
    return Math.abs(e) > o.restartSigmas * Math.max(sigma, 1e-9);
  }

  /** Forgets the segment's fit; `breakChain` also forgets the previous block (after a gap). */
  private restartSegment(breakChain: boolean): void {
    if (breakChain) {
      this.blockStartS = Number.NaN;
      this.blockSumT = 0;
      this.blockSumY = 0;
      this.blockN = 0;
      this.prevMeanT = Number.NaN;
      this.prevMeanY = Number.NaN;
    }
    this.yRef = Number.NaN;
    this.segmentPairs = 0;
    this.skipPairs = 0;
    this.sw = 0;
    this.sx = 0;
    this.sy = 0;
    this.sxx = 0;
    this.sxy = 0;
    this.syy = 0;
    this.fitC = Number.NaN;
    this.fitValid = false;
    this.residualStd = Number.NaN;
    this.meanY = Number.NaN;
    this.spreadY = Number.NaN;
  }

  /** Segments restarted on a detected change so far. */
  get restarts(): number {
    return this.restarts_;
  }

  /** Current φ estimate, the per-block decay factor (NaN before any). */
  get decayFactor(): number {
    return this.phi;
  }

  /** Standard deviation of φ. */
  get decayFactorStd(): number {
    return this.phiStd;
  }

  /** Spacing of the blocks [s] (NaN before two blocks). */
  get blockSpacingS(): number {
    return this.spacingS;
  }

  /** Blocks closed so far. */
  get blocks(): number {
    return this.blocks_;
  }

  /** Last published time constant [s]; NaN until the signal has moved enough to identify it. */
  get timeConstantS(): number {
    return this.tau;
  }

  /** Its standard deviation [s]. */
  get timeConstantStdS(): number {
    return this.tauStd;
  }

  /** Rig time [s] the published estimate was last refreshed. */
  get timeConstantAtS(): number {
    return this.tauAtS;
  }

  reset(): void {
    this.restartSegment(true);
    this.lastTS = Number.NaN;
    this.spacingS = Number.NaN;
    this.blocks_ = 0;
    this.restarts_ = 0;
    this.phi = Number.NaN;
    this.phiStd = Number.NaN;
    this.tau = Number.NaN;
    this.tauStd = Number.NaN;
    this.tauAtS = Number.NaN;
  }
}
