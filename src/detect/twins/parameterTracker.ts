/**
 * Online tracking of the loop's slow parameters (issue 5, section 1): an augmented-state extended
 * Kalman filter (Simon, Optimal State Estimation, 2006, section 13.2 "parameter estimation")
 * whose state is the two node temperatures and three ratios to their nominal values:
 *
 *   x = [T_hot, T_cold, θ_UA, θ_pump, θ_heater]
 *   UA = θ_UA · UA(fan duty),  m_dot = θ_pump · m_dot(pump duty),  Q_in = θ_heater · Q(heater duty)
 *
 * with the loop model's dynamics (docs/design.md 2.2) at the intended duties, the ratios as random
 * walks (so a slow drift such as fouling is followed, and shows with its uncertainty), and three
 * measurements: both thermistors and the flow meter (flow = θ_pump · m_dot(pump duty)). At a
 * steady state the three ratios are identifiable: the flow gives θ_pump, T_hot - T_cold =
 * Q_in/(m_dot cp) then gives θ_heater, and T_cold - T_sink = Q_in/UA gives θ_UA, so fouling
 * (θ_UA down) and heater over-power (θ_heater up) are told apart, which residual signs alone
 * cannot do well when T_hot - T_cold is small.
 *
 * It runs on block means of `blockS` seconds (the parameters move on minutes; this also lowers the
 * measurement noise, and the cost to one 5x5 predict-and-update per block instead of per sample). Prediction is exact for the temperatures at the current ratios (model/zohDiscretization.ts)
 * and first-order in the ratios: ∂x⁺/∂θ ≈ Ψ ∂f/∂θ. Measurements are processed one at a time
 * (their noises are independent), with the measurement noise of a block mean σ²/n plus a floor
 * for quantisation and model error.
 *
 * Observability is honest: with the heater off θ_heater is not observable (its variance grows),
 * with the pump off θ_pump is not, and at T_cold = T_sink θ_UA is not; the standard deviations
 * say so. A sensor fault makes the ratios wander (that is what they are for: the fault isolation
 * reads them together with the residual signs). Ratios are kept >= 0.
 *
 * Time is rig time, passed in; a gap longer than `maxGapS` re-initialises the temperatures on the
 * next block (the ratios and their covariance are kept, widened by the gap's random walk).
 * O(1) per sample, no allocation.
 */
import { kgSToLpm } from "../../core/units.js";
import { heaterPowerW, radiatorUaWK } from "../../model/actuators.js";
import type { LoopParams } from "../../model/loopParams.js";
import { pumpMassFlowKgS } from "../../model/pumpCurve.js";
import { DEFAULT_SENSOR_NOISE_K_RMS } from "../../model/thermistorSensor.js";
import { zohDiscretize } from "../../model/zohDiscretization.js";
import { checkFinite, checkNonNegative, checkPositive } from "../detectors/optionChecks.js";
import type { ParameterRatio } from "../diagnosis/isolation.js";

export interface ParameterTrackerOptions {
  /** Averaging block [s]. @default 2 */
  readonly blockS?: number;
  /** Thermistor noise of one reading [K rms]. @default DEFAULT_SENSOR_NOISE_K_RMS (0.05) */
  readonly sensorNoiseK?: number;
  /** Noise of one flow reading [L/min rms]. @default 0.1 */
  readonly flowNoiseLpm?: number;
  /** Floor on a temperature block mean's noise (quantisation, model error) [K]. @default 0.02 */
  readonly temperatureFloorK?: number;
  /** Floor on a flow block mean's noise [L/min]. @default 0.05 */
  readonly flowFloorLpm?: number;
  /** Process noise density on each node temperature [K²/s]. @default 1e-4 */
  readonly processNoiseK2PerS?: number;
  /** Random-walk rate of θ_UA [1/sqrt(s)]. @default 2e-3 */
  readonly uaDriftPerSqrtS?: number;
  /** Random-walk rate of θ_pump [1/sqrt(s)]. @default 1e-2 */
  readonly pumpDriftPerSqrtS?: number;
  /** Random-walk rate of θ_heater [1/sqrt(s)]. @default 2e-3 */
  readonly heaterDriftPerSqrtS?: number;
  /** Initial standard deviation of each ratio (how far the nominal parameters may be off). @default 0.05 */
  readonly initialRatioStd?: number;
  /** A gap longer than this [s] re-initialises the temperatures. @default 5 */
  readonly maxGapS?: number;
}

