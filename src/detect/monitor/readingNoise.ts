import { kelvinPerCount, type ThermistorConfig } from "../../model/thermistor.js";

/**
 * The noise of one converted reading: the thermistor noise and the ADC's quantisation, a count
 * being kelvinPerCount(T) wide (variance q²/12), which grows from 0.02 K at 25 C to 0.08 K at
 * 80 C on the default part. The whitening factor 1/(√2 σ) of a first difference is cached per
 * channel and recomputed when the temperature has moved by half a kelvin.
 */
export class ReadingNoise {
  hotWhiten = Number.NaN;
  coldWhiten = Number.NaN;
  private hotAtC = Number.NaN;
  private coldAtC = Number.NaN;
  private readonly noiseK: number;
  private readonly hot: ThermistorConfig;
  private readonly cold: ThermistorConfig;

  constructor(noiseK: number, hot: ThermistorConfig, cold: ThermistorConfig) {
    this.noiseK = noiseK;
    this.hot = hot;
    this.cold = cold;
  }

  whitenHot(tempC: number): number {
    if (!(Math.abs(tempC - this.hotAtC) < 0.5)) {
      this.hotAtC = tempC;
      this.hotWhiten = this.factor(this.hot, tempC);
    }
    return this.hotWhiten;
  }

  whitenCold(tempC: number): number {
    if (!(Math.abs(tempC - this.coldAtC) < 0.5)) {
      this.coldAtC = tempC;
      this.coldWhiten = this.factor(this.cold, tempC);
    }
    return this.coldWhiten;
  }

  private factor(cfg: ThermistorConfig, tempC: number): number {
    const q = Number.isFinite(tempC) ? kelvinPerCount(cfg, tempC) : 0;
    const v = this.noiseK * this.noiseK + (Number.isFinite(q) ? (q * q) / 12 : 0);
    return 1 / Math.sqrt(2 * v);
  }
}
