/**
 * The two-node loop model (docs/design.md 2.2), state `[T_hot, T_cold]` in degrees Celsius:
 *
 *   C_hot  dT_hot/dt  = Q_in + m_dot cp (T_cold - T_hot) - UA_loss (T_hot - T_amb)
 *   C_cold dT_cold/dt = m_dot cp (T_hot - T_cold) - UA (T_cold - T_sink) - UA_loss (T_cold - T_amb)
 *
 * An energy balance over two well-mixed control volumes with advection between them
 * (Incropera & DeWitt, Fundamentals of Heat and Mass Transfer, 6th ed., eq. 1.11e). The
 * operating point (m_dot, Q_in, UA, T_sink, T_amb) is held constant over a step and set between
 * steps; within a step the model is linear in the state, so its Jacobian is exact.
 */
import { DUTY_MAX } from "../core/units.js";
import { heaterPowerW, radiatorUaWK } from "./actuators.js";
import { type FaultKind, type FaultSpec, faultLevel } from "./faultSpec.js";
import { type LoopParams, validateLoopParams } from "./loopParams.js";
import type { OdeRhs } from "./ode.js";
import { pumpMassFlowKgS } from "./pumpCurve.js";

/** Index of T_hot in the state vector. */
export const HOT = 0;
/** Index of T_cold in the state vector. */
export const COLD = 1;

/** What drives the loop during one step (mutable, reused: set it between steps). */
export interface LoopOperatingPoint {
  /** Coolant mass flow [kg/s]. */
  mDotKgS: number;
  /** Heat input into the hot node [W]. */
  qInW: number;
  /** Effective radiator conductance to the sink [W/K]. */
  uaWK: number;
  /** Radiator sink temperature [C]. */
  tSinkC: number;
  /** Ambient temperature of the losses [C]. */
  tAmbC: number;
}

/** A fresh operating point: the loop at rest at the parameters' sink and ambient temperatures. */
export function createOperatingPoint(params: LoopParams): LoopOperatingPoint {
  return {
    mDotKgS: 0,
    qInW: 0,
    uaWK: params.UA * params.UA_fan_off_frac,
    tSinkC: params.T_sink,
    tAmbC: params.T_amb,
  };
}

/**
 * Fills `out` with the fault-free operating point of the given duties and ambient: pump curve
 * for m_dot, heater law for Q_in, fan law for UA, `T_sink` from the parameters.
 */
export function setOperatingPointFromDuties(
  params: LoopParams,
  pumpDuty: number,
  heaterDuty: number,
  fanDuty: number,
  tAmbC: number,
  out: LoopOperatingPoint,
): LoopOperatingPoint {
  out.mDotKgS = pumpMassFlowKgS(params, pumpDuty);
  out.qInW = heaterPowerW(params, heaterDuty);
  out.uaWK = radiatorUaWK(params, fanDuty);
  out.tSinkC = params.T_sink;
  out.tAmbC = tAmbC;
  return out;
}

/** Throws a RangeError unless `duty` is a duty 0-255 (misuse by a caller, not bad wire data). */
export function checkDuty(name: string, duty: number): void {
  if (!(duty >= 0 && duty <= DUTY_MAX))
    throw new RangeError(`${name}: duty must be 0-${DUTY_MAX} (got ${duty})`);
}

/**
 * Applies one physical fault at `level` (0..severity) to `op` in place (docs/design.md 2.4): pump
 * degradation and pump failure scale m_dot by (1 - level) (a pump failure has severity 1 by
 * default, so m_dot = 0), HX fouling scales UA by (1 - level), heater over-power scales Q_in by
 * (1 + level). Other kinds do not touch the physics (sensors and the link have their own models).
 */
export function applyFaultLevel(op: LoopOperatingPoint, kind: FaultKind, level: number): void {
  switch (kind) {
    case "pump_degradation":
    case "pump_failure":
      op.mDotKgS *= 1 - level;
      break;
    case "hx_fouling":
      op.uaWK *= 1 - level;
      break;
    case "heater_overpower":
      op.qInW *= 1 + level;
      break;
    default:
      break;
  }
}

/**
 * Applies the physical faults active at `tS` to `op` in place (see {@link applyFaultLevel}).
 * Several faults of one kind compound multiplicatively.
 */
export function applyPhysicalFaults(op: LoopOperatingPoint, faults: readonly FaultSpec[], tS: number): void {
  for (let i = 0; i < faults.length; i++) {
    const f = faults[i] as FaultSpec;
    applyFaultLevel(op, f.kind, faultLevel(f, tS));
  }
}

