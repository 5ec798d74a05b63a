/**
 * Loop performance, online: heat delivered to the fluid and rejected, radiator effectiveness,
 * thermal resistance to the sink, a data-driven radiator UA, the loop's time constant, a
 * stability classification, and the twin's fit. Inputs are plain numbers per sample (the model
 * is not needed); outputs are getters, plus `snapshot()` for the dashboard and reports.
 *
 * Definitions (node names and equations as in the loop model, docs/design.md 2.2; T_hot is the heater
 * outlet = radiator inlet, T_cold the radiator outlet = heater inlet):
 *
 * - heat carried by the fluid from heater to radiator: Q_f = m_dot cp (T_hot - T_cold) [W];
 * - heat delivered to the fluid by the heater: Q_in = Q_f + C_hot dT_hot/dt (hot-node balance;
 *   with `cHotJK` 0 the storage term is omitted and Q_in = Q_f, right at steady state only);
 * - heat rejected by the radiator: Q_rej = Q_f - C_cold dT_cold/dt (cold-node balance, losses
 *   included; `cColdJK` 0 omits the storage term);
 * - radiator effectiveness ε = q / q_max with q_max = C_min (T_hot,in - T_sink,in) (Incropera,
 *   DeWitt, Bergman & Lavine, Fundamentals of Heat and Mass Transfer, 6th ed., section 11.4).
 *   The sink is taken as isothermal (C_r = 0), so C_min = m_dot cp and
 *   ε = (T_hot - T_cold) / (T_hot - T_sink). For the loop model's well-mixed radiator node the
 *   steady state gives ε = UA / (UA + m_dot cp) = NTU / (1 + NTU); a real cross-flow radiator
 *   with C_r = 0 would reach 1 - exp(-NTU) (ibid., eq. 11.35a);
 * - thermal resistance to the sink R = (T_mean - T_sink) / Q_rej [K/W], T_mean = (T_hot + T_cold)/2;
 *   at the model's steady state R = 1/UA + 1/(2 m_dot cp);
 * - radiator UA from data: Q_rej / (T_cold - T_sink) [W/K] (the model's radiator law solved for
 *   UA, so fouling shows as this number falling, independent of the intended heater power);
 * - loop time constant: from T_cold's step responses (timeConstantEstimator.ts);
 * - stability: of T_hot and T_cold (stabilityClassifier.ts); the loop's class is the worse of
 *   the two (oscillating > drifting > settling > steady > unknown);
 * - twin fit: RMS and mean of each residual over the last `fitWindowSamples` samples.
 *
 * Noise: Q_f, the temperatures and the sink are smoothed by two cascaded first-order filters of
 * time constant `smoothingS` (irregular sampling handled: α = 1 - exp(-Δt/τ)). The storage terms
 * use the derivative of the twice-filtered temperature, which for cascaded first-order filters is
 * exactly (s1 - s2)/τ, so every term of Q_in and Q_rej passes the same filter and the balance
 * holds on the filtered signals. The heat figures lag the raw data by about 2 smoothingS.
 *
 * O(1) per sample (amortised, see the stability classifier), no allocation per sample. A gap
 * longer than `maxGapS` restarts the filters.
 */
import { checkFinite, checkInteger, checkNonNegative, checkPositive } from "../detectors/optionChecks.js";
import { RollingRms } from "./rollingRms.js";
import {
  type StabilityClass,
  StabilityClassifier,
  type StabilityFigures,
  type StabilityOptions,
} from "./stabilityClassifier.js";
import { TimeConstantEstimator, type TimeConstantOptions } from "./timeConstantEstimator.js";

export interface LoopPerformanceOptions {
  /** Specific heat of the coolant [J/(kg K)]. @default 4186 (water) */
  readonly cpJKgK?: number;
  /** Time constant of each of the two smoothing filters [s]. @default 10 */
  readonly smoothingS?: number;
  /** Heat capacity of the hot node [J/K] for the storage term; 0 omits it. @default 0 */
  readonly cHotJK?: number;
  /** Heat capacity of the cold node [J/K] for the storage term; 0 omits it. @default 0 */
  readonly cColdJK?: number;
  /** Residual channels' names, in the order `update` receives them. @default ["t_hot", "t_cold", "flow"] */
  readonly residualNames?: readonly string[];
  /** Window of the twin's fit, in samples. @default 600 (60 s at 10 Hz) */
  readonly fitWindowSamples?: number;
  /** A gap longer than this [s] restarts the filters. @default 5 */
  readonly maxGapS?: number;
  readonly stability?: StabilityOptions;
  readonly timeConstant?: TimeConstantOptions;
}

