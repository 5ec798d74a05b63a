/**
 * The seed model, implemented exactly as docs/design.md 2.1 writes it (users compare against the
 * earlier Python implementation), state `[T_hot, T_cold]`:
 *
 *   C dT_hot/dt  = Q_in - UA (T_hot - T_cold) - m_dot cp (T_hot - T_cold)
 *   C dT_cold/dt = m_dot cp (T_hot - T_cold) - Q_out
 *
 * It has no steady state: nothing ties the temperatures to an absolute reference. Subtracting,
 * the difference dT = T_hot - T_cold relaxes,
 *
 *   C d(dT)/dt = Q_in + Q_out - (UA + 2 m_dot cp) dT,  dT -> (Q_in + Q_out)/(UA + 2 m_dot cp),
 *
 * with time constant C/(UA + 2 m_dot cp); adding, the sum drifts for ever at
 * d(T_hot + T_cold)/dt = (Q_in - UA dT - Q_out)/C. With the reference set (C=1000, m_dot=0.1,
 * cp=4180, UA=50, Q_in=Q_out=1000) the sum falls at 0.1129 K/s, each temperature at 0.0564 K/s:
 * started at 350/300 K it reaches about -4551 K after 24 h. This is the model's property, not a
 * bug of this code; the loop model (loopModel.ts) is the physically consistent default.
 */
import type { OdeRhs } from "./ode.js";
import { type SeedParams, validateSeedParams } from "./seedParams.js";

/** The seed model with Q_in and Q_out as inputs, set between steps (constants or schedules). */
export class SeedModel {
  readonly params: SeedParams;
  /** Heat input [W] used by the next step; starts at the parameter `Q_in`. */
  qInW = Number.NaN;
  /** Heat rejection [W] used by the next step; starts at the parameter `Q_out`. */
  qOutW = Number.NaN;
  /** `(tS, [T_hot, T_cold], dydt)`: the right-hand side, bound to this model. */
  readonly rhs: OdeRhs;

  /** Validates `params` (a ConfigError names a missing, unknown or bad parameter). */
  constructor(params: SeedParams) {
    this.params = validateSeedParams(params);
    this.qInW = params.Q_in;
    this.qOutW = params.Q_out;
    this.rhs = (_tS, y, dydt) => {
      const p = this.params;
      const diff = (y[0] as number) - (y[1] as number);
      const advected = p.m_dot * p.cp * diff;
      dydt[0] = (this.qInW - p.UA * diff - advected) / p.C;
      dydt[1] = (advected - this.qOutW) / p.C;
    };
  }

  /** The initial state `[T_hot0, T_cold0]` [C]. */
  initialState(): Float64Array {
    return Float64Array.of(this.params.T_hot0, this.params.T_cold0);
  }

  /** Time constant [s] of the difference, C/(UA + 2 m_dot cp) (Infinity if nothing couples the nodes). */
  fastestTimeConstantS(): number {
    const k = this.params.UA + 2 * this.params.m_dot * this.params.cp;
    return k > 0 ? this.params.C / k : Number.POSITIVE_INFINITY;
  }
}

/** The difference T_hot - T_cold [K] the seed model relaxes to with constant Q_in, Q_out. */
export function seedAsymptoticDifferenceK(
  params: SeedParams,
  qInW = params.Q_in,
  qOutW = params.Q_out,
): number {
  return (qInW + qOutW) / (params.UA + 2 * params.m_dot * params.cp);
}

/** The rate [K/s] at which T_hot + T_cold drifts once the difference has relaxed. */
export function seedSumDriftKPerS(params: SeedParams, qInW = params.Q_in, qOutW = params.Q_out): number {
  return (qInW - params.UA * seedAsymptoticDifferenceK(params, qInW, qOutW) - qOutW) / params.C;
}
