/**
 * Kalman filter on the loop model (issue 5, section 1): the second residual set. State
 * [T_hot, T_cold] with the loop model's dynamics at the intended operating point (docs/design.md 2.2;
 * linear in the state, so the filter is exact rather than extended), both thermistors measured
 * directly. Predict with the exact discretisation (model/zohDiscretization.ts), correct with the
 * measurements; the innovations ν = z - x⁻ with covariance S = P⁻ + R are the residuals:
 *
 * - per channel, normalised: ν_i / sqrt(S_ii) ~ N(0, 1) with no fault (for CUSUM/EWMA per channel,
 *   with their sign for fault isolation);
 * - jointly whitened: w = L⁻¹ ν with S = L Lᵀ (Cholesky) ~ N(0, I), and NIS = |w|² ~ χ²(2), for
 *   the chi-square detector (Bar-Shalom, Li & Kirubarajan 2001, section 5.4).
 *
 * Tuning from the sensor noise: R = σ² I with σ the thermistor noise (DEFAULT_SENSOR_NOISE_K_RMS
 * unless calibrated). Process noise: a random walk of density q [K²/s] on each node stands for the
 * model's error (parameters, unmodelled losses); with q small against R/Δt the filter trusts the
 * model, so a fault shows in the innovations for longer (a bias is absorbed with a time constant
 * of about Δt / K, K ≈ sqrt(q Δt / σ²), i.e. ~1.6 s with the defaults at 10 Hz; choose q larger
 * and the innovations are whiter but shorter-lived). The consistency check of the tuning is that
 * NIS averages 2 on nominal data (tested).
 *
 * Gaps: prediction continues through a gap (the covariance grows with it); after a gap longer
 * than `maxGapS`, the filter resynchronises on the first sample back (state := measurement,
 * P := R) and reports no innovation for that sample.
 *
 * O(1) per sample, no allocation (the discretisation is recomputed only when Δt or the operating
 * point changes).
 */
import {
  createOperatingPoint,
  type LoopOperatingPoint,
  setOperatingPointFromDuties,
} from "../../model/loopModel.js";
import type { LoopParams } from "../../model/loopParams.js";
import { DEFAULT_SENSOR_NOISE_K_RMS } from "../../model/thermistorSensor.js";
import { zohDiscretize } from "../../model/zohDiscretization.js";
import { checkFinite, checkPositive } from "../detectors/optionChecks.js";

export interface LoopObserverOptions {
  /** Thermistor noise [K rms] of one reading. @default DEFAULT_SENSOR_NOISE_K_RMS (0.05) */
  readonly sensorNoiseK?: number;
  /** Process noise density on each node temperature [K²/s]. @default 1e-4 */
  readonly processNoiseK2PerS?: number;
  /** A gap longer than this [s] makes the filter resynchronise on the next sample. @default 5 */
  readonly maxGapS?: number;
}

export interface ResolvedLoopObserverOptions {
  readonly sensorNoiseK: number;
  readonly processNoiseK2PerS: number;
  readonly maxGapS: number;
}

/** Applies defaults and validates; errors name the option (`observer.sensorNoiseK`) and the value. */
export function resolveLoopObserverOptions(options: LoopObserverOptions = {}): ResolvedLoopObserverOptions {
  return {
    sensorNoiseK: checkPositive("observer.sensorNoiseK", options.sensorNoiseK ?? DEFAULT_SENSOR_NOISE_K_RMS),
    processNoiseK2PerS: checkPositive("observer.processNoiseK2PerS", options.processNoiseK2PerS ?? 1e-4),
    maxGapS: checkPositive("observer.maxGapS", options.maxGapS ?? 5),
  };
}

/** A sample's rig time [s] and temperatures [C] (NaN: not measured), as {@link LoopObserver.updateFrom} reads them. */
export interface ObserverSample {
  readonly tS: number;
  readonly tHotC: number;
  readonly tColdC: number;
}