export interface ResolvedLoopPerformanceOptions {
  readonly cpJKgK: number;
  readonly smoothingS: number;
  readonly cHotJK: number;
  readonly cColdJK: number;
  readonly residualNames: readonly string[];
  readonly fitWindowSamples: number;
  readonly maxGapS: number;
}

/** Applies defaults and validates; errors name the option (`performance.smoothingS`) and the value. */
export function resolveLoopPerformanceOptions(
  options: LoopPerformanceOptions = {},
): ResolvedLoopPerformanceOptions {
  const residualNames = options.residualNames ?? ["t_hot", "t_cold", "flow"];
  checkInteger("performance.residualNames.length", residualNames.length, 1, 64);
  return {
    cpJKgK: checkPositive("performance.cpJKgK", options.cpJKgK ?? 4186),
    smoothingS: checkPositive("performance.smoothingS", options.smoothingS ?? 10),
    cHotJK: checkNonNegative("performance.cHotJK", options.cHotJK ?? 0),
    cColdJK: checkNonNegative("performance.cColdJK", options.cColdJK ?? 0),
    residualNames: [...residualNames],
    fitWindowSamples: checkInteger(
      "performance.fitWindowSamples",
      options.fitWindowSamples ?? 600,
      1,
      1 << 20,
    ),
    maxGapS: checkPositive("performance.maxGapS", options.maxGapS ?? 5),
  };
}

/** Everything at one moment, as plain data (allocated by `snapshot`). */
export interface LoopPerformanceSnapshot {
  readonly tS: number;
  readonly heatTransportW: number;
  readonly heatToFluidW: number;
  readonly heatRejectedW: number;
  readonly energyToFluidJ: number;
  readonly energyRejectedJ: number;
  readonly effectiveness: number;
  readonly thermalResistanceKPerW: number;
  readonly uaEstimateWK: number;
  readonly timeConstantS: number;
  readonly timeConstantStdS: number;
  readonly stability: StabilityClass;
  readonly hotStability: Readonly<StabilityFigures>;
  readonly coldStability: Readonly<StabilityFigures>;
  /** Per residual name: RMS and mean over the fit window. */
  readonly fit: Readonly<
    Record<string, { readonly rms: number; readonly mean: number; readonly samples: number }>
  >;
}

/** One sample as {@link LoopPerformance.updateFrom} reads it (units as in {@link LoopPerformance.update}). */
export interface PerformanceSample {
  readonly tS: number;
  readonly tHotC: number;
  readonly tColdC: number;
  readonly mDotKgS: number;
  readonly tSinkC: number;
}

const STABILITY_RANK: Readonly<Record<StabilityClass, number>> = {
  unknown: 0,
  steady: 1,
  settling: 2,
  drifting: 3,
  oscillating: 4,
};

/** Two cascaded first-order filters; index 0 = first stage, 1 = second. */
const Q = 0;
const HOT = 1;
const COLD = 2;
const SINK = 3;
const N_FILTERED = 4;

export class LoopPerformance {
  readonly options: ResolvedLoopPerformanceOptions;
  readonly hotStability: StabilityClassifier;
  readonly coldStability: StabilityClassifier;
  readonly timeConstant: TimeConstantEstimator;
  readonly fit: RollingRms;
  private readonly s1 = new Float64Array(N_FILTERED);
  private readonly s2 = new Float64Array(N_FILTERED);
  private started = false;
  private lastTS = Number.NaN;
  private tS_ = Number.NaN;
  private qInPrev = Number.NaN;
  private qRejPrev = Number.NaN;
  private eIn = 0;
  private eRej = 0;
  private alpha = 0;
  private alphaDtS = Number.NaN;
  /** This sample's filter inputs, [Q_f, T_hot, T_cold, T_sink] (scratch for update's one filter loop). */
  private readonly inputs = new Float64Array(N_FILTERED);
  /** {@link update}'s arguments, for {@link updateFrom}. */
  private readonly sample = {
    tS: Number.NaN,
    tHotC: Number.NaN,
    tColdC: Number.NaN,
    mDotKgS: Number.NaN,
    tSinkC: Number.NaN,
  };