export interface ResolvedParameterTrackerOptions {
  readonly blockS: number;
  readonly sensorNoiseK: number;
  readonly flowNoiseLpm: number;
  readonly temperatureFloorK: number;
  readonly flowFloorLpm: number;
  readonly processNoiseK2PerS: number;
  readonly uaDriftPerSqrtS: number;
  readonly pumpDriftPerSqrtS: number;
  readonly heaterDriftPerSqrtS: number;
  readonly initialRatioStd: number;
  readonly maxGapS: number;
}

/** Applies defaults and validates; errors name the option (`tracker.blockS`) and the value. */
export function resolveParameterTrackerOptions(
  options: ParameterTrackerOptions = {},
): ResolvedParameterTrackerOptions {
  return {
    blockS: checkPositive("tracker.blockS", options.blockS ?? 2),
    sensorNoiseK: checkPositive("tracker.sensorNoiseK", options.sensorNoiseK ?? DEFAULT_SENSOR_NOISE_K_RMS),
    flowNoiseLpm: checkPositive("tracker.flowNoiseLpm", options.flowNoiseLpm ?? 0.1),
    temperatureFloorK: checkNonNegative("tracker.temperatureFloorK", options.temperatureFloorK ?? 0.02),
    flowFloorLpm: checkNonNegative("tracker.flowFloorLpm", options.flowFloorLpm ?? 0.05),
    processNoiseK2PerS: checkPositive("tracker.processNoiseK2PerS", options.processNoiseK2PerS ?? 1e-4),
    uaDriftPerSqrtS: checkNonNegative("tracker.uaDriftPerSqrtS", options.uaDriftPerSqrtS ?? 2e-3),
    pumpDriftPerSqrtS: checkNonNegative("tracker.pumpDriftPerSqrtS", options.pumpDriftPerSqrtS ?? 1e-2),
    heaterDriftPerSqrtS: checkNonNegative("tracker.heaterDriftPerSqrtS", options.heaterDriftPerSqrtS ?? 2e-3),
    initialRatioStd: checkPositive("tracker.initialRatioStd", options.initialRatioStd ?? 0.05),
    maxGapS: checkPositive("tracker.maxGapS", options.maxGapS ?? 5),
  };
}

const N = 5;
const TH = 0;
const TC = 1;
const UA = 2;
const PUMP = 3;
const HEATER = 4;

/** A sample as {@link ParameterTracker.updateFrom} reads it: rig time [s], temperatures [C], flow [L/min] (NaN: missing). */
export interface TrackerSample {
  readonly tS: number;
  readonly tHotC: number;
  readonly tColdC: number;
  readonly flowLpm: number;
}

export class ParameterTracker {
  readonly params: LoopParams;
  readonly options: ResolvedParameterTrackerOptions;
  private readonly x = new Float64Array(N);
  private readonly p = new Float64Array(N * N);
  private readonly f = new Float64Array(N * N);
  private readonly tmp = new Float64Array(N * N);
  private readonly ph = new Float64Array(N);
  private readonly disc = new Float64Array(8);
  // Nominal operating point of the intended duties.
  private g0 = 0;
  private ua0 = 0;
  private q0 = 0;
  private m0 = 0;
  private tAmbC: number;
  // Block accumulation.
  private blockStartS = Number.NaN;
  private sumT = 0;
  private sumHot = 0;
  private nHot = 0;
  private sumCold = 0;
  private nCold = 0;
  private sumFlow = 0;
  private nFlow = 0;
  private nAll = 0;
  private lastSampleS = Number.NaN;
  private lastBlockT = Number.NaN;
  private initialized = false;
  private blocks_ = 0;
  /** {@link update}'s arguments, for {@link updateFrom}. */
  private readonly input = { tS: Number.NaN, tHotC: Number.NaN, tColdC: Number.NaN, flowLpm: Number.NaN };

  constructor(params: LoopParams, options: ParameterTrackerOptions = {}) {
    this.params = params;
    this.options = resolveParameterTrackerOptions(options);
    this.tAmbC = params.T_amb;
    this.resetRatios();
  }

