/**
 * Stability classification of one temperature: steady, settling, drifting or oscillating, with
 * the figures behind the call. The signal is averaged over blocks of `blockS` seconds and the
 * last `windowS` seconds of block means are examined each time a block closes:
 *
 * - slope: least-squares line through the window [K/s]; the same for its first and second half;
 * - oscillation: the residuals from that line (detrended signal), their zero crossings counted
 *   with a hysteresis band of ±`oscillationBandK` (a crossing is a swing from above +band to below
 *   -band or back) and their amplitude, half the peak-to-peak range;
 *
 * and the class is, in this order of precedence:
 * - `oscillating`: at least `minCrossings` crossings (2 per period) and amplitude >=
 *   `minAmplitudeK`; periods from about 4 blocks to windowS / 2 are seen (faster ones are
 *   averaged away by the blocks, by design: sensor noise is not an oscillation);
 * - `steady`: |slope| < `steadySlopeKPerS`;
 * - `settling`: moving, but approaching an asymptote: the second half's slope has the same sign
 *   and at most `settleRatio` of the first half's magnitude (an exponential with time constant τ
 *   gives the ratio exp(-windowS / (2 τ)): 0.61 for τ = windowS, 0.78 for τ = 2 windowS);
 * - `drifting`: moving and not slowing down (a ramp: ratio ≈ 1), e.g. the seed model's unanchored
 *   drift (docs/design.md 2.1), a drifting sensor, or a fouling ramp;
 * - `unknown` until half a window of blocks is in.
 *
 * Per sample O(1); per block O(window blocks) (windowS / blockS = 60 with the defaults, 50
 * samples per block at 10 Hz), i.e. amortised O(1), a few flops per sample; no allocation after
 * construction. With the defaults, a block mean of a 0.1 K rms sensor at 10 Hz has 0.014 K of
 * noise, well inside the 0.1 K band; raise `oscillationBandK` and `minAmplitudeK` for noisier
 * sensors or slower rates. Oscillation periods from about 20 s (4 blocks) to 150 s are seen. A gap longer than `maxGapS` empties
 * the window.
 */
import { ConfigError } from "../../core/errors.js";
import { checkInteger, checkPositive } from "../detectors/optionChecks.js";

export const STABILITY_CLASSES = ["unknown", "steady", "settling", "drifting", "oscillating"] as const;
export type StabilityClass = (typeof STABILITY_CLASSES)[number];

export interface StabilityOptions {
  /** Averaging block [s]. @default 5 */
  readonly blockS?: number;
  /** Window examined [s], at least 8 blocks. @default 300 */
  readonly windowS?: number;
  /** |slope| below which the signal is steady [K/s]. @default 0.002 (0.12 K/min) */
  readonly steadySlopeKPerS?: number;
  /** Largest second-half/first-half slope ratio still called settling. @default 0.85 */
  readonly settleRatio?: number;
  /** Hysteresis band of the zero-crossing count [K]; above the noise of a block mean. @default 0.1 */
  readonly oscillationBandK?: number;
  /** Zero crossings in the window needed to call it oscillating. @default 4 */
  readonly minCrossings?: number;
  /** Amplitude needed to call it oscillating [K]. @default 0.2 */
  readonly minAmplitudeK?: number;
  /** A gap longer than this [s] empties the window. @default 30 */
  readonly maxGapS?: number;
}

export interface ResolvedStabilityOptions {
  readonly blockS: number;
  readonly windowS: number;
  readonly steadySlopeKPerS: number;
  readonly settleRatio: number;
  readonly oscillationBandK: number;
  readonly minCrossings: number;
  readonly minAmplitudeK: number;
  readonly maxGapS: number;
}

/** Applies defaults and validates; errors name the option (`stability.windowS`) and the value. */
export function resolveStabilityOptions(options: StabilityOptions = {}): ResolvedStabilityOptions {
  const blockS = checkPositive("stability.blockS", options.blockS ?? 5);
  const windowS = checkPositive("stability.windowS", options.windowS ?? 300);
  if (windowS < 8 * blockS)
    throw new ConfigError(
      "stability.windowS",
      windowS,
      `must be at least 8 blocks (8 x stability.blockS = ${8 * blockS} s)`,
    );
  return {
    blockS,
    windowS,
    steadySlopeKPerS: checkPositive("stability.steadySlopeKPerS", options.steadySlopeKPerS ?? 0.002),
    settleRatio: checkPositive("stability.settleRatio", options.settleRatio ?? 0.85),
    oscillationBandK: checkPositive("stability.oscillationBandK", options.oscillationBandK ?? 0.1),
    minCrossings: checkInteger("stability.minCrossings", options.minCrossings ?? 4, 1, 10_000),
    minAmplitudeK: checkPositive("stability.minAmplitudeK", options.minAmplitudeK ?? 0.2),
    maxGapS: checkPositive("stability.maxGapS", options.maxGapS ?? 30),
  };
}

