/**
 * The digital twin's per-sample stepper: the loop model (docs/design.md 2.2, loopModel.ts) advanced
 * by classic RK4 with sub-steps no longer than a fraction of the fastest time constant, written
 * out on scalars so that a step allocates nothing and costs a few dozen flops. The detection part
 * drives it with the operator's intended operating point (docs/design.md 2.4) and compares it with
 * the measurements.
 *
 * At a fixed operating point the model is `y' = A y + b` with A the Jacobian (loopJacobian) and
 * b = [(Q_in + UA_loss T_amb)/C_hot, (UA T_sink + UA_loss T_amb)/C_cold]; the twin precomputes A
 * and b whenever the operating point changes.
 */
import { IntegrationError } from "../core/errors.js";
import {
  createOperatingPoint,
  fastestTimeConstantS,
  type LoopOperatingPoint,
  loopJacobian,
  setOperatingPointFromDuties,
} from "./loopModel.js";
import { type LoopParams, validateLoopParams } from "./loopParams.js";

export interface LoopTwinOptions {
  /** Largest RK4 sub-step as a fraction of the fastest time constant. @default 0.05 */
  readonly substepFraction?: number;
  /** Largest RK4 sub-step [s] whatever the time constants. @default Infinity */
  readonly maxSubstepS?: number;
}

/** Default sub-step bound: 1/20 of the fastest time constant (RK4 local error ~ 2.6e-9 of the transient). */
export const DEFAULT_SUBSTEP_FRACTION = 0.05;

/**
 * A two-state affine system `x' = a11 x + a12 y + b1`, `y' = a21 x + a22 y + b2` with its state
 * `(x, y)` and step size `h` [s], advanced in place by {@link rk4AffineSteps}. Fields rather than
 * arguments: a call the optimising compiler does not inline boxes every non-integer double it
 * passes (an allocation each, nine per step before), and the twins' callers run out of inlining
 * budget.
 */
export class AffineSystem2 {
  a11 = Number.NaN;
  a12 = Number.NaN;
  a21 = Number.NaN;
  a22 = Number.NaN;
  b1 = Number.NaN;
  b2 = Number.NaN;
  x = Number.NaN;
  y = Number.NaN;
  /** Step size [s]. */
  h = Number.NaN;
}

/**
 * `n` classic RK4 steps of size `s.h` [s] of the affine system `s` from its state `(s.x, s.y)`,
 * on scalars (Kutta 1901; Hairer, Norsett & Wanner I, sec. II.1); the new state goes to `s.x`,
 * `s.y`. Allocates nothing.
 */
export function rk4AffineSteps(s: AffineSystem2, n: number): void {
  const a11 = s.a11;
  const a12 = s.a12;
  const a21 = s.a21;
  const a22 = s.a22;
  const b1 = s.b1;
  const b2 = s.b2;
  const h = s.h;
  const half = h / 2;
  let x = s.x;
  let y = s.y;
  for (let i = 0; i < n; i++) {
    const k1x = a11 * x + a12 * y + b1;
    const k1y = a21 * x + a22 * y + b2;
    let xt = x + half * k1x;
    let yt = y + half * k1y;
    const k2x = a11 * xt + a12 * yt + b1;
    const k2y = a21 * xt + a22 * yt + b2;
    xt = x + half * k2x;
    yt = y + half * k2y;
    const k3x = a11 * xt + a12 * yt + b1;
    const k3y = a21 * xt + a22 * yt + b2;
    xt = x + h * k3x;
    yt = y + h * k3y;
    const k4x = a11 * xt + a12 * yt + b1;
    const k4y = a21 * xt + a22 * yt + b2;
    x += (h / 6) * (k1x + 2 * k2x + 2 * k3x + k4x);
    y += (h / 6) * (k1y + 2 * k2y + 2 * k3y + k4y);
  }
  s.x = x;
  s.y = y;
}

/** Open-loop twin of the loop: state, operating point and a zero-allocation `step`. */
export class LoopTwin {
  readonly params: LoopParams;
  private readonly substepFraction: number;
  private readonly maxSubstepOptionS: number;
  private readonly opPoint: LoopOperatingPoint;
  // Numeric fields start as doubles (NaN), never undefined: V8 then keeps them in double
  // representation and a store in `step` allocates nothing.
  private hot = Number.NaN;
  private cold = Number.NaN;
  private time = Number.NaN;
  private hMax = Number.POSITIVE_INFINITY;
  /** y' = A y + b at the current operating point; its state is the state after a step, before it is checked. */
  private readonly sys = new AffineSystem2();