  /** The operator's intended duties (0-255) from now on. */
  setIntendedDuties(pumpDuty: number, heaterDuty: number, fanDuty: number): void {
    const p = this.params;
    this.m0 = pumpMassFlowKgS(p, pumpDuty);
    this.g0 = this.m0 * p.cp;
    this.ua0 = radiatorUaWK(p, fanDuty);
    this.q0 = heaterPowerW(p, heaterDuty);
  }

  /** The measured ambient [C]; non-finite values are ignored. */
  setAmbientC(tAmbC: number): void {
    if (Number.isFinite(tAmbC)) this.tAmbC = tAmbC;
  }

  /**
   * Feeds one sample (rig time [s], temperatures [C], flow [L/min]; NaN for a missing reading).
   * Returns true when a block closed and the estimates were updated.
   */
  update(tS: number, tHotC: number, tColdC: number, flowLpm: number): boolean {
    const input = this.input;
    input.tS = tS;
    input.tHotC = tHotC;
    input.tColdC = tColdC;
    input.flowLpm = flowLpm;
    return this.updateFrom(input);
  }

  /**
   * {@link update} on a sample's fields, read in place (the monitor's per-sample path: doubles
   * passed to a call the optimising compiler does not inline are boxed, one allocation each).
   */
  updateFrom(sample: TrackerSample): boolean {
    const tS = sample.tS;
    const tHotC = sample.tHotC;
    const tColdC = sample.tColdC;
    const flowLpm = sample.flowLpm;
    checkFinite("tS", tS);
    const o = this.options;
    if (Number.isFinite(this.lastSampleS) && tS - this.lastSampleS > o.maxGapS) {
      this.clearBlock();
      this.initialized = false;
    }
    this.lastSampleS = tS;
    if (Number.isNaN(this.blockStartS)) this.blockStartS = tS;
    this.sumT += tS;
    this.nAll++;
    if (Number.isFinite(tHotC)) {
      this.sumHot += tHotC;
      this.nHot++;
    }
    if (Number.isFinite(tColdC)) {
      this.sumCold += tColdC;
      this.nCold++;
    }
    if (Number.isFinite(flowLpm)) {
      this.sumFlow += flowLpm;
      this.nFlow++;
    }
    if (tS - this.blockStartS < o.blockS) return false;
    const t = this.sumT / this.nAll;
    const hot = this.nHot > 0 ? this.sumHot / this.nHot : Number.NaN;
    const cold = this.nCold > 0 ? this.sumCold / this.nCold : Number.NaN;
    const flow = this.nFlow > 0 ? this.sumFlow / this.nFlow : Number.NaN;
    const nHot = this.nHot;
    const nCold = this.nCold;
    const nFlow = this.nFlow;
    this.clearBlock();
    return this.block(t, hot, nHot, cold, nCold, flow, nFlow);
  }

  private clearBlock(): void {
    this.blockStartS = Number.NaN;
    this.sumT = 0;
    this.nAll = 0;
    this.sumHot = 0;
    this.nHot = 0;
    this.sumCold = 0;
    this.nCold = 0;
    this.sumFlow = 0;
    this.nFlow = 0;
  }

  private block(
    t: number,
    hot: number,
    nHot: number,
    cold: number,
    nCold: number,
    flow: number,
    nFlow: number,
  ): boolean {
    const o = this.options;
    const x = this.x;
    const p = this.p;
    if (!this.initialized) {
      if (!(Number.isFinite(hot) && Number.isFinite(cold))) return false;
      if (Number.isFinite(this.lastBlockT)) this.diffuseRatios(t - this.lastBlockT);
      x[TH] = hot;
      x[TC] = cold;
      const r = o.sensorNoiseK * o.sensorNoiseK;
      for (let i = 0; i < 2; i++) for (let j = 0; j < N; j++) p[i * N + j] = p[j * N + i] = 0;
      p[TH * N + TH] = r;
      p[TC * N + TC] = r;
      this.initialized = true;
      this.lastBlockT = t;
      this.blocks_++;
      return true;
    }
    const dt = t - this.lastBlockT;
    if (dt > 0) this.predict(dt);
    this.lastBlockT = t;
    const s2 = o.sensorNoiseK * o.sensorNoiseK;
    const fl2 = o.temperatureFloorK * o.temperatureFloorK;
    if (Number.isFinite(hot)) this.correctDirect(TH, hot, s2 / nHot + fl2);
    if (Number.isFinite(cold)) this.correctDirect(TC, cold, s2 / nCold + fl2);
    if (Number.isFinite(flow) && this.m0 > 0) {
      const perRatio = kgSToLpm(this.m0);
      const r = (o.flowNoiseLpm * o.flowNoiseLpm) / nFlow + o.flowFloorLpm * o.flowFloorLpm;
      this.correctScaled(PUMP, perRatio, flow, r);
    }
    if (x[UA]! < 0) x[UA] = 0;
    if (x[PUMP]! < 0) x[PUMP] = 0;
    if (x[HEATER]! < 0) x[HEATER] = 0;
    this.blocks_++;
    return true;
  }

