/**
 * Stuck-sensor (flatline) test: how long a reading has stayed exactly the same. A live thermistor
 * read through a noisy divider and an oversampled ADC changes by a count or more most samples
 * (DEFAULT_SENSOR_NOISE_K_RMS = 0.05 K is about 2 counts near 40 C, where a count is 0.027 K), so
 * an unchanged reading for seconds means a frozen channel (a stuck ADC, a firmware fault, a
 * repeated stale value), whatever the loop does. A residual test cannot see that at a steady
 * state: the frozen value is right until the loop moves.
 *
 * False-alarm / delay trade-off: with Gaussian noise of σ counts, two successive readings are
 * equal with probability about 1 / (2 σ sqrt(π)) (0.15 for σ = 1.9 counts), and successive
 * equalities are nearly independent, so n equal readings in a row have probability about
 * 0.15^n: 1e-40 for 5 s at 10 Hz. The delay is `limitS` after the reading froze. The test is
 * meaningless for a channel whose noise is below the ADC resolution (a steady reading is then
 * normal): disable it (`limitS` Infinity) for such a rig.
 *
 * Statistic: seconds since the reading last changed; limit: `limitS`. A non-finite reading (open,
 * short, missing) restarts the count. O(1), no allocation.
 */
import { checkPositiveOrInfinity } from "./optionChecks.js";

export class FlatlineDetector {
  readonly limitS: number;
  private last = Number.NaN;
  private sinceS = Number.NaN;
  private statistic_ = 0;

  /** @param limitS seconds a reading may stay unchanged (Infinity: never alarm). */
  constructor(limitS: number) {
    this.limitS = checkPositiveOrInfinity("flatlineS", limitS);
  }

  /** Feeds the reading at rig time `tS`; returns {@link alarm}. */
  update(tS: number, reading: number): boolean {
    if (!Number.isFinite(reading)) {
      this.last = Number.NaN;
      this.sinceS = Number.NaN;
      this.statistic_ = 0;
      return false;
    }
    if (reading !== this.last || Number.isNaN(this.sinceS)) {
      this.last = reading;
      this.sinceS = tS;
    }
    this.statistic_ = tS - this.sinceS;
    return this.alarm;
  }

  /** Restarts the count (after a gap: no reading was seen in between). */
  restart(): void {
    this.last = Number.NaN;
    this.sinceS = Number.NaN;
    this.statistic_ = 0;
  }

  /** Seconds the reading has stayed the same. */
  get statistic(): number {
    return this.statistic_;
  }

  /** `statistic / limitS`: >= 1 exactly when alarming. */
  get score(): number {
    return this.statistic_ / this.limitS;
  }

  get alarm(): boolean {
    return this.statistic_ >= this.limitS;
  }

  /** The frozen value (NaN when none). */
  get value(): number {
    return this.last;
  }
}