/** The figures behind a classification (overwritten in place when a block closes). */
export interface StabilityFigures {
  stabilityClass: StabilityClass;
  /** Slope over the window [K/s]. */
  slopeKPerS: number;
  /** Slopes over the first and second half of the window [K/s]. */
  firstHalfSlopeKPerS: number;
  secondHalfSlopeKPerS: number;
  /** Zero crossings of the detrended signal (with hysteresis). */
  zeroCrossings: number;
  /** Half the peak-to-peak range of the detrended signal [K]. */
  oscillationAmplitudeK: number;
  /** 2 × span / crossings [s]; NaN with fewer than 2 crossings. */
  oscillationPeriodS: number;
  /** Time spanned by the block means in the window [s]. */
  spanS: number;
  /** Rig time of the last classification [s]. */
  atS: number;
}

export class StabilityClassifier {
  readonly options: ResolvedStabilityOptions;
  /** Updated in place when a block closes; read it, do not keep it. */
  readonly figures: StabilityFigures;
  private readonly times: Float64Array;
  private readonly values: Float64Array;
  private head = 0;
  private count = 0;
  private blockStartS = Number.NaN;
  private blockSumT = 0;
  private blockSumY = 0;
  private blockN = 0;
  private lastTS = Number.NaN;

  constructor(options: StabilityOptions = {}) {
    this.options = resolveStabilityOptions(options);
    const capacity = Math.max(8, Math.round(this.options.windowS / this.options.blockS));
    this.times = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
    this.figures = emptyFigures();
  }

  /** Feeds one sample; returns true when a block closed and the figures were refreshed. */
  update(tS: number, y: number): boolean {
    if (!Number.isFinite(tS) || !Number.isFinite(y)) return false;
    if (Number.isFinite(this.lastTS) && tS - this.lastTS > this.options.maxGapS) this.reset();
    this.lastTS = tS;
    if (Number.isNaN(this.blockStartS)) this.blockStartS = tS;
    this.blockSumT += tS;
    this.blockSumY += y;
    this.blockN++;
    if (tS - this.blockStartS < this.options.blockS) return false;
    const cap = this.times.length;
    this.times[this.head] = this.blockSumT / this.blockN;
    this.values[this.head] = this.blockSumY / this.blockN;
    this.head = this.head + 1 === cap ? 0 : this.head + 1;
    if (this.count < cap) this.count++;
    this.blockStartS = Number.NaN;
    this.blockSumT = 0;
    this.blockSumY = 0;
    this.blockN = 0;
    this.classify(tS);
    return true;
  }

  get stabilityClass(): StabilityClass {
    return this.figures.stabilityClass;
  }

  reset(): void {
    this.head = 0;
    this.count = 0;
    this.blockStartS = Number.NaN;
    this.blockSumT = 0;
    this.blockSumY = 0;
    this.blockN = 0;
    this.lastTS = Number.NaN;
    Object.assign(this.figures, emptyFigures());
  }

  /** Index in the ring of the i-th oldest block mean. */
  private at(i: number): number {
    const cap = this.times.length;
    const j = this.head - this.count + i;
    return j < 0 ? j + cap : j;
  }