export class LoopObserver {
  readonly params: LoopParams;
  readonly options: ResolvedLoopObserverOptions;
  /** Jointly whitened innovations [w_hot, w_cold] of the last sample (NaN when not available). */
  readonly whitened = new Float64Array(2).fill(Number.NaN);
  private readonly op: LoopOperatingPoint;
  private readonly disc = new Float64Array(8);
  private discDtS = Number.NaN;
  private discValid = false;
  // Model y' = A y + b at the operating point.
  private a11 = 0;
  private a12 = 0;
  private a21 = 0;
  private a22 = 0;
  private b1 = 0;
  private b2 = 0;
  // Ψ b over the cached Δt.
  private g1 = 0;
  private g2 = 0;
  // State and covariance.
  private x1 = Number.NaN;
  private x2 = Number.NaN;
  private p11 = 0;
  private p12 = 0;
  private p22 = 0;
  private lastTS = Number.NaN;
  private nu1 = Number.NaN;
  private nu2 = Number.NaN;
  private nis_ = Number.NaN;
  private normHot_ = Number.NaN;
  private normCold_ = Number.NaN;
  private resyncs_ = 0;
  /**
   * The arguments of the per-sample steps (predict's Δt, correctBoth's readings), passed in fields:
   * a double passed to a call the optimising compiler does not inline is boxed, an allocation per
   * value per sample.
   */
  private stepDtS = Number.NaN;
  private zHot = Number.NaN;
  private zCold = Number.NaN;
  /** {@link update}'s arguments, for {@link updateFrom}. */
  private readonly input = { tS: Number.NaN, tHotC: Number.NaN, tColdC: Number.NaN };

  constructor(params: LoopParams, options: LoopObserverOptions = {}) {
    this.params = params;
    this.options = resolveLoopObserverOptions(options);
    this.op = createOperatingPoint(params);
    this.refreshModel();
  }

  /** The operator's intended duties (0-255), with the ambient [C] unchanged unless given. */
  setIntendedDuties(
    pumpDuty: number,
    heaterDuty: number,
    fanDuty: number,
    tAmbC: number = this.op.tAmbC,
  ): void {
    setOperatingPointFromDuties(this.params, pumpDuty, heaterDuty, fanDuty, tAmbC, this.op);
    this.refreshModel();
  }

  /** The measured ambient [C]; a non-finite value is ignored. */
  setAmbientC(tAmbC: number): void {
    if (!Number.isFinite(tAmbC) || tAmbC === this.op.tAmbC) return;
    this.op.tAmbC = tAmbC;
    this.refreshModel();
  }

  /** Sets the operating point directly (e.g. with the parameter tracker's estimates). */
  setOperatingPoint(op: Readonly<LoopOperatingPoint>): void {
    this.op.mDotKgS = op.mDotKgS;
    this.op.qInW = op.qInW;
    this.op.uaWK = op.uaWK;
    this.op.tSinkC = op.tSinkC;
    this.op.tAmbC = op.tAmbC;
    this.refreshModel();
  }

  /** The operating point in use. */
  get operatingPoint(): Readonly<LoopOperatingPoint> {
    return this.op;
  }

  private refreshModel(): void {
    const p = this.params;
    const op = this.op;
    const g = op.mDotKgS * p.cp;
    this.a11 = -(g + p.UA_loss) / p.C_hot;
    this.a12 = g / p.C_hot;
    this.a21 = g / p.C_cold;
    this.a22 = -(g + op.uaWK + p.UA_loss) / p.C_cold;
    this.b1 = (op.qInW + p.UA_loss * op.tAmbC) / p.C_hot;
    this.b2 = (op.uaWK * op.tSinkC + p.UA_loss * op.tAmbC) / p.C_cold;
    this.discValid = false;
  }

  /**
   * Predicts to rig time `tS` and corrects with the measured temperatures (either may be NaN: the
   * other is used alone). Returns true when an innovation was computed for this sample.
   */
  update(tS: number, tHotC: number, tColdC: number): boolean {
    const input = this.input;
    input.tS = tS;
    input.tHotC = tHotC;
    input.tColdC = tColdC;
    return this.updateFrom(input);
  }

