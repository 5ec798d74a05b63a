import { kelvinPerCount, type ThermistorConfig } from "../../model/thermistor.js";
import type { SampleValues } from "./sampleValues.js";

/**
 * The noise of one converted reading: the thermistor noise and the ADC's quantisation, a count
 * being kelvinPerCount(T) wide (variance q²/12), which grows from 0.02 K at 25 C to 0.08 K at
 * 80 C on the default part. The whitening factor 1/(√2 σ) of a first difference is cached per
 * channel and recomputed when the temperature has moved by half a kelvin. The readings come from
 * the sample values and the factors stay in fields, so that no double is boxed to cross a call.
 */
export class ReadingNoise {
  hotWhiten = Number.NaN;
  coldWhiten = Number.NaN;
  private hotAtC = Number.NaN;
  private coldAtC = Number.NaN;
  private readonly noiseK: number;
  private readonly hot: ThermistorConfig;
  private readonly cold: ThermistorConfig;
  private readonly v: SampleValues;

  constructor(noiseK: number, hot: ThermistorConfig, cold: ThermistorConfig, v: SampleValues) {
    this.noiseK = noiseK;
    this.hot = hot;
    this.cold = cold;
    this.v = v;
  }

  /** Brings {@link hotWhiten} to this sample's T_hot reading (`v.hotC`). */
  updateHot(): void {
    const tempC = this.v.hotC;
    if (!(Math.abs(tempC - this.hotAtC) < 0.5)) {
      this.hotAtC = tempC;
      this.hotWhiten = this.factor(this.hot, tempC);
    }
  }

  /** Brings {@link coldWhiten} to this sample's T_cold reading (`v.coldC`). */
  updateCold(): void {
    const tempC = this.v.coldC;
    if (!(Math.abs(tempC - this.coldAtC) < 0.5)) {
      this.coldAtC = tempC;
      this.coldWhiten = this.factor(this.cold, tempC);
    }
  }

  private factor(cfg: ThermistorConfig, tempC: number): number {
    const q = Number.isFinite(tempC) ? kelvinPerCount(cfg, tempC) : 0;
    const v = this.noiseK * this.noiseK + (Number.isFinite(q) ? (q * q) / 12 : 0);
    return 1 / Math.sqrt(2 * v);
  }
}
