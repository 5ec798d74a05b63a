import type { SampleValues } from "./sampleValues.js";

/** Ambient smoothing time constant [s]. */
const AMBIENT_TAU_S = 30;
/** The change of the smoothed ambient [K] that is passed on to the models. */
const AMBIENT_STEP_K = 0.05;

/**
 * The ambient temperature the twins use, from the rig's ambient probe: smoothed over 30 s and
 * passed on only in steps of 0.05 K, so that the probe's noise does not move the models at
 * every sample.
 */
export class AmbientFilter {
  /** The ambient the models use [C]. */
  valueC: number;
  private smoothC = Number.NaN;
  private alpha = 0;
  private alphaDtS = Number.NaN;
  private readonly v: SampleValues;

  constructor(initialC: number, v: SampleValues) {
    this.valueC = initialC;
    this.v = v;
  }

  /** This sample's probe reading; true when {@link valueC} changed. */
  update(): boolean {
    const dtS = this.v.dtS;
    const tAmbC = this.v.tAmbC;
    if (!Number.isFinite(tAmbC)) return false;
    if (Number.isNaN(this.smoothC) || !(dtS > 0)) this.smoothC = tAmbC;
    else {
      // Sample spacing jitters in its last bits: reuse the weight within 1e-9.
      if (!(Math.abs(dtS - this.alphaDtS) <= 1e-9 * dtS)) {
        this.alpha = -Math.expm1(-dtS / AMBIENT_TAU_S);
        this.alphaDtS = dtS;
      }
      this.smoothC += this.alpha * (tAmbC - this.smoothC);
    }
    if (Math.abs(this.smoothC - this.valueC) < AMBIENT_STEP_K) return false;
    this.valueC = this.smoothC;
    return true;
  }
}