  /**
   * {@link update} on a sample's fields, read in place (the monitor's per-sample path: doubles
   * passed to a call the optimising compiler does not inline are boxed, one allocation each).
   */
  updateFrom(sample: ObserverSample): boolean {
    const tS = sample.tS;
    const tHotC = sample.tHotC;
    const tColdC = sample.tColdC;
    checkFinite("tS", tS);
    const hasHot = Number.isFinite(tHotC);
    const hasCold = Number.isFinite(tColdC);
    this.nu1 = Number.NaN;
    this.nu2 = Number.NaN;
    this.nis_ = Number.NaN;
    this.normHot_ = Number.NaN;
    this.normCold_ = Number.NaN;
    this.whitened[0] = Number.NaN;
    this.whitened[1] = Number.NaN;
    const r = this.options.sensorNoiseK * this.options.sensorNoiseK;
    const dt = tS - this.lastTS;
    const fresh = Number.isNaN(this.x1) || Number.isNaN(this.lastTS);
    if (fresh || dt > this.options.maxGapS) {
      if (!(hasHot && hasCold)) {
        // Cannot (re)start without both temperatures; keep predicting from where we were.
        if (!fresh && dt > 0) {
          this.stepDtS = dt;
          this.predict();
        }
        if (!fresh) this.lastTS = tS;
        return false;
      }
      this.x1 = tHotC;
      this.x2 = tColdC;
      this.p11 = r;
      this.p12 = 0;
      this.p22 = r;
      if (!fresh) this.resyncs_++;
      this.lastTS = tS;
      return false;
    }
    if (dt > 0) {
      this.stepDtS = dt;
      this.predict();
      this.lastTS = tS;
    }
    if (!hasHot && !hasCold) return false;
    if (hasHot && hasCold) {
      this.zHot = tHotC;
      this.zCold = tColdC;
      this.correctBoth();
      return true;
    }
    if (hasHot) this.correctOne(0, tHotC, r);
    else this.correctOne(1, tColdC, r);
    return true;
  }

  /** Predicts over {@link stepDtS}. */
  private predict(): void {
    const dt = this.stepDtS;
    // Sample spacing jitters in the last bits (t = i * 0.1): reuse the discretisation within 1e-9.
    if (!this.discValid || Math.abs(dt - this.discDtS) > 1e-9 * dt) {
      const d = zohDiscretize(this.a11, this.a12, this.a21, this.a22, dt, this.disc);
      this.g1 = (d[4] as number) * this.b1 + (d[5] as number) * this.b2;
      this.g2 = (d[6] as number) * this.b1 + (d[7] as number) * this.b2;
      this.discDtS = dt;
      this.discValid = true;
    }
    const d = this.disc;
    const f11 = d[0] as number;
    const f12 = d[1] as number;
    const f21 = d[2] as number;
    const f22 = d[3] as number;
    const x1 = f11 * this.x1 + f12 * this.x2 + this.g1;
    const x2 = f21 * this.x1 + f22 * this.x2 + this.g2;
    this.x1 = x1;
    this.x2 = x2;
    // P = F P Fᵀ + q Δt I
    const { p11, p12, p22 } = this;
    const m11 = f11 * p11 + f12 * p12;
    const m12 = f11 * p12 + f12 * p22;
    const m21 = f21 * p11 + f22 * p12;
    const m22 = f21 * p12 + f22 * p22;
    const q = this.options.processNoiseK2PerS * dt;
    this.p11 = m11 * f11 + m12 * f12 + q;
    this.p12 = m11 * f21 + m12 * f22;
    this.p22 = m21 * f21 + m22 * f22 + q;
  }