  /** Widens the ratios' variances by their random walk over `dt` (a gap). */
  private diffuseRatios(dt: number): void {
    if (!(dt > 0)) return;
    const o = this.options;
    const p = this.p;
    p[UA * N + UA] = (p[UA * N + UA] as number) + o.uaDriftPerSqrtS ** 2 * dt;
    p[PUMP * N + PUMP] = (p[PUMP * N + PUMP] as number) + o.pumpDriftPerSqrtS ** 2 * dt;
    p[HEATER * N + HEATER] = (p[HEATER * N + HEATER] as number) + o.heaterDriftPerSqrtS ** 2 * dt;
  }

  private predict(dt: number): void {
    const prm = this.params;
    const o = this.options;
    const x = this.x;
    const th = x[TH] as number;
    const tc = x[TC] as number;
    const thU = x[UA] as number;
    const thP = x[PUMP] as number;
    const thQ = x[HEATER] as number;
    const g = thP * this.g0;
    const ua = thU * this.ua0;
    const L = prm.UA_loss;
    const ch = prm.C_hot;
    const cc = prm.C_cold;
    const tSink = prm.T_sink;
    const a11 = -(g + L) / ch;
    const a12 = g / ch;
    const a21 = g / cc;
    const a22 = -(g + ua + L) / cc;
    const b1 = (thQ * this.q0 + L * this.tAmbC) / ch;
    const b2 = (ua * tSink + L * this.tAmbC) / cc;
    const d = zohDiscretize(a11, a12, a21, a22, dt, this.disc);
    const f11 = d[0] as number;
    const f12 = d[1] as number;
    const f21 = d[2] as number;
    const f22 = d[3] as number;
    const s11 = d[4] as number;
    const s12 = d[5] as number;
    const s21 = d[6] as number;
    const s22 = d[7] as number;
    x[TH] = f11 * th + f12 * tc + s11 * b1 + s12 * b2;
    x[TC] = f21 * th + f22 * tc + s21 * b1 + s22 * b2;
    // ∂f/∂θ at the prior state (columns UA, PUMP, HEATER).
    const dUa1 = 0;
    const dUa2 = (-this.ua0 * (tc - tSink)) / cc;
    const dP1 = (-this.g0 * (th - tc)) / ch;
    const dP2 = (this.g0 * (th - tc)) / cc;
    const dQ1 = this.q0 / ch;
    const dQ2 = 0;
    // F = [[Φ, Ψ B], [0, I]]
    const F = this.f;
    F.fill(0);
    F[TH * N + TH] = f11;
    F[TH * N + TC] = f12;
    F[TC * N + TH] = f21;
    F[TC * N + TC] = f22;
    F[TH * N + UA] = s11 * dUa1 + s12 * dUa2;
    F[TC * N + UA] = s21 * dUa1 + s22 * dUa2;
    F[TH * N + PUMP] = s11 * dP1 + s12 * dP2;
    F[TC * N + PUMP] = s21 * dP1 + s22 * dP2;
    F[TH * N + HEATER] = s11 * dQ1 + s12 * dQ2;
    F[TC * N + HEATER] = s21 * dQ1 + s22 * dQ2;
    F[UA * N + UA] = 1;
    F[PUMP * N + PUMP] = 1;
    F[HEATER * N + HEATER] = 1;
    // P = F P Fᵀ + Q
    const P = this.p;
    const T = this.tmp;
    for (let i = 0; i < N; i++)
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < N; k++) s += (F[i * N + k] as number) * (P[k * N + j] as number);
        T[i * N + j] = s;
      }
    for (let i = 0; i < N; i++)
      for (let j = i; j < N; j++) {
        let s = 0;
        for (let k = 0; k < N; k++) s += (T[i * N + k] as number) * (F[j * N + k] as number);
        P[i * N + j] = s;
        P[j * N + i] = s;
      }
    const q = o.processNoiseK2PerS * dt;
    P[TH * N + TH] = (P[TH * N + TH] as number) + q;
    P[TC * N + TC] = (P[TC * N + TC] as number) + q;
    this.diffuseRatios(dt);
  }

  /** Scalar update with measurement z = x[i] + noise (variance r). */
  private correctDirect(i: number, z: number, r: number): void {
    this.correctScaled(i, 1, z, r);
  }

  /** Scalar update with measurement z = c · x[i] + noise (variance r). */
  private correctScaled(i: number, c: number, z: number, r: number): void {
    const P = this.p;
    const x = this.x;
    const ph = this.ph;
    for (let k = 0; k < N; k++) ph[k] = c * (P[k * N + i] as number);
    const s = c * (ph[i] as number) + r;
    const nu = z - c * (x[i] as number);
    for (let k = 0; k < N; k++) x[k] = (x[k] as number) + ((ph[k] as number) / s) * nu;
    for (let a = 0; a < N; a++)
      for (let b = a; b < N; b++) {
        const v = (P[a * N + b] as number) - ((ph[a] as number) * (ph[b] as number)) / s;
        P[a * N + b] = v;
        P[b * N + a] = v;
      }
  }

  private resetRatios(): void {
    const x = this.x;
    const p = this.p;
    p.fill(0);
    x[UA] = 1;
    x[PUMP] = 1;
    x[HEATER] = 1;
    const v = this.options.initialRatioStd ** 2;
    p[UA * N + UA] = v;
    p[PUMP * N + PUMP] = v;
    p[HEATER * N + HEATER] = v;
  }

  private std(i: number): number {
    return Math.sqrt(Math.max(0, this.p[i * N + i] as number));
  }

  /** Estimated UA / nominal UA at the fan duty. */
  get uaRatio(): number {
    return this.x[UA] as number;
  }

  get uaRatioStd(): number {
    return this.std(UA);
  }

  /** Estimated flow / flow of the pump curve at the intended duty. */
  get pumpRatio(): number {
    return this.x[PUMP] as number;
  }

  get pumpRatioStd(): number {
    return this.std(PUMP);
  }

  /** Estimated heat input / heater law at the intended duty. */
  get heaterRatio(): number {
    return this.x[HEATER] as number;
  }

  get heaterRatioStd(): number {
    return this.std(HEATER);
  }

  /** Estimated radiator UA [W/K] at the current fan duty. */
  get uaWK(): number {
    return (this.x[UA] as number) * this.ua0;
  }

  /** Filtered temperatures [C] (block level). */
  get tHotC(): number {
    return this.initialized ? (this.x[TH] as number) : Number.NaN;
  }

  get tColdC(): number {
    return this.initialized ? (this.x[TC] as number) : Number.NaN;
  }

  /** Blocks processed. */
  get blocks(): number {
    return this.blocks_;
  }

  /** θ_UA with its standard deviation, for fault isolation (allocates; call per alarm, not per sample). */
  uaParameter(): ParameterRatio {
    return { ratio: this.uaRatio, std: this.uaRatioStd };
  }

  /** θ_pump with its standard deviation. */
  pumpParameter(): ParameterRatio {
    return { ratio: this.pumpRatio, std: this.pumpRatioStd };
  }

  /** θ_heater with its standard deviation. */
  heaterParameter(): ParameterRatio {
    return { ratio: this.heaterRatio, std: this.heaterRatioStd };
  }

  /** Back to the nominal parameters with their initial uncertainty; forgets time. */
  reset(): void {
    this.clearBlock();
    this.initialized = false;
    this.lastSampleS = Number.NaN;
    this.lastBlockT = Number.NaN;
    this.blocks_ = 0;
    this.resetRatios();
  }
}