  constructor(options: LoopPerformanceOptions = {}) {
    this.options = resolveLoopPerformanceOptions(options);
    this.hotStability = new StabilityClassifier(options.stability);
    this.coldStability = new StabilityClassifier(options.stability);
    this.timeConstant = new TimeConstantEstimator(options.timeConstant);
    this.fit = new RollingRms(this.options.residualNames.length, this.options.fitWindowSamples);
  }

  /**
   * Feeds one sample. Temperatures in C, mass flow in kg/s, rig time in s; `residuals` in the
   * order of `residualNames` (NaN entries are gaps). A sample with a non-finite temperature or
   * flow updates only the twin's fit.
   */
  update(
    tS: number,
    tHotC: number,
    tColdC: number,
    mDotKgS: number,
    tSinkC: number,
    residuals?: ArrayLike<number>,
  ): void {
    const s = this.sample;
    s.tS = tS;
    s.tHotC = tHotC;
    s.tColdC = tColdC;
    s.mDotKgS = mDotKgS;
    s.tSinkC = tSinkC;
    this.updateFrom(s, residuals);
  }

  /**
   * {@link update} on a sample's fields, read in place (the monitor's per-sample path: doubles
   * passed to a call the optimising compiler does not inline are boxed, one allocation each).
   */
  updateFrom(sample: PerformanceSample, residuals?: ArrayLike<number>): void {
    const tS = sample.tS;
    const tHotC = sample.tHotC;
    const tColdC = sample.tColdC;
    const mDotKgS = sample.mDotKgS;
    const tSinkC = sample.tSinkC;
    checkFinite("tS", tS);
    if (residuals !== undefined) this.fit.push(residuals);
    if (
      !Number.isFinite(tHotC) ||
      !Number.isFinite(tColdC) ||
      !Number.isFinite(mDotKgS) ||
      !Number.isFinite(tSinkC)
    )
      return;
    const o = this.options;
    const qF = mDotKgS * o.cpJKgK * (tHotC - tColdC);
    const dt = tS - this.lastTS;
    if (!this.started || !(dt > 0) || dt > o.maxGapS) {
      // (Re)start: filters at the current values (zero derivative), energy integrals kept.
      this.s1[Q] = this.s2[Q] = qF;
      this.s1[HOT] = this.s2[HOT] = tHotC;
      this.s1[COLD] = this.s2[COLD] = tColdC;
      this.s1[SINK] = this.s2[SINK] = tSinkC;
      this.started = true;
      this.qInPrev = Number.NaN;
      this.qRejPrev = Number.NaN;
    } else {
      if (!(Math.abs(dt - this.alphaDtS) <= 1e-9 * dt)) {
        this.alpha = -Math.expm1(-dt / o.smoothingS);
        this.alphaDtS = dt;
      }
      const a = this.alpha;
      // One call site in a loop rather than four: the per-sample method keeps enough of the
      // compiler's inlining budget for the heat getters below (each boxes its result when it is
      // not inlined).
      const inputs = this.inputs;
      inputs[Q] = qF;
      inputs[HOT] = tHotC;
      inputs[COLD] = tColdC;
      inputs[SINK] = tSinkC;
      for (let i = 0; i < N_FILTERED; i++) this.step(i, inputs[i] as number, a);
    }
    this.lastTS = tS;
    this.tS_ = tS;
    const qIn = this.heatToFluidW;
    const qRej = this.heatRejectedW;
    if (!Number.isNaN(this.qInPrev)) {
      this.eIn += 0.5 * (qIn + this.qInPrev) * dt;
      this.eRej += 0.5 * (qRej + this.qRejPrev) * dt;
    }
    this.qInPrev = qIn;
    this.qRejPrev = qRej;
    this.hotStability.update(tS, tHotC);
    this.coldStability.update(tS, tColdC);
    this.timeConstant.update(tS, tColdC);
  }

  private step(i: number, x: number, a: number): void {
    const s1 = (this.s1[i] as number) + a * (x - (this.s1[i] as number));
    this.s1[i] = s1;
    this.s2[i] = (this.s2[i] as number) + a * (s1 - (this.s2[i] as number));
  }

  /** d/dt of the twice-filtered signal i: (s1 - s2) / τ. */
  private rate(i: number): number {
    return ((this.s1[i] as number) - (this.s2[i] as number)) / this.options.smoothingS;
  }

  /** Rig time of the last sample [s]. */
  get tS(): number {
    return this.tS_;
  }