  /** Corrects with both readings ({@link zHot}, {@link zCold}). */
  private correctBoth(): void {
    const z1 = this.zHot;
    const z2 = this.zCold;
    const r = this.options.sensorNoiseK * this.options.sensorNoiseK;
    const { p11, p12, p22 } = this;
    const s11 = p11 + r;
    const s12 = p12;
    const s22 = p22 + r;
    const det = s11 * s22 - s12 * s12;
    const nu1 = z1 - this.x1;
    const nu2 = z2 - this.x2;
    // K = P S⁻¹
    const i11 = s22 / det;
    const i12 = -s12 / det;
    const i22 = s11 / det;
    const k11 = p11 * i11 + p12 * i12;
    const k12 = p11 * i12 + p12 * i22;
    const k21 = p12 * i11 + p22 * i12;
    const k22 = p12 * i12 + p22 * i22;
    this.x1 += k11 * nu1 + k12 * nu2;
    this.x2 += k21 * nu1 + k22 * nu2;
    // P = (I - K) P
    this.p11 = (1 - k11) * p11 - k12 * p12;
    this.p12 = (1 - k11) * p12 - k12 * p22;
    this.p22 = -k21 * p12 + (1 - k22) * p22;
    // Whitening by the Cholesky factor of S.
    const l11 = Math.sqrt(s11);
    const l21 = s12 / l11;
    const l22 = Math.sqrt(s22 - l21 * l21);
    const w1 = nu1 / l11;
    const w2 = (nu2 - l21 * w1) / l22;
    this.nu1 = nu1;
    this.nu2 = nu2;
    this.whitened[0] = w1;
    this.whitened[1] = w2;
    this.nis_ = w1 * w1 + w2 * w2;
    this.normHot_ = nu1 / Math.sqrt(s11);
    this.normCold_ = nu2 / Math.sqrt(s22);
  }

  private correctOne(i: 0 | 1, z: number, r: number): void {
    const pii = i === 0 ? this.p11 : this.p22;
    const s = pii + r;
    const nu = z - (i === 0 ? this.x1 : this.x2);
    const k1 = (i === 0 ? this.p11 : this.p12) / s;
    const k2 = (i === 0 ? this.p12 : this.p22) / s;
    const { p11, p12, p22 } = this;
    const h1 = i === 0 ? p11 : p12;
    const h2 = i === 0 ? p12 : p22;
    this.x1 += k1 * nu;
    this.x2 += k2 * nu;
    this.p11 = p11 - k1 * h1;
    this.p12 = p12 - k1 * h2;
    this.p22 = p22 - k2 * h2;
    if (i === 0) {
      this.nu1 = nu;
      this.whitened[0] = nu / Math.sqrt(s);
      this.normHot_ = nu / Math.sqrt(s);
    } else {
      this.nu2 = nu;
      this.whitened[1] = nu / Math.sqrt(s);
      this.normCold_ = nu / Math.sqrt(s);
    }
    this.nis_ = (nu * nu) / s;
  }

  /** Posterior T_hot [C]. */
  get tHotC(): number {
    return this.x1;
  }

  /** Posterior T_cold [C]. */
  get tColdC(): number {
    return this.x2;
  }

  /** Posterior standard deviations [K]. */
  get tHotStdK(): number {
    return Math.sqrt(this.p11);
  }

  get tColdStdK(): number {
    return Math.sqrt(this.p22);
  }

  /** Raw innovations [K] of the last sample (NaN when that channel was not measured). */
  get innovationHotK(): number {
    return this.nu1;
  }

  get innovationColdK(): number {
    return this.nu2;
  }

  /**
   * Innovations normalised per channel, ν_i / sqrt(S_ii) (kept in fields by the correction: a getter
   * this small is always inlined, so reading it boxes nothing).
   */
  get normalizedHot(): number {
    return this.normHot_;
  }

  get normalizedCold(): number {
    return this.normCold_;
  }

  /** Normalised innovation squared of the last sample (χ² with 2 dof, 1 with one channel). */
  get nis(): number {
    return this.nis_;
  }

  /** Times the filter resynchronised after a gap. */
  get resyncs(): number {
    return this.resyncs_;
  }

  /**
   * Sets the state at rig time `tS` with a standard deviation [K] on each node (e.g. to start from
   * a guess instead of the first measurement).
   */
  setState(tS: number, tHotC: number, tColdC: number, stdK: number): void {
    checkFinite("tS", tS);
    checkFinite("tHotC", tHotC);
    checkFinite("tColdC", tColdC);
    checkPositive("stdK", stdK);
    this.x1 = tHotC;
    this.x2 = tColdC;
    this.p11 = stdK * stdK;
    this.p12 = 0;
    this.p22 = stdK * stdK;
    this.lastTS = tS;
  }

  /** Forgets the state; the next sample with both temperatures initialises it. */
  reset(): void {
    this.x1 = Number.NaN;
    this.x2 = Number.NaN;
    this.lastTS = Number.NaN;
    this.resyncs_ = 0;
  }
}
