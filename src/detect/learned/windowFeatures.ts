/**
 * Sliding-window features of standardised channels, computed online sample by sample from a
 * fixed-capacity ring buffer (no allocation per sample).
 *
 * Per channel one feature, chosen at training time (see driftScreen.ts):
 * - `mean`: the mean of the last `windowRows` standardised values (a level; averaging cuts white
 *   noise by sqrt(windowRows)).
 * - `slope`: the least-squares slope of the last `windowRows` standardised values, per row (a rate
 *   of change; used for channels whose level drifts too slowly to be learned from the training
 *   rows, e.g. temperatures that are still warming up).
 */
import { ConfigError } from "../../core/errors.js";

export const CHANNEL_FEATURES = ["mean", "slope"] as const;
export type ChannelFeature = (typeof CHANNEL_FEATURES)[number];

export interface WindowFeatureLayout {
  /** Window length in rows (>= 1; >= 2 when any channel uses `slope`). */
  readonly windowRows: number;
  /** The feature of each channel, one per channel. */
  readonly channelFeatures: readonly ChannelFeature[];
  /** Per-channel centre subtracted before the window (training mean). */
  readonly centre: readonly number[];
  /** Per-channel scale divided by before the window (training standard deviation, > 0). */
  readonly scale: readonly number[];
}

/** Checks a layout, naming the field at fault. */
export function validateWindowFeatureLayout(layout: WindowFeatureLayout, field = "features"): void {
  const n = layout.channelFeatures.length;
  if (n === 0) throw new ConfigError(`${field}.channelFeatures`, n, "needs at least one channel");
  if (!Number.isInteger(layout.windowRows) || layout.windowRows < 1)
    throw new ConfigError(`${field}.windowRows`, layout.windowRows, "must be a whole number >= 1");
  if (layout.windowRows < 2 && layout.channelFeatures.includes("slope"))
    throw new ConfigError(`${field}.windowRows`, layout.windowRows, "must be >= 2 when a channel uses slope");
  if (layout.centre.length !== n)
    throw new ConfigError(`${field}.centre`, layout.centre.length, `must have ${n} entries`);
  if (layout.scale.length !== n)
    throw new ConfigError(`${field}.scale`, layout.scale.length, `must have ${n} entries`);
  layout.channelFeatures.forEach((f, i) => {
    if (!(CHANNEL_FEATURES as readonly string[]).includes(f))
      throw new ConfigError(
        `${field}.channelFeatures[${i}]`,
        f,
        `must be one of ${CHANNEL_FEATURES.join(", ")}`,
      );
  });
  layout.centre.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new ConfigError(`${field}.centre[${i}]`, v, "must be a finite number");
  });
  layout.scale.forEach((v, i) => {
    if (!(Number.isFinite(v) && v > 0))
      throw new ConfigError(`${field}.scale[${i}]`, v, "must be finite and > 0");
  });
}

/** Online window-feature extractor over a fixed set of channels. */
export class WindowFeatureExtractor {
  /** Number of features written by {@link push} (one per channel). */
  readonly featureCount: number;
  private readonly windowRows: number;
  private readonly isSlope: Uint8Array;
  /**
   * Three `mean` channels (the twin's three residuals, the live default): {@link push} sums their
   * windows in one loop, three sums side by side, instead of a loop each.
   */
  private readonly threeMeans: boolean;
  private readonly centre: Float64Array;
  private readonly invScale: Float64Array;
  /**
   * Ring buffer, channel-major and written twice: channel c's value of slot s sits at
   * `c * 2w + s` and `c * 2w + s + w`, so that every window (oldest to newest, wrapped or not) is
   * one contiguous run of the channel's 2w cells, read without a wrap test.
   */
  private readonly ring: Float64Array;
  /** Per channel, how far the followed level has moved from the training centre (standardised units). */
  private readonly levelOffset: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(layout: WindowFeatureLayout) {
    validateWindowFeatureLayout(layout);
    const n = layout.channelFeatures.length;
    this.featureCount = n;
    this.windowRows = layout.windowRows;
    this.isSlope = Uint8Array.from(layout.channelFeatures, (f) => (f === "slope" ? 1 : 0));
    this.threeMeans = n === 3 && !layout.channelFeatures.includes("slope");
    this.centre = Float64Array.from(layout.centre);
    this.invScale = Float64Array.from(layout.scale, (s) => 1 / s);
    this.ring = new Float64Array(2 * layout.windowRows * n);
    this.levelOffset = new Float64Array(n);
  }

  /** Forgets the window (e.g. between files). */
  reset(): void {
    this.next = 0;
    this.filled = 0;
    this.levelOffset.fill(0);
  }

  /**
   * Moves each `mean` channel's reference level a fraction `rate` of the way towards the level of
   * the last window (an exponential moving baseline, time constant 1 / rate rows), given the
   * features {@link push} last wrote to `lastOut`. `slope` channels have no level to follow.
   */
  followLevels(lastOut: ArrayLike<number>, rate: number): void {
    for (let c = 0; c < this.featureCount; c++)
      if (this.isSlope[c] === 0)
        this.levelOffset[c] = (this.levelOffset[c] as number) + (lastOut[c] as number) * rate;
  }

  /** True once `windowRows` samples have been pushed since the last reset. */
  get full(): boolean {
    return this.filled >= this.windowRows;
  }

  /**
   * Adds one sample (one value per channel) and writes the features of the window ending at it into
   * `out` (length >= featureCount). Until the window is full the features use the rows seen so far.
   * Each sum runs over the window oldest to newest, so a feature is the same double whatever the
   * ring's layout; a `mean` channel skips the slope's products.
   */
  push(sample: ArrayLike<number>, out: Float64Array): void {
    const n = this.featureCount;
    const w = this.windowRows;
    const ring = this.ring;
    const slot = this.next;
    const centre = this.centre;
    const invScale = this.invScale;
    for (let c = 0, at = slot; c < n; c++, at += 2 * w) {
      const v = ((sample[c] as number) - (centre[c] as number)) * (invScale[c] as number);
      ring[at] = v;
      ring[at + w] = v;
    }
    this.next = slot + 1 === w ? 0 : slot + 1;
    if (this.filled < w) this.filled++;
    const m = this.filled;
    // Oldest slot of the current window.
    const start = m < w ? 0 : this.next;
    if (this.threeMeans) {
      const lo = this.levelOffset;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      for (let at = start, end = start + m; at < end; at++) {
        s0 += ring[at] as number;
        s1 += ring[2 * w + at] as number;
        s2 += ring[4 * w + at] as number;
      }
      out[0] = s0 / m - (lo[0] as number);
      out[1] = s1 / m - (lo[1] as number);
      out[2] = s2 / m - (lo[2] as number);
      return;
    }
    for (let c = 0; c < n; c++) {
      const from = c * 2 * w + start;
      const to = from + m;
      if (this.isSlope[c] === 0) {
        let sum = 0;
        for (let at = from; at < to; at++) sum += ring[at] as number;
        out[c] = sum / m - (this.levelOffset[c] as number);
      } else {
        // Least-squares slope against x = 0..m-1: sum((x - xbar) y) / sum((x - xbar)^2).
        const xBar = (m - 1) / 2;
        const sxx = (m * (m * m - 1)) / 12;
        let sxy = 0;
        for (let k = 0; k < m; k++) sxy += (k - xBar) * (ring[from + k] as number);
        out[c] = m > 1 ? sxy / sxx : 0;
      }
    }
  }
}
