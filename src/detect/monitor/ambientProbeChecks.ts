import { kelvinPerCount, type ThermistorConfig } from "../../model/thermistor.js";
import { ChiSquareDetector } from "../detectors/chiSquare.js";
import { FlatlineDetector } from "../detectors/flatlineDetector.js";
import { ThresholdDetector } from "../detectors/thresholdDetector.js";
import type { SensorEvidence } from "../diagnosis/monitorDiagnosis.js";
import type { ResolvedMonitorDetectorOptions } from "./monitorConfig.js";
import type { SampleValues } from "./sampleValues.js";
import { erraticNoiseK, rangeOf } from "./thermistorChecks.js";

/**
 * The ambient probe's own checks, the `t_amb` family of the monitor. The twins use the probe
 * (smoothed, ambientFilter.ts) for the loss to the room, which is a fraction of a watt per kelvin:
 * a wrong ambient moves them too little and too slowly to be seen in the loop's residuals, so the
 * probe is checked on its readings alone, with the same tests and limits as the loop thermistors
 * (thermistorChecks.ts):
 *
 * - out of range: a NaN reading whose raw counts are at a rail (open or short), `outOfRangeK` of
 *   the last `outOfRangeN` samples. A reading without counts (TLM's empty `adc_amb`, -1: a rig
 *   without the probe; a file without the column) is no data, not a fault;
 * - stuck: the reading unchanged for `flatlineS` (flatlineDetector.ts: a live probe read through
 *   the noisy divider changes by a count most samples);
 * - erratic: the windowed chi-square of the reading's first differences, whitened by the reading
 *   noise (√2 σ, σ² the sensor noise² plus the ADC's quantisation at that temperature). A room
 *   moves by far less than the noise between two samples, so the difference is the noise alone.
 *
 * O(1) per sample, no allocation.
 */
export class AmbientProbeChecks {
  /** The erratic test (null when configured off). */
  readonly erratic: ChiSquareDetector | null;
  readonly flat: FlatlineDetector;
  readonly range: ThresholdDetector;
  /** What the last reading was, when it was not a temperature. */
  rangeClass: SensorEvidence["range"] = "ok";
  private readonly noiseK: number;
  private readonly thermistor: ThermistorConfig;
  private lastC = Number.NaN;
  private whiten = Number.NaN;
  private whitenAtC = Number.NaN;
  private readonly v: SampleValues;

  /** The probe's checks, reading its values from `v` (sampleValues.ts). */
  constructor(
    d: ResolvedMonitorDetectorOptions,
    noiseK: number,
    thermistor: ThermistorConfig,
    v: SampleValues,
  ) {
    this.v = v;
    this.erratic = d.erratic === false ? null : new ChiSquareDetector({ ...d.erratic, dimension: 1 });
    this.flat = new FlatlineDetector(d.flatlineS);
    this.range = new ThresholdDetector({ threshold: 0.5, k: d.outOfRangeK, n: d.outOfRangeN, side: "upper" });
    this.noiseK = noiseK;
    this.thermistor = thermistor;
  }

  /** This sample's probe reading (`v.tAmbC`, NaN: none) with its raw counts (`v.adcAmb`). */
  update(): void {
    const v = this.v;
    const tempC = v.tAmbC;
    const adcCounts = v.adcAmb;
    const has = Number.isFinite(tempC);
    if (!has && !(adcCounts >= 0)) {
      this.restart();
      return;
    }
    this.rangeClass = has ? "ok" : rangeOf(adcCounts);
    if (!has || this.range.statistic > 0) this.range.update(has ? 0 : 1);
    this.flat.update(v.tS, tempC);
    const erratic = this.erratic;
    if (erratic !== null && has && Number.isFinite(this.lastC)) {
      this.updateWhiten(tempC);
      erratic.update((tempC - this.lastC) * this.whiten);
    }
    this.lastC = tempC;
  }

  /** After a gap: the stuck count and the first difference start again. */
  restart(): void {
    this.flat.restart();
    this.lastC = Number.NaN;
  }

  /**
   * The family's score into `out[i]`: the largest of its checks (written to an array, as the
   * thermistor checks do, so that no double is boxed per sample).
   */
  scoreInto(out: Float64Array, i: number): void {
    let s = this.range.statistic === 0 ? 0 : this.range.score;
    const f = this.flat.score;
    if (f > s) s = f;
    const erratic = this.erratic;
    if (erratic !== null && erratic.score > s) s = erratic.score;
    out[i] = s;
  }

  /** Fills the probe's evidence for the diagnosis (its residual and alone score do not apply: NaN, 0). */
  fillEvidence(e: SensorEvidence): void {
    const flat = this.flat;
    const erratic = this.erratic;
    e.range = this.rangeClass;
    e.rangeScore = this.range.score;
    e.frozenS = flat.statistic;
    e.frozenValueC = flat.value;
    e.flatlineS = flat.limitS;
    e.erraticScore = erratic?.score ?? 0;
    e.noiseK = erraticNoiseK(erratic, this.whiten);
    e.residualK = Number.NaN;
    e.aloneScore = 0;
  }

  /**
   * Keeps {@link whiten}, 1/(√2 σ) of a first difference, for `tempC`: recomputed when the reading
   * moved by half a kelvin. Written to the field rather than returned, so that no double is boxed
   * per sample when the call is not inlined.
   */
  private updateWhiten(tempC: number): void {
    if (!(Math.abs(tempC - this.whitenAtC) < 0.5)) {
      const q = kelvinPerCount(this.thermistor, tempC);
      const v = this.noiseK * this.noiseK + (Number.isFinite(q) ? (q * q) / 12 : 0);
      this.whiten = 1 / Math.sqrt(2 * v);
      this.whitenAtC = tempC;
    }
  }
}
