/**
 * Energy accounting of the loop model: stored energy and the heat flows across the loop's
 * boundary, so that a run can check the first law, `E(t) - E(0) = integral of (Q_in -
 * Q_rejected - Q_loss) dt` (docs/design.md 2.2). The advection term m_dot cp (T_hot - T_cold) moves
 * heat between the nodes and cancels in the sum.
 *
 * {@link LoopEnergyModel} integrates the three heat flows as extra states alongside the
 * temperatures. A Runge-Kutta method preserves linear invariants exactly (Hairer, Lubich &
 * Wanner, Geometric Numerical Integration, Thm IV.1.5), so with the augmented state the balance
 * holds to rounding error for any step size: a residual above that means the right-hand side
 * does not conserve energy.
 */
import { type LoopOperatingPoint, loopDerivatives } from "./loopModel.js";
import type { LoopParams } from "./loopParams.js";
import type { OdeRhs } from "./ode.js";

/** Stored energy [J] of both nodes relative to both at 0 C: C_hot T_hot + C_cold T_cold. */
export function storedEnergyJ(params: LoopParams, tHotC: number, tColdC: number): number {
  return params.C_hot * tHotC + params.C_cold * tColdC;
}

/** Instantaneous heat flows across the loop's boundary [W]. */
export interface LoopHeatFlows {
  /** Heater power into the hot node. */
  qInW: number;
  /** Heat rejected by the radiator to the sink, UA (T_cold - T_sink). */
  qRejectedW: number;
  /** Losses of both nodes to ambient, UA_loss (T_hot - T_amb) + UA_loss (T_cold - T_amb). */
  qLossW: number;
}

/** Fills `out` with the heat flows at state (tHotC, tColdC) and operating point `op`. */
export function loopHeatFlows(
  params: LoopParams,
  op: LoopOperatingPoint,
  tHotC: number,
  tColdC: number,
  out: LoopHeatFlows,
): LoopHeatFlows {
  out.qInW = op.qInW;
  out.qRejectedW = op.uaWK * (tColdC - op.tSinkC);
  out.qLossW = params.UA_loss * (tHotC - op.tAmbC + (tColdC - op.tAmbC));
  return out;
}

/** Indices of the augmented state of {@link LoopEnergyModel}. */
export const ENERGY_STATE = { tHot: 0, tCold: 1, inJ: 2, rejectedJ: 3, lossJ: 4 } as const;

/**
 * The loop model augmented with the integrated heat flows: state `[T_hot, T_cold, E_in,
 * E_rejected, E_loss]` (C, C, J, J, J). Set `op` between steps, as for LoopModel.
 */
export class LoopEnergyModel {
  readonly params: LoopParams;
  readonly op: LoopOperatingPoint;
  readonly rhs: OdeRhs;

  constructor(params: LoopParams, op: LoopOperatingPoint) {
    this.params = params;
    this.op = op;
    this.rhs = (_tS, y, dydt) => {
      const tHotC = y[0] as number;
      const tColdC = y[1] as number;
      loopDerivatives(this.params, this.op, tHotC, tColdC, dydt);
      dydt[2] = this.op.qInW;
      dydt[3] = this.op.uaWK * (tColdC - this.op.tSinkC);
      dydt[4] = this.params.UA_loss * (tHotC - this.op.tAmbC + (tColdC - this.op.tAmbC));
    };
  }

  /** A fresh augmented state at (tHotC, tColdC) with zero integrated energies. */
  initialState(tHotC = this.params.T_hot0, tColdC = this.params.T_cold0): Float64Array {
    return Float64Array.of(tHotC, tColdC, 0, 0, 0);
  }

  /** First-law residual [J] of an augmented state started from (tHot0C, tCold0C) with zero energies. */
  balanceResidualJ(y: Float64Array, tHot0C: number, tCold0C: number): number {
    const stored =
      storedEnergyJ(this.params, y[0] as number, y[1] as number) -
      storedEnergyJ(this.params, tHot0C, tCold0C);
    return stored - ((y[2] as number) - (y[3] as number) - (y[4] as number));
  }
}