  /** Validates `params` (a ConfigError names a missing, unknown or bad parameter). */
  constructor(params: LoopParams, options: LoopTwinOptions = {}) {
    const fraction = options.substepFraction ?? DEFAULT_SUBSTEP_FRACTION;
    const maxSubstepS = options.maxSubstepS ?? Number.POSITIVE_INFINITY;
    if (!(fraction > 0 && fraction <= 1))
      throw new RangeError(`LoopTwin: substepFraction must be in (0, 1] (got ${fraction})`);
    if (!(maxSubstepS > 0)) throw new RangeError(`LoopTwin: maxSubstepS must be > 0 (got ${maxSubstepS})`);
    this.params = validateLoopParams(params);
    this.substepFraction = fraction;
    this.maxSubstepOptionS = maxSubstepS;
    this.opPoint = createOperatingPoint(params);
    this.hot = params.T_hot0;
    this.cold = params.T_cold0;
    this.time = 0;
    this.refresh();
  }

  /** Hot-node temperature [C]. */
  get tHotC(): number {
    return this.hot;
  }

  /** Cold-node temperature [C]. */
  get tColdC(): number {
    return this.cold;
  }

  /** Time [s] stepped since construction or the last {@link LoopTwin.setState}. */
  get tS(): number {
    return this.time;
  }

  /** The operating point in use (read-only view; change it with the setters). */
  get operatingPoint(): Readonly<LoopOperatingPoint> {
    return this.opPoint;
  }

  /** The RK4 sub-step bound [s] at the current operating point. */
  get maxSubstepS(): number {
    return this.hMax;
  }

  /** Sets the state (e.g. from a measurement or an observer correction) and the twin time. */
  setState(tHotC: number, tColdC: number, tS: number = this.time): void {
    this.hot = tHotC;
    this.cold = tColdC;
    this.time = tS;
  }

  /** Operating point from applied duties (0-255) through the pump curve and heater/fan laws. */
  setDuties(pumpDuty: number, heaterDuty: number, fanDuty: number, tAmbC: number = this.opPoint.tAmbC): void {
    setOperatingPointFromDuties(this.params, pumpDuty, heaterDuty, fanDuty, tAmbC, this.opPoint);
    this.refresh();
  }

  /** Sets the ambient temperature [C] of the losses. */
  setAmbientC(tAmbC: number): void {
    this.opPoint.tAmbC = tAmbC;
    this.refresh();
  }

  /** Sets the operating point directly (e.g. a calibrated or observer-estimated one). */
  setOperatingPoint(op: Readonly<LoopOperatingPoint>): void {
    this.opPoint.mDotKgS = op.mDotKgS;
    this.opPoint.qInW = op.qInW;
    this.opPoint.uaWK = op.uaWK;
    this.opPoint.tSinkC = op.tSinkC;
    this.opPoint.tAmbC = op.tAmbC;
    this.refresh();
  }

  private refresh(): void {
    const p = this.params;
    const op = this.opPoint;
    const g = op.mDotKgS * p.cp;
    const sys = this.sys;
    sys.a11 = -(g + p.UA_loss) / p.C_hot;
    sys.a12 = g / p.C_hot;
    sys.a21 = g / p.C_cold;
    sys.a22 = -(g + op.uaWK + p.UA_loss) / p.C_cold;
    sys.b1 = (op.qInW + p.UA_loss * op.tAmbC) / p.C_hot;
    sys.b2 = (op.uaWK * op.tSinkC + p.UA_loss * op.tAmbC) / p.C_cold;
    this.hMax = Math.min(this.maxSubstepOptionS, this.substepFraction * fastestTimeConstantS(p, op));
  }

  /**
   * Advances the state by `dtS` seconds with RK4 sub-steps no longer than {@link maxSubstepS}.
   * Allocates nothing. Throws an IntegrationError (with the twin time) if the state stops being finite.
   */
  step(dtS: number): void {
    if (!(dtS >= 0)) throw new RangeError(`LoopTwin.step: dtS must be >= 0 (got ${dtS})`);
    const n = dtS <= this.hMax ? 1 : Math.ceil(dtS / this.hMax);
    const sys = this.sys;
    sys.h = dtS / n;
    sys.x = this.hot;
    sys.y = this.cold;
    rk4AffineSteps(sys, n);
    const x = sys.x;
    const y = sys.y;
    this.time += dtS;
    if (!(Number.isFinite(x) && Number.isFinite(y)))
      throw new IntegrationError(this.time, `twin state is not finite (T_hot=${x}, T_cold=${y})`);
    this.hot = x;
    this.cold = y;
  }

  /** Writes `[dT_hot/dt, dT_cold/dt]` [K/s] at the current state into `out`. */
  derivatives(out: Float64Array): Float64Array {
    const sys = this.sys;
    out[0] = sys.a11 * this.hot + sys.a12 * this.cold + sys.b1;
    out[1] = sys.a21 * this.hot + sys.a22 * this.cold + sys.b2;
    return out;
  }

  /** Jacobian w.r.t. the state at the current operating point, row-major 2x2 into `out` [1/s]. */
  jacobian(out: Float64Array): Float64Array {
    return loopJacobian(this.params, this.opPoint, out);
  }
}
