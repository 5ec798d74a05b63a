/**
 * Open-loop twin residuals (issue 5, section 1): the loop model (twin.ts) runs beside the rig,
 * driven by the operator's intended setpoints (docs/design.md 2.4: the injector's deliberate deviation
 * is withheld from the twin; where the device reports an override of its own (SAFE, interlock,
 * expired hold, reboot) the caller passes the applied duties instead), and by the measured
 * ambient where the rig has a probe. Residuals are measured minus predicted, for T_hot, T_cold,
 * T_hot - T_cold and the flow.
 *
 * Time is rig time, passed in: the twin is stepped by the time since the previous sample, so a
 * gap in the data is predicted through (the residuals after it compare with where the loop should
 * be by then, which is what reveals a fault that started during the gap). The twin starts from
 * the first measured temperatures (a rig is rarely at the parameters' initial state when a run
 * starts) unless told otherwise.
 *
 * The flow meter reports the pulse rate over a sliding window, so a step of the pump setpoint
 * reaches the measurement as a ramp over that window; the predicted flow passes a first-order lag
 * of half the window to match it (an approximation of the moving average with the same mean delay).
 *
 * One sample: one twin step (a few RK4 sub-steps at most) and a handful of flops; no allocation.
 * The residuals are written into {@link OpenLoopResidualGenerator.residuals} and returned.
 */
import { kgSToLpm } from "../../core/units.js";
import type { LoopParams } from "../../model/loopParams.js";
import { pumpMassFlowKgS } from "../../model/pumpCurve.js";
import { LoopTwin, type LoopTwinOptions } from "../../model/twin.js";
import { checkNonNegative, checkOneOf } from "../detectors/optionChecks.js";

export interface ResidualGeneratorOptions {
  /** Where the twin starts: the first measured temperatures, or `T_hot0`/`T_cold0`. @default "first_sample" */
  readonly initialState?: "first_sample" | "params";
  /** Sliding window of the host's flow estimate [s] (0: no lag on the predicted flow). @default 2 */
  readonly flowMeterWindowS?: number;
  /** Sub-stepping of the twin. */
  readonly twin?: LoopTwinOptions;
}

/** Residuals and predictions of one sample (overwritten in place). Residual = measured - predicted. */
export interface TwinResiduals {
  /** Rig time [s]. */
  tS: number;
  predTHotC: number;
  predTColdC: number;
  predFlowLpm: number;
  /** T_hot residual [K]; NaN when T_hot was not measured. */
  tHotK: number;
  /** T_cold residual [K]. */
  tColdK: number;
  /** (T_hot - T_cold) residual [K]. */
  deltaTK: number;
  /** Flow residual [L/min]. */
  flowLpm: number;
}

export function createTwinResiduals(): TwinResiduals {
  return {
    tS: Number.NaN,
    predTHotC: Number.NaN,
    predTColdC: Number.NaN,
    predFlowLpm: Number.NaN,
    tHotK: Number.NaN,
    tColdK: Number.NaN,
    deltaTK: Number.NaN,
    flowLpm: Number.NaN,
  };
}

export class OpenLoopResidualGenerator {
  readonly params: LoopParams;
  readonly twin: LoopTwin;
  readonly residuals: TwinResiduals = createTwinResiduals();
  private readonly initialState: "first_sample" | "params";
  private readonly flowLagS: number;
  private pump = 0;
  private heater = 0;
  private fan = 0;
  private tAmbC: number;
  private lastTS = Number.NaN;
  private flowTargetLpm = 0;
  private flowPredLpm = Number.NaN;

  constructor(params: LoopParams, options: ResidualGeneratorOptions = {}) {
    this.params = params;
    this.twin = new LoopTwin(params, options.twin);
    this.initialState = checkOneOf("residuals.initialState", options.initialState ?? "first_sample", [
      "first_sample",
      "params",
    ] as const);
    this.flowLagS = checkNonNegative("residuals.flowMeterWindowS", options.flowMeterWindowS ?? 2) / 2;
    this.tAmbC = params.T_amb;
    this.twin.setDuties(0, 0, 0, this.tAmbC);
  }

  /** The operator's intended duties (0-255) from now on. */
  setIntendedDuties(pumpDuty: number, heaterDuty: number, fanDuty: number): void {
    if (pumpDuty === this.pump && heaterDuty === this.heater && fanDuty === this.fan) return;
    this.pump = pumpDuty;
    this.heater = heaterDuty;
    this.fan = fanDuty;
    this.twin.setDuties(pumpDuty, heaterDuty, fanDuty, this.tAmbC);
    this.flowTargetLpm = kgSToLpm(pumpMassFlowKgS(this.params, pumpDuty));
  }

  /** The measured ambient [C] from now on; a non-finite value (no probe, open probe) is ignored. */
  setAmbientC(tAmbC: number): void {
    if (!Number.isFinite(tAmbC) || tAmbC === this.tAmbC) return;
    this.tAmbC = tAmbC;
    this.twin.setAmbientC(tAmbC);
  }

  /**
   * Steps the twin to rig time `tS` and computes the residuals of this sample's measurements
   * (NaN for a measurement that is missing). Returns {@link residuals}.
   */
  update(tS: number, tHotC: number, tColdC: number, flowLpm: number): TwinResiduals {
    const r = this.residuals;
    const twin = this.twin;
    if (Number.isNaN(this.lastTS)) {
      if (this.initialState === "first_sample" && Number.isFinite(tHotC) && Number.isFinite(tColdC))
        twin.setState(tHotC, tColdC, tS);
      else twin.setState(twin.tHotC, twin.tColdC, tS);
      this.flowPredLpm = this.flowTargetLpm;
      this.lastTS = tS;
    } else {
      // Rig time is monotonic (RigSample); a sample that is not later than the last one steps nothing.
      const dt = tS - this.lastTS;
      if (dt > 0) {
        twin.step(dt);
        this.flowPredLpm =
          this.flowLagS > 0
            ? this.flowPredLpm - Math.expm1(-dt / this.flowLagS) * (this.flowTargetLpm - this.flowPredLpm)
            : this.flowTargetLpm;
        this.lastTS = tS;
      }
    }
    r.tS = tS;
    r.predTHotC = twin.tHotC;
    r.predTColdC = twin.tColdC;
    r.predFlowLpm = this.flowPredLpm;
    r.tHotK = tHotC - r.predTHotC;
    r.tColdK = tColdC - r.predTColdC;
    r.deltaTK = r.tHotK - r.tColdK;
    r.flowLpm = flowLpm - r.predFlowLpm;
    return r;
  }

  /** Moves the twin's state onto the given temperatures (e.g. after an operator-confirmed restart). */
  resynchronise(tHotC: number, tColdC: number): void {
    this.twin.setState(tHotC, tColdC);
  }

  /** Forgets time and state; the next sample initialises the twin again. */
  reset(): void {
    this.lastTS = Number.NaN;
    this.twin.setState(this.params.T_hot0, this.params.T_cold0, 0);
    this.flowPredLpm = Number.NaN;
  }
}
