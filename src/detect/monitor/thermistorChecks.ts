import { classifyCounts } from "../../model/thermistor.js";
import { ChiSquareDetector } from "../detectors/chiSquare.js";
import type { ResidualDetector } from "../detectors/detector.js";
import { FlatlineDetector } from "../detectors/flatlineDetector.js";
import { ThresholdDetector } from "../detectors/thresholdDetector.js";
import type { SensorEvidence } from "../diagnosis/monitorDiagnosis.js";
import type { ResolvedMonitorDetectorOptions } from "./monitorConfig.js";
import type { SampleValues } from "./sampleValues.js";

/**
 * The checks of one thermistor that need no model: out of range (a NaN reading, 3 of the last 5
 * samples by default), frozen (flatlineDetector.ts), and the erratic test (a windowed chi-square
 * on whitened first differences of its residuals, fed by the monitor). With its residual-alone
 * detector they make the thermistor family's score, and they are what the diagnosis reads as
 * that sensor's evidence.
 */
export class ThermistorChecks {
  /** The erratic test (null when configured off). */
  readonly erratic: ChiSquareDetector | null;
  readonly flat: FlatlineDetector;
  readonly range: ThresholdDetector;
  /** What the last reading was, when it was not a temperature. */
  rangeClass: SensorEvidence["range"] = "ok";

  private readonly v: SampleValues;
  private readonly hot: boolean;

  /** The checks of the hot or the cold thermistor, reading its values from `v`. */
  constructor(d: ResolvedMonitorDetectorOptions, channel: "hot" | "cold", v: SampleValues) {
    this.v = v;
    this.hot = channel === "hot";
    this.erratic = d.erratic === false ? null : new ChiSquareDetector({ ...d.erratic, dimension: 1 });
    this.flat = new FlatlineDetector(d.flatlineS);
    this.range = new ThresholdDetector({ threshold: 0.5, k: d.outOfRangeK, n: d.outOfRangeN, side: "upper" });
  }

  /** One reading [C] (NaN: none) with its raw counts, at rig time tS. */
  update(): void {
    const v = this.v;
    const tS = v.tS;
    const tempC = this.hot ? v.hotC : v.coldC;
    const adcCounts = this.hot ? v.adcHot : v.adcCold;
    const has = Number.isFinite(tempC);
    this.rangeClass = has ? "ok" : rangeOf(adcCounts);
    // (A window of zeros fed another zero does not change: skipped.)
    if (!has || this.range.statistic > 0) this.range.update(has ? 0 : 1);
    this.flat.update(tS, tempC);
  }

  /**
   * The family's score into `out[i]`: the largest of its checks (out of range, frozen; once the
   * twins are ready, the residual-alone detector and the erratic test). Written to an array rather
   * than returned, so that no double is boxed per sample when the call is not inlined.
   */
  scoreInto(ready: boolean, alone: ResidualDetector, out: Float64Array, i: number): void {
    const range = this.range;
    let s = range.statistic === 0 ? 0 : range.score;
    const f = this.flat.score;
    if (f > s) s = f;
    if (ready) {
      const a = alone.score;
      if (a > s) s = a;
      const erratic = this.erratic;
      if (erratic !== null) {
        const e = erratic.score;
        if (e > s) s = e;
      }
    }
    out[i] = s;
  }

  /**
   * Fills this thermistor's evidence for the diagnosis: `whiten` is the erratic test's whitening
   * factor for the channel (readingNoise.ts), `residualAK`/`residualBK` the smoothed residuals
   * against each twin (the smaller one is reported).
   */
  fillEvidence(
    e: SensorEvidence,
    residualAK: number,
    residualBK: number,
    alone: ResidualDetector,
    whiten: number,
  ): void {
    const flat = this.flat;
    const erratic = this.erratic;
    e.frozenS = flat.statistic;
    e.frozenValueC = flat.value;
    e.flatlineS = flat.limitS;
    e.erraticScore = erratic?.score ?? 0;
    e.noiseK = erraticNoiseK(erratic, whiten);
    e.rangeScore = this.range.score;
    e.residualK =
      Math.abs(residualAK) <= Math.abs(residualBK) || Number.isNaN(residualBK) ? residualAK : residualBK;
    e.aloneScore = alone.score;
    e.range = this.rangeClass;
  }
}

/** What a NaN temperature means, from its raw counts (conventions: rail high open, rail low short). */
export function rangeOf(counts: number): SensorEvidence["range"] {
  if (!Number.isFinite(counts)) return "missing";
  const c = classifyCounts(counts);
  return c === "ok" ? "missing" : c;
}

/**
 * The reading's noise [K rms] the erratic test saw: its windowed chi-square of first differences,
 * un-whitened (`whiten` [1/K]) and divided by sqrt 2 (a difference of two readings carries twice
 * the variance); NaN before it has a sample or when it is off.
 */
export function erraticNoiseK(erratic: ChiSquareDetector | null, whiten: number): number {
  if (erratic === null || erratic.samples === 0) return Number.NaN;
  return (
    Math.sqrt(erratic.statistic / Math.min(erratic.samples, erratic.options.window)) / whiten / Math.SQRT2
  );
}