  /**
   * Least-squares slope and intercept (at t0) over the window's block means, and the slopes over
   * its first and second half, into {@link FITS}. Two passes over the ring in block order, each
   * fit's sums kept apart (the same terms added in the same order as three fits one after another,
   * so the same numbers): the means, then the spreads about them.
   */
  private fit(n: number, half: number, t0: number): void {
    const times = this.times;
    const values = this.values;
    const cap = times.length;
    const first = this.at(0);
    const secondFrom = n - half;
    let st = 0;
    let sy = 0;
    let st1 = 0;
    let sy1 = 0;
    let st2 = 0;
    let sy2 = 0;
    for (let i = 0, k = first; i < n; i++, k = k + 1 === cap ? 0 : k + 1) {
      const t = (times[k] as number) - t0;
      const y = values[k] as number;
      st += t;
      sy += y;
      if (i < half) {
        st1 += t;
        sy1 += y;
      }
      if (i >= secondFrom) {
        st2 += t;
        sy2 += y;
      }
    }
    const mt = st / n;
    const my = sy / n;
    const mt1 = st1 / half;
    const my1 = sy1 / half;
    const mt2 = st2 / half;
    const my2 = sy2 / half;
    let stt = 0;
    let sty = 0;
    let stt1 = 0;
    let sty1 = 0;
    let stt2 = 0;
    let sty2 = 0;
    for (let i = 0, k = first; i < n; i++, k = k + 1 === cap ? 0 : k + 1) {
      const t = (times[k] as number) - t0;
      const y = values[k] as number;
      const dt = t - mt;
      stt += dt * dt;
      sty += dt * (y - my);
      if (i < half) {
        const dt1 = t - mt1;
        stt1 += dt1 * dt1;
        sty1 += dt1 * (y - my1);
      }
      if (i >= secondFrom) {
        const dt2 = t - mt2;
        stt2 += dt2 * dt2;
        sty2 += dt2 * (y - my2);
      }
    }
    const slope = stt > 0 ? sty / stt : 0;
    FITS.slope = slope;
    FITS.intercept = my - slope * mt;
    FITS.firstHalfSlope = stt1 > 0 ? sty1 / stt1 : 0;
    FITS.secondHalfSlope = stt2 > 0 ? sty2 / stt2 : 0;
  }

  private classify(tS: number): void {
    const f = this.figures;
    const o = this.options;
    const n = this.count;
    f.atS = tS;
    if (n < Math.max(4, this.times.length / 2)) {
      f.stabilityClass = "unknown";
      return;
    }
    const t0 = this.times[this.at(0)] as number;
    const half = n >> 1;
    this.fit(n, half, t0);
    const slope = FITS.slope;
    const intercept = FITS.intercept;
    const s1 = FITS.firstHalfSlope;
    const s2 = FITS.secondHalfSlope;
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    let state = 0;
    let crossings = 0;
    const cap = this.times.length;
    for (let i = 0, k = this.at(0); i < n; i++, k = k + 1 === cap ? 0 : k + 1) {
      const r = (this.values[k] as number) - (intercept + slope * ((this.times[k] as number) - t0));
      if (r < lo) lo = r;
      if (r > hi) hi = r;
      const s = r > o.oscillationBandK ? 1 : r < -o.oscillationBandK ? -1 : 0;
      if (s !== 0) {
        if (state !== 0 && s !== state) crossings++;
        state = s;
      }
    }
    const spanS = (this.times[this.at(n - 1)] as number) - t0;
    const amplitude = (hi - lo) / 2;
    f.slopeKPerS = slope;
    f.firstHalfSlopeKPerS = s1;
    f.secondHalfSlopeKPerS = s2;
    f.zeroCrossings = crossings;
    f.oscillationAmplitudeK = amplitude;
    f.oscillationPeriodS = crossings >= 2 ? (2 * spanS) / crossings : Number.NaN;
    f.spanS = spanS;
    if (crossings >= o.minCrossings && amplitude >= o.minAmplitudeK) f.stabilityClass = "oscillating";
    else if (Math.abs(slope) < o.steadySlopeKPerS) f.stabilityClass = "steady";
    else if (s1 * s2 >= 0 && Math.abs(s2) <= o.settleRatio * Math.abs(s1)) f.stabilityClass = "settling";
    else f.stabilityClass = "drifting";
  }
}

/** Scratch result of `fit` (never escapes a call; keeps the per-block path allocation-free). */
const FITS = { slope: 0, intercept: 0, firstHalfSlope: 0, secondHalfSlope: 0 };

function emptyFigures(): StabilityFigures {
  return {
    stabilityClass: "unknown",
    slopeKPerS: Number.NaN,
    firstHalfSlopeKPerS: Number.NaN,
    secondHalfSlopeKPerS: Number.NaN,
    zeroCrossings: 0,
    oscillationAmplitudeK: Number.NaN,
    oscillationPeriodS: Number.NaN,
    spanS: 0,
    atS: Number.NaN,
  };
}
