/**
 * The loop model's prediction of a run's measurements: from the first observation of each segment
 * (its measured temperatures, corrected by the thermistor offsets, are the initial state) the
 * model is driven by the applied duties and the ambient of the data, and read where the data was
 * observed. Between two input changes the model is linear with constant inputs, so each step is
 * the exact zero-order-hold solution (zohDiscretization.ts): no integration error, and a smooth
 * function of the parameters for the finite-difference Jacobian of the fit.
 *
 * Offsets follow the telemetry converter's convention (telemetryConverter.ts): the offset is added
 * to a converted reading to give the true temperature, so the model predicts the reading as
 * `T_true - offset`.
 */
import { kgSToLpm } from "../../core/units.js";
import { createOperatingPoint, type LoopOperatingPoint, setOperatingPointFromDuties } from "../loopModel.js";
import type { LoopParams } from "../loopParams.js";
import { createZohMatrices, zohDiscretize } from "../zohDiscretization.js";
import type { CalibrationData } from "./calibrationData.js";

/** Thermistor offsets [K], added to a reading to give the true temperature. */
export interface SensorOffsetsK {
  readonly hot: number;
  readonly cold: number;
}

/** Predicted readings of a run, one entry per observation of the data. */
export interface PredictedReadings {
  readonly tHotC: Float64Array;
  readonly tColdC: Float64Array;
  readonly flowLpm: Float64Array;
}

export function createPredictedReadings(data: CalibrationData): PredictedReadings {
  const n = data.tS.length;
  return { tHotC: new Float64Array(n), tColdC: new Float64Array(n), flowLpm: new Float64Array(n) };
}

/** Simulates the loop model along a run; reusable for many parameter sets (allocates only once). */
export class LoopResponse {
  readonly data: CalibrationData;
  private readonly op: LoopOperatingPoint;
  private readonly zoh = createZohMatrices();
  // State, system matrix and inputs live in fields initialised as doubles (never undefined), so V8
  // keeps them unboxed and a step allocates nothing.
  private x = Number.NaN;
  private y = Number.NaN;
  private a11 = Number.NaN;
  private a12 = Number.NaN;
  private a21 = Number.NaN;
  private a22 = Number.NaN;
  private flow = Number.NaN;
  private tAmbC = Number.NaN;
  // Cache key of `zoh`: the step and the matrix it was computed for.
  private zohH = Number.NaN;
  private zohA11 = Number.NaN;
  private zohA12 = Number.NaN;
  private zohA21 = Number.NaN;
  private zohA22 = Number.NaN;

  constructor(data: CalibrationData, params: LoopParams) {
    this.data = data;
    this.op = createOperatingPoint(params);
  }

  /**
   * Writes the readings `params` and `offsets` predict for every observation into `out`. Each
   * segment starts from its first readings plus the offsets, plus `initialDeltasK[2 s]` (hot) and
   * `initialDeltasK[2 s + 1]` (cold) for segment s when given (the fit estimates them, so the
   * noise of one reading does not bias the whole segment). Allocates nothing.
   */
  predict(
    params: LoopParams,
    offsets: SensorOffsetsK,
    out: PredictedReadings,
    initialDeltasK?: Float64Array,
  ): void {
    const d = this.data;
    const n = d.tS.length;
    const nChanges = d.changeTS.length;
    this.zohH = Number.NaN;
    this.tAmbC = params.T_amb;
    let ic = 0;
    let t = Number.NaN;
    let segment = -1;
    for (let k = 0; k < n; k++) {
      const tk = d.tS[k] as number;
      if (d.segmentStart[k] === 1) {
        segment++;
        this.x = (d.tHotC[k] as number) + offsets.hot;
        this.y = (d.tColdC[k] as number) + offsets.cold;
        if (initialDeltasK !== undefined) {
          this.x += initialDeltasK[2 * segment] as number;
          this.y += initialDeltasK[2 * segment + 1] as number;
        }
        t = tk;
        while (ic + 1 < nChanges && (d.changeTS[ic + 1] as number) <= t) ic++;
        this.setDuties(params, ic);
      } else {
        while (ic + 1 < nChanges && (d.changeTS[ic + 1] as number) <= tk) {
          const tc = d.changeTS[ic + 1] as number;
          this.step(params, tc - t);
          t = tc;
          ic++;
          this.setDuties(params, ic);
        }
        this.step(params, tk - t);
        t = tk;
      }
      out.tHotC[k] = this.x - offsets.hot;
      out.tColdC[k] = this.y - offsets.cold;
      out.flowLpm[k] = this.flow;
      // The ambient measured here holds until the next observation.
      const amb = d.ambInputC[k] as number;
      this.tAmbC = Number.isFinite(amb) ? amb : params.T_amb;
    }
  }

  private setDuties(params: LoopParams, i: number): void {
    const d = this.data;
    const op = this.op;
    setOperatingPointFromDuties(
      params,
      d.pump[i] as number,
      d.heater[i] as number,
      d.fan[i] as number,
      this.tAmbC,
      op,
    );
    const g = op.mDotKgS * params.cp;
    this.a11 = -(g + params.UA_loss) / params.C_hot;
    this.a12 = g / params.C_hot;
    this.a21 = g / params.C_cold;
    this.a22 = -(g + op.uaWK + params.UA_loss) / params.C_cold;
    this.flow = kgSToLpm(op.mDotKgS);
  }

  private step(params: LoopParams, hS: number): void {
    if (!(hS > 0)) return;
    const z = this.zoh;
    if (
      hS !== this.zohH ||
      this.a11 !== this.zohA11 ||
      this.a12 !== this.zohA12 ||
      this.a21 !== this.zohA21 ||
      this.a22 !== this.zohA22
    ) {
      zohDiscretize(this.a11, this.a12, this.a21, this.a22, hS, z);
      this.zohH = hS;
      this.zohA11 = this.a11;
      this.zohA12 = this.a12;
      this.zohA21 = this.a21;
      this.zohA22 = this.a22;
    }
    const op = this.op;
    const loss = params.UA_loss * this.tAmbC;
    const b1 = (op.qInW + loss) / params.C_hot;
    const b2 = (op.uaWK * op.tSinkC + loss) / params.C_cold;
    const x = this.x;
    const y = this.y;
    this.x = (z[0] as number) * x + (z[1] as number) * y + (z[4] as number) * b1 + (z[5] as number) * b2;
    this.y = (z[2] as number) * x + (z[3] as number) * y + (z[6] as number) * b1 + (z[7] as number) * b2;
  }
}
