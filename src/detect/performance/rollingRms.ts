/**
 * Root-mean-square and mean of several residual channels over the last `window` samples: the
 * twin's fit (RMSE) and its bias, online. Ring buffers of fixed capacity, O(channels) per sample,
 * no allocation after construction. Non-finite values (gaps) are not counted: each channel's
 * figures cover its finite values among the last `window` samples.
 *
 * Running sums are re-added exactly once per window so rounding cannot accumulate.
 */
import { checkInteger } from "../detectors/optionChecks.js";

/** Largest window accepted, in samples. */
export const ROLLING_MAX_WINDOW = 1 << 20;

export class RollingRms {
  readonly channels: number;
  readonly window: number;
  private readonly values: Float64Array;
  private readonly sum: Float64Array;
  private readonly sumSq: Float64Array;
  private readonly count: Int32Array;
  private head = 0;
  private filled = 0;
  private sinceExact = 0;

  constructor(channels: number, window: number) {
    this.channels = checkInteger("rms.channels", channels, 1, 64);
    this.window = checkInteger("rms.window", window, 1, ROLLING_MAX_WINDOW);
    this.values = new Float64Array(channels * window).fill(Number.NaN);
    this.sum = new Float64Array(channels);
    this.sumSq = new Float64Array(channels);
    this.count = new Int32Array(channels);
  }

  /** Pushes one sample: `values[c]` for each channel c (missing or non-finite entries are gaps). */
  push(values: ArrayLike<number>): void {
    const c = this.channels;
    const base = this.head * c;
    const buf = this.values;
    const sum = this.sum;
    const sumSq = this.sumSq;
    const count = this.count;
    const nv = values.length;
    for (let i = 0; i < c; i++) {
      const old = buf[base + i] as number;
      // NaN marks an empty or gap slot.
      if (!Number.isNaN(old)) {
        sum[i] = (sum[i] as number) - old;
        sumSq[i] = (sumSq[i] as number) - old * old;
        count[i] = (count[i] as number) - 1;
      }
      const v = i < nv ? (values[i] as number) : Number.NaN;
      if (v - v === 0) {
        buf[base + i] = v;
        sum[i] = (sum[i] as number) + v;
        sumSq[i] = (sumSq[i] as number) + v * v;
        count[i] = (count[i] as number) + 1;
      } else {
        buf[base + i] = Number.NaN;
      }
    }
    this.head = this.head + 1 === this.window ? 0 : this.head + 1;
    if (this.filled < this.window) this.filled++;
    if (++this.sinceExact >= this.window) {
      this.sinceExact = 0;
      this.resum();
    }
  }

  /** RMS of channel `ch` over the window; NaN when it holds no finite value. */
  rms(ch: number): number {
    const n = this.count[ch] ?? 0;
    if (n === 0) return Number.NaN;
    const ms = (this.sumSq[ch] as number) / n;
    return Math.sqrt(ms > 0 ? ms : 0);
  }

  /** Mean (bias) of channel `ch` over the window; NaN when it holds no finite value. */
  mean(ch: number): number {
    const n = this.count[ch] ?? 0;
    return n === 0 ? Number.NaN : (this.sum[ch] as number) / n;
  }

  /** Finite values of channel `ch` in the window. */
  samples(ch: number): number {
    return this.count[ch] ?? 0;
  }

  /** Samples pushed into the window so far (at most `window`). */
  get filledSamples(): number {
    return this.filled;
  }

  reset(): void {
    this.values.fill(Number.NaN);
    this.sum.fill(0);
    this.sumSq.fill(0);
    this.count.fill(0);
    this.head = 0;
    this.filled = 0;
    this.sinceExact = 0;
  }

  private resum(): void {
    const c = this.channels;
    this.sum.fill(0);
    this.sumSq.fill(0);
    for (let j = 0; j < this.window; j++) {
      for (let i = 0; i < c; i++) {
        const v = this.values[j * c + i] as number;
        if (!Number.isNaN(v)) {
          this.sum[i] = (this.sum[i] as number) + v;
          this.sumSq[i] = (this.sumSq[i] as number) + v * v;
        }
      }
    }
  }
}
