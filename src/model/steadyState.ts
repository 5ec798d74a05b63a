/**
 * Analytic steady state of the loop model (docs/design.md 2.2) at a fixed operating point: setting
 * both derivatives to zero gives the linear system, with g = m_dot cp and L = UA_loss,
 *
 *   (g + L) T_hot - g T_cold          = Q_in + L T_amb
 *   -g T_hot + (g + UA + L) T_cold    = UA T_sink + L T_amb
 *
 * solved by Cramer's rule; its determinant g (UA + 2L) + L (UA + L) vanishes only when the hot
 * node has no outlet (g = L = 0) or the loop rejects no heat (UA = L = 0). With L = 0 it reduces
 * to docs/design.md 2.2's `T_cold = T_sink + Q_in/UA`, `T_hot = T_cold + Q_in/(m_dot cp)`.
 */
import { err, ok, type Result } from "../core/result.js";
import { createOperatingPoint, type LoopOperatingPoint, setOperatingPointFromDuties } from "./loopModel.js";
import type { LoopParams } from "./loopParams.js";

export interface LoopSteadyState {
  readonly tHotC: number;
  readonly tColdC: number;
}

/** The steady state at `op`, or why there is none (no flow and no losses, or no heat rejection). */
export function loopSteadyState(params: LoopParams, op: LoopOperatingPoint): Result<LoopSteadyState, string> {
  const g = op.mDotKgS * params.cp;
  const L = params.UA_loss;
  const ua = op.uaWK;
  const det = g * (ua + 2 * L) + L * (ua + L);
  if (!(det > 0)) {
    return err(
      g === 0 && L === 0
        ? "no steady state: no flow and no losses, the hot node has no outlet"
        : "no steady state: the loop rejects no heat (UA = 0 and UA_loss = 0)",
    );
  }
  const rhsHot = op.qInW + L * op.tAmbC;
  const rhsCold = ua * op.tSinkC + L * op.tAmbC;
  const tHotC = (rhsHot * (g + ua + L) + g * rhsCold) / det;
  const tColdC = ((g + L) * rhsCold + g * rhsHot) / det;
  return ok({ tHotC, tColdC });
}

/**
 * The steady state of the loop held at duties `pump`, `heater`, `fan` (0-255) and ambient `tAmbC`
 * (fault-free operating point): where a run started "at steady state" begins.
 */
export function loopSteadyStateAtDuties(
  params: LoopParams,
  pump: number,
  heater: number,
  fan: number,
  tAmbC: number = params.T_amb,
): Result<LoopSteadyState, string> {
  const op = setOperatingPointFromDuties(params, pump, heater, fan, tAmbC, createOperatingPoint(params));
  return loopSteadyState(params, op);
}
