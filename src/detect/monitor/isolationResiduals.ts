import type { LoopParams } from "../../model/loopParams.js";
import type { DiagnosisSnapshot } from "../diagnosis/monitorDiagnosis.js";
import { cascade, smoothAt, sq } from "./residualArithmetic.js";
import type { SampleValues } from "./sampleValues.js";

/** Smoothing weight of the residuals the isolation reads (a ~5 s memory at 10 Hz). */
const ISOLATION_LAMBDA = 0.02;
/** Smoothing weight of the flow residual the isolation reads. */
const FLOW_ISOLATION_LAMBDA = 0.1;
/** Indices of the smoothed residuals. */
const A_HOT = 0;
const A_COLD = 1;
const B_HOT = 2;
const B_COLD = 3;
const FLOW = 4;

/**
 * What the diagnosis reads of both twins' residuals, kept apart from the detectors (which see
 * every sample raw): each residual smoothed (a ~5 s memory), and two cascaded first-order filters
 * per twin and thermistor from which the hot node's heat-input residual is formed. Also decides
 * when a twin that a flow fault left behind is re-seated on the other.
 */
export class IsolationResiduals {
  /** Smoothed residuals: [a T_hot, a T_cold, b T_hot, b T_cold] [K], flow [L/min] (NaN: none yet). */
  private readonly iso = new Float64Array(5).fill(Number.NaN);
  /** Cascaded filters: [aH1, aH2, aC1, aC2, bH1, bH2, bC1, bC2]. */
  private readonly heatFilt = new Float64Array(8).fill(Number.NaN);
  /** This sample's raw residuals, [a T_hot, a T_cold, b T_hot, b T_cold] [K]. */
  private readonly raw = new Float64Array(4);
  private heatAlpha = 0;
  private heatAlphaDtS = Number.NaN;
  private readonly heatFilterS: number;
  private readonly cHotJK: number;
  private readonly cpJKgK: number;
  private readonly uaLossWK: number;
  private readonly v: SampleValues;

  constructor(params: LoopParams, heatFilterS: number, v: SampleValues) {
    this.v = v;
    this.heatFilterS = heatFilterS;
    this.cHotJK = params.C_hot;
    this.cpJKgK = params.cp;
    this.uaLossWK = params.UA_loss;
  }

  get aHotK(): number {
    return this.iso[A_HOT] as number;
  }
  get aColdK(): number {
    return this.iso[A_COLD] as number;
  }
  get bHotK(): number {
    return this.iso[B_HOT] as number;
  }
  get bColdK(): number {
    return this.iso[B_COLD] as number;
  }
  get flowLpm(): number {
    return this.iso[FLOW] as number;
  }

  /** One live flow residual [L/min]. */
  smoothFlow(): void {
    smoothAt(this.iso, FLOW, this.v.resFlowLpm, FLOW_ISOLATION_LAMBDA);
  }

  /** One sample of both twins' raw temperature residuals [K], dtS after the last. */
  smoothTemperatures(): void {
    const v = this.v;
    const raw = this.raw;
    raw[A_HOT] = v.aHotK;
    raw[A_COLD] = v.aColdK;
    raw[B_HOT] = v.bHotK;
    raw[B_COLD] = v.bColdK;
    // In loops, so that each helper is inlined once (four call sites of each ran out of the
    // compiler's inlining budget, and a double passed to a call is boxed).
    const iso = this.iso;
    for (let i = A_HOT; i <= B_COLD; i++) smoothAt(iso, i, raw[i] as number, ISOLATION_LAMBDA);
    this.filterHeat();
  }

  /** Two cascaded first-order filters (time constant heatFilterS) of each twin's residuals. */
  private filterHeat(): void {
    const dt = this.v.dtS;
    if (!(dt > 0)) return;
    if (!(Math.abs(dt - this.heatAlphaDtS) <= 1e-9 * dt)) {
      this.heatAlpha = -Math.expm1(-dt / this.heatFilterS);
      this.heatAlphaDtS = dt;
    }
    const a = this.heatAlpha;
    const f = this.heatFilt;
    const raw = this.raw;
    for (let i = A_HOT; i <= B_COLD; i++) cascade(f, 2 * i, raw[i] as number, a);
  }

  /**
   * Writes the smoothed residuals and both twins' heat-input residuals into the diagnosis
   * snapshot; the flows [kg/s] are those each twin assumes (a: intended, b: measured).
   */
  fillSnapshot(s: DiagnosisSnapshot, intendedKgS: number, measuredKgS: number): void {
    s.aHotK = this.aHotK;
    s.aColdK = this.aColdK;
    s.aDeltaK = s.aHotK - s.aColdK;
    s.bHotK = this.bHotK;
    s.bColdK = this.bColdK;
    s.bDeltaK = s.bHotK - s.bColdK;
    s.aHeatW = this.heatResidualW(0, intendedKgS);
    s.bHeatW = this.heatResidualW(4, measuredKgS);
    s.flowResLpm = this.flowLpm;
  }

  /** The heat-input residual [W] of a twin from its filters at offset i (0: a, 4: b), flow in kg/s. */
  private heatResidualW(i: number, mDotKgS: number): number {
    const f = this.heatFilt;
    const h1 = f[i] as number;
    const h2 = f[i + 1] as number;
    const c2 = f[i + 3] as number;
    return (
      (this.cHotJK * (h1 - h2)) / this.heatFilterS + mDotKgS * this.cpJKgK * (h2 - c2) + this.uaLossWK * h2
    );
  }

  /** Forgets the temperature residuals (the twins were started or aligned again); keeps the flow's. */
  resetTemperatures(): void {
    this.iso.fill(Number.NaN, A_HOT, FLOW);
    this.heatFilt.fill(Number.NaN);
  }

  /**
   * Which twin, with the flow back to normal, a flow fault left behind and should be re-seated on
   * the other: "a" (after a pump fault) or "b" (after a meter fault) when the other fits within a
   * quarter of the band squared and it misses by more than the band; undefined otherwise.
   */
  twinToReseat(bandK: number): "a" | "b" | undefined {
    const iso = this.iso;
    const ea = sq(iso[A_HOT] as number) + sq(iso[A_COLD] as number);
    const eb = sq(iso[B_HOT] as number) + sq(iso[B_COLD] as number);
    if (!(Number.isFinite(ea) && Number.isFinite(eb))) return undefined;
    const bad = bandK * bandK;
    const good = (bandK * bandK) / 4;
    if (ea > bad && eb < good) return "a";
    if (eb > bad && ea < good) return "b";
    return undefined;
  }

  /** Twin (a) was re-seated on (b): its residuals are (b)'s from now on. */
  copyBOntoA(): void {
    this.iso.copyWithin(A_HOT, B_HOT, FLOW);
    this.heatFilt.copyWithin(0, 4, 8);
  }

  /** Twin (b) was re-seated on (a). */
  copyAOntoB(): void {
    this.iso.copyWithin(B_HOT, A_HOT, B_HOT);
    this.heatFilt.copyWithin(4, 0, 4);
  }
}
