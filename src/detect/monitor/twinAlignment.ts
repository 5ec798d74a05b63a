import type { SampleValues } from "./sampleValues.js";

/**
 * The alignment of both twins at the start: they start from the first sample, whose noise would
 * bias them for the loop's 500 s time constant, so over `alignS` seconds the mean residual of
 * each twin and thermistor is gathered and then taken off the twin's state. Until it is done the
 * temperature families do not watch.
 */
export class TwinAlignment {
  /** Whether an alignment is running. */
  active = false;
  /** The mean residuals [K] once {@link accumulate} returned true. */
  aHotK = 0;
  aColdK = 0;
  bHotK = 0;
  bColdK = 0;
  private startS = Number.NaN;
  private readonly alignS: number;
  private sumAH = 0;
  private sumAC = 0;
  private sumBH = 0;
  private sumBC = 0;
  private nHot = 0;
  private nCold = 0;
  private readonly v: SampleValues;

  constructor(alignS: number, v: SampleValues) {
    this.alignS = alignS;
    this.v = v;
  }

  /** Starts an alignment at tS (none when alignS is 0). */
  start(tS: number): void {
    this.active = this.alignS > 0;
    this.startS = tS;
    this.sumAH = 0;
    this.sumAC = 0;
    this.sumBH = 0;
    this.sumBC = 0;
    this.nHot = 0;
    this.nCold = 0;
  }

  /** Adds this sample's raw residuals; true when the alignment is complete (the means are set). */
  accumulate(): boolean {
    const v = this.v;
    const tS = v.tS;
    const aH = v.aHotK;
    const aC = v.aColdK;
    const bH = v.bHotK;
    const bC = v.bColdK;
    if (Number.isFinite(aH) && Number.isFinite(bH)) {
      this.sumAH += aH;
      this.sumBH += bH;
      this.nHot++;
    }
    if (Number.isFinite(aC) && Number.isFinite(bC)) {
      this.sumAC += aC;
      this.sumBC += bC;
      this.nCold++;
    }
    if (tS - this.startS < this.alignS) return false;
    this.aHotK = this.nHot > 0 ? this.sumAH / this.nHot : 0;
    this.aColdK = this.nCold > 0 ? this.sumAC / this.nCold : 0;
    this.bHotK = this.nHot > 0 ? this.sumBH / this.nHot : 0;
    this.bColdK = this.nCold > 0 ? this.sumBC / this.nCold : 0;
    this.active = false;
    return true;
  }
}