  /** Smoothed m_dot cp (T_hot - T_cold) [W]. */
  get heatTransportW(): number {
    return this.started ? (this.s2[Q] as number) : Number.NaN;
  }

  /** Heat delivered to the fluid by the heater [W]: Q_f + C_hot dT_hot/dt. */
  get heatToFluidW(): number {
    return this.heatTransportW + this.options.cHotJK * this.rate(HOT);
  }

  /** Heat rejected by the radiator (and cold-side losses) [W]: Q_f - C_cold dT_cold/dt. */
  get heatRejectedW(): number {
    return this.heatTransportW - this.options.cColdJK * this.rate(COLD);
  }

  /** ∫ heatToFluidW dt since construction [J] (trapezoid; gaps not integrated). */
  get energyToFluidJ(): number {
    return this.eIn;
  }

  /** ∫ heatRejectedW dt since construction [J]. */
  get energyRejectedJ(): number {
    return this.eRej;
  }

  /** (T_hot - T_cold) / (T_hot - T_sink) on the smoothed temperatures; NaN when T_hot <= T_sink. */
  get effectiveness(): number {
    const h = this.s2[HOT] as number;
    const c = this.s2[COLD] as number;
    const s = this.s2[SINK] as number;
    return this.started && h - s > 0 ? (h - c) / (h - s) : Number.NaN;
  }

  /** (T_mean - T_sink) / Q_rej [K/W]; NaN when no heat is rejected. */
  get thermalResistanceKPerW(): number {
    const q = this.heatRejectedW;
    if (!(q > 0)) return Number.NaN;
    const mean = 0.5 * ((this.s2[HOT] as number) + (this.s2[COLD] as number));
    return (mean - (this.s2[SINK] as number)) / q;
  }

  /** Q_rej / (T_cold - T_sink) [W/K]; NaN when T_cold <= T_sink. */
  get uaEstimateWK(): number {
    const d = (this.s2[COLD] as number) - (this.s2[SINK] as number);
    return this.started && d > 0 ? this.heatRejectedW / d : Number.NaN;
  }

  /** Loop time constant from T_cold [s] (NaN until identified). */
  get timeConstantS(): number {
    return this.timeConstant.timeConstantS;
  }

  get timeConstantStdS(): number {
    return this.timeConstant.timeConstantStdS;
  }

  /** The worse of T_hot's and T_cold's classes. */
  get stability(): StabilityClass {
    const h = this.hotStability.stabilityClass;
    const c = this.coldStability.stabilityClass;
    return STABILITY_RANK[h] >= STABILITY_RANK[c] ? h : c;
  }

  /** RMS of residual `i` over the fit window. */
  residualRms(i: number): number {
    return this.fit.rms(i);
  }

  /** Mean (bias) of residual `i` over the fit window. */
  residualMean(i: number): number {
    return this.fit.mean(i);
  }

  /** All figures as plain data (allocates; for screens and reports, not per sample). */
  snapshot(): LoopPerformanceSnapshot {
    const fit: Record<string, { rms: number; mean: number; samples: number }> = {};
    this.options.residualNames.forEach((name, i) => {
      fit[name] = { rms: this.fit.rms(i), mean: this.fit.mean(i), samples: this.fit.samples(i) };
    });
    return {
      tS: this.tS_,
      heatTransportW: this.heatTransportW,
      heatToFluidW: this.heatToFluidW,
      heatRejectedW: this.heatRejectedW,
      energyToFluidJ: this.eIn,
      energyRejectedJ: this.eRej,
      effectiveness: this.effectiveness,
      thermalResistanceKPerW: this.thermalResistanceKPerW,
      uaEstimateWK: this.uaEstimateWK,
      timeConstantS: this.timeConstantS,
      timeConstantStdS: this.timeConstantStdS,
      stability: this.stability,
      hotStability: { ...this.hotStability.figures },
      coldStability: { ...this.coldStability.figures },
      fit,
    };
  }

  reset(): void {
    this.s1.fill(0);
    this.s2.fill(0);
    this.started = false;
    this.lastTS = Number.NaN;
    this.tS_ = Number.NaN;
    this.qInPrev = Number.NaN;
    this.qRejPrev = Number.NaN;
    this.eIn = 0;
    this.eRej = 0;
    this.hotStability.reset();
    this.coldStability.reset();
    this.timeConstant.reset();
    this.fit.reset();
  }
}