/** Writes `[dT_hot/dt, dT_cold/dt]` [K/s] at state (tHotC, tColdC) into `out[offset..offset+1]`. */
export function loopDerivatives(
  params: LoopParams,
  op: LoopOperatingPoint,
  tHotC: number,
  tColdC: number,
  out: Float64Array,
  offset = 0,
): void {
  const g = op.mDotKgS * params.cp;
  const advected = g * (tHotC - tColdC);
  out[offset] = (op.qInW - advected - params.UA_loss * (tHotC - op.tAmbC)) / params.C_hot;
  out[offset + 1] =
    (advected - op.uaWK * (tColdC - op.tSinkC) - params.UA_loss * (tColdC - op.tAmbC)) / params.C_cold;
}

/**
 * Jacobian of the right-hand side w.r.t. the state, row-major 2x2 into `out` [1/s]:
 * `[[d(dT_hot/dt)/dT_hot, d(dT_hot/dt)/dT_cold], [d(dT_cold/dt)/dT_hot, d(dT_cold/dt)/dT_cold]]`.
 * Exact (the model is linear in the state at a fixed operating point).
 */
export function loopJacobian(params: LoopParams, op: LoopOperatingPoint, out: Float64Array): Float64Array {
  const g = op.mDotKgS * params.cp;
  out[0] = -(g + params.UA_loss) / params.C_hot;
  out[1] = g / params.C_hot;
  out[2] = g / params.C_cold;
  out[3] = -(g + op.uaWK + params.UA_loss) / params.C_cold;
  return out;
}

/**
 * The two eigenvalues [1/s] of the Jacobian, most negative first, into `out`. They are real: the
 * off-diagonal entries have the same sign, so the matrix is similar to a symmetric one.
 */
export function loopEigenvalues(params: LoopParams, op: LoopOperatingPoint, out: Float64Array): Float64Array {
  const g = op.mDotKgS * params.cp;
  const a = -(g + params.UA_loss) / params.C_hot;
  const b = g / params.C_hot;
  const c = g / params.C_cold;
  const d = -(g + op.uaWK + params.UA_loss) / params.C_cold;
  const half = (a + d) / 2;
  const disc = Math.sqrt(((a - d) / 2) ** 2 + b * c);
  out[0] = half - disc;
  out[1] = half + disc;
  return out;
}

/** The fastest time constant [s] of the loop at `op` (Infinity when nothing moves heat). */
export function fastestTimeConstantS(params: LoopParams, op: LoopOperatingPoint): number {
  const g = op.mDotKgS * params.cp;
  const a = -(g + params.UA_loss) / params.C_hot;
  const d = -(g + op.uaWK + params.UA_loss) / params.C_cold;
  const disc = Math.sqrt(((a - d) / 2) ** 2 + (g * g) / (params.C_hot * params.C_cold));
  const fastest = (a + d) / 2 - disc;
  return fastest < 0 ? -1 / fastest : Number.POSITIVE_INFINITY;
}

/**
 * The loop model as an ODE for the integrators: parameters plus a mutable operating point;
 * `rhs` reads the operating point at each call, so set it between steps, never within one.
 */
export class LoopModel {
  readonly params: LoopParams;
  /** The operating point the next step uses; mutate it or use {@link LoopModel.setDuties}. */
  readonly op: LoopOperatingPoint;
  /** `(tS, [T_hot, T_cold], dydt)`: the right-hand side, bound to this model. */
  readonly rhs: OdeRhs;

  /** Validates `params` (a ConfigError names a missing, unknown or bad parameter). */
  constructor(params: LoopParams) {
    this.params = validateLoopParams(params);
    this.op = createOperatingPoint(params);
    this.rhs = (_tS, y, dydt) => loopDerivatives(this.params, this.op, y[0] as number, y[1] as number, dydt);
  }

  /** Sets the fault-free operating point from applied duties (0-255) and the ambient [C]. */
  setDuties(pumpDuty: number, heaterDuty: number, fanDuty: number, tAmbC: number = this.params.T_amb): void {
    setOperatingPointFromDuties(this.params, pumpDuty, heaterDuty, fanDuty, tAmbC, this.op);
  }

  /** The initial state `[T_hot0, T_cold0]` of the parameters. */
  initialState(): Float64Array {
    return Float64Array.of(this.params.T_hot0, this.params.T_cold0);
  }

  /** Jacobian w.r.t. the state at the current operating point, row-major 2x2 into `out`. */
  jacobian(out: Float64Array): Float64Array {
    return loopJacobian(this.params, this.op, out);
  }

  /** Fastest time constant [s] at the current operating point. */
  fastestTimeConstantS(): number {
    return fastestTimeConstantS(this.params, this.op);
  }
}
