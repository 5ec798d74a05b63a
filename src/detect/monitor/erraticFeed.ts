import type { ChiSquareDetector } from "../detectors/chiSquare.js";
import type { ReadingNoise } from "./readingNoise.js";
import { smaller } from "./residualArithmetic.js";
import type { SampleValues } from "./sampleValues.js";

/**
 * What each thermistor's erratic test (thermistorChecks.ts) is fed: the first difference of its
 * raw residual, per twin, then the smaller of the two, whitened by the reading noise
 * (readingNoise.ts). A sensor's jump or noise is in both twins; a fast physical transient (a pump
 * restarting on a hot loop moves T_hot by kelvins a second) only in a twin that does not know it.
 * Keeps the previous raw residuals, which the monitor forgets when the twins move (a start, the
 * alignment, a re-seat).
 */
export class ErraticFeed {
  readonly noise: ReadingNoise;
  /** The previous raw residuals of both twins: [a hot, a cold, b hot, b cold] (NaN: none). */
  private readonly prev = new Float64Array(4).fill(Number.NaN);
  private readonly hot: ChiSquareDetector | null;
  private readonly cold: ChiSquareDetector | null;
  private readonly v: SampleValues;

  /** The two tests (null: configured off), the reading noise, and this sample's values. */
  constructor(
    hot: ChiSquareDetector | null,
    cold: ChiSquareDetector | null,
    noise: ReadingNoise,
    v: SampleValues,
  ) {
    this.hot = hot;
    this.cold = cold;
    this.noise = noise;
    this.v = v;
  }

  /** This sample's raw residuals (from the sample values) into both tests; then remembers them. */
  feed(): void {
    const v = this.v;
    const aH = v.aHotK;
    const aC = v.aColdK;
    const bH = v.bHotK;
    const bC = v.bColdK;
    const prev = this.prev;
    const hot = this.hot;
    if (hot !== null) {
      const dh = smaller(aH - (prev[0] as number), bH - (prev[2] as number));
      if (Number.isFinite(dh)) {
        this.noise.updateHot();
        hot.update(dh * this.noise.hotWhiten);
      }
    }
    const cold = this.cold;
    if (cold !== null) {
      const dc = smaller(aC - (prev[1] as number), bC - (prev[3] as number));
      if (Number.isFinite(dc)) {
        this.noise.updateCold();
        cold.update(dc * this.noise.coldWhiten);
      }
    }
    prev[0] = aH;
    prev[1] = aC;
    prev[2] = bH;
    prev[3] = bC;
  }

  /** Forgets the previous residuals of both twins, or of one ("a" or "b": it was re-seated). */
  forget(twin?: "a" | "b"): void {
    if (twin === "a") this.prev.fill(Number.NaN, 0, 2);
    else if (twin === "b") this.prev.fill(Number.NaN, 2, 4);
    else this.prev.fill(Number.NaN);
  }
}
