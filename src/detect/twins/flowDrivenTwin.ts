/**
 * The loop model (docs/design.md 2.2) driven by the *measured* flow: the second twin of the monitor,
 * which a real change of flow (a weak or failed pump) does not surprise and a flow-meter fault
 * does. The mass flow changes every sample (it is the meter's pulses over the last interval), so
 * instead of the twin's cached operating point (twin.ts, which recomputes its time constants on
 * every change) this integrates the right-hand side directly with the twin's scalar RK4
 * ({@link rk4AffineSteps}), with sub-steps no longer than `substepFraction` / |trace A|:
 * |trace A| = |λ1| + |λ2| bounds the fastest rate, so this is at least as fine as the twin's own
 * bound (a fraction of the fastest time constant). At 10 Hz on the default rig that is one step
 * per sample.
 *
 * O(1) per sample, no allocation.
 */
import type { LoopParams } from "../../model/loopParams.js";
import { AffineSystem2, DEFAULT_SUBSTEP_FRACTION, rk4AffineSteps } from "../../model/twin.js";

export class FlowDrivenTwin {
  readonly params: LoopParams;
  private hot = Number.NaN;
  private cold = Number.NaN;
  private qInW = 0;
  private uaWK = 0;
  private tSinkC: number;
  private tAmbC: number;
  /** The system of the last step (its state is read back after the step). */
  private readonly sys = new AffineSystem2();

  constructor(params: LoopParams) {
    this.params = params;
    this.tSinkC = params.T_sink;
    this.tAmbC = params.T_amb;
    this.hot = params.T_hot0;
    this.cold = params.T_cold0;
  }

  get tHotC(): number {
    return this.hot;
  }

  get tColdC(): number {
    return this.cold;
  }

  setState(tHotC: number, tColdC: number): void {
    this.hot = tHotC;
    this.cold = tColdC;
  }

  /** Heat input [W], radiator conductance [W/K] (after the fan law), sink and ambient [C]. */
  setInputs(qInW: number, uaWK: number, tSinkC: number, tAmbC: number): void {
    this.qInW = qInW;
    this.uaWK = uaWK;
    this.tSinkC = tSinkC;
    this.tAmbC = tAmbC;
  }

  /** Advances by `dtS` at mass flow `mDotKgS` (constant over the step); only a finite dtS > 0 moves. */
  step(dtS: number, mDotKgS: number): void {
    if (!(dtS > 0 && dtS < Number.POSITIVE_INFINITY)) return;
    const p = this.params;
    const g = mDotKgS * p.cp;
    const L = p.UA_loss;
    const s = this.sys;
    const a11 = -(g + L) / p.C_hot;
    const a22 = -(g + this.uaWK + L) / p.C_cold;
    s.a11 = a11;
    s.a12 = g / p.C_hot;
    s.a21 = g / p.C_cold;
    s.a22 = a22;
    s.b1 = (this.qInW + L * this.tAmbC) / p.C_hot;
    s.b2 = (this.uaWK * this.tSinkC + L * this.tAmbC) / p.C_cold;
    const trace = -(a11 + a22);
    const hMax = trace > 0 ? DEFAULT_SUBSTEP_FRACTION / trace : dtS;
    const n = dtS <= hMax ? 1 : Math.ceil(dtS / hMax);
    s.h = dtS / n;
    s.x = this.hot;
    s.y = this.cold;
    rk4AffineSteps(s, n);
    this.hot = s.x;
    this.cold = s.y;
  }
}
