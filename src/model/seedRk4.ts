/**
 * Classic RK4 for the seed model with its right-hand side written inline (issue 16: the generic
 * {@link Rk4} calling {@link SeedModel.rhs} through a closure and work arrays was a third of a
 * 24 h `simulate --model seed` run).
 *
 * Bit for bit the same states as `new Rk4(2, model.rhs).advance(...)`: every floating-point
 * operation is the same, in the same order (m_dot cp is formed once, as JavaScript evaluates
 * `m_dot * cp * diff` left to right; the divisions by C stay divisions). tests/model/seedRk4.test.ts
 * compares the two on random parameters, states and spans. An exact update of the linear system
 * would be faster still but rounds differently, so the CSV would change in its last digits.
 */
import { IntegrationError } from "../core/errors.js";
import { rk4StepCount } from "./rk4.js";
import type { SeedModel } from "./seedModel.js";

export class SeedRk4 {
  private readonly model: SeedModel;
  private readonly uaWK: number;
  private readonly mDotCpWK: number;
  private readonly capacityJK: number;

  /** Reads `model.qInW` and `model.qOutW` at every {@link advance}; the parameters once. */
  constructor(model: SeedModel) {
    this.model = model;
    this.uaWK = model.params.UA;
    this.mDotCpWK = model.params.m_dot * model.params.cp;
    this.capacityJK = model.params.C;
  }

  /**
   * Advances `y = [T_hot, T_cold]` in place from `t0S` to exactly `t1S` in equal steps no longer
   * than `maxStepS`, as {@link Rk4.advance} does (same steps, errors and messages). Returns the
   * number of steps.
   */
  advance(t0S: number, y: Float64Array, t1S: number, maxStepS: number): number {
    const steps = rk4StepCount(t0S, t1S, maxStepS);
    if (steps === 0) return 0;
    const h = (t1S - t0S) / steps;
    const half = h / 2;
    const sixth = h / 6;
    const ua = this.uaWK;
    const mcp = this.mDotCpWK;
    const c = this.capacityJK;
    const qIn = this.model.qInW;
    const qOut = this.model.qOutW;
    let hot = y[0] as number;
    let cold = y[1] as number;
    for (let s = 0; s < steps; s++) {
      let diff = hot - cold;
      let adv = mcp * diff;
      const k1h = (qIn - ua * diff - adv) / c;
      const k1c = (adv - qOut) / c;
      diff = hot + half * k1h - (cold + half * k1c);
      adv = mcp * diff;
      const k2h = (qIn - ua * diff - adv) / c;
      const k2c = (adv - qOut) / c;
      diff = hot + half * k2h - (cold + half * k2c);
      adv = mcp * diff;
      const k3h = (qIn - ua * diff - adv) / c;
      const k3c = (adv - qOut) / c;
      diff = hot + h * k3h - (cold + h * k3c);
      adv = mcp * diff;
      const k4h = (qIn - ua * diff - adv) / c;
      const k4c = (adv - qOut) / c;
      hot = hot + sixth * (k1h + 2 * k2h + 2 * k3h + k4h);
      cold = cold + sixth * (k1c + 2 * k2c + 2 * k3c + k4c);
      if (!(Number.isFinite(hot) && Number.isFinite(cold))) {
        y[0] = hot;
        y[1] = cold;
        const i = Number.isFinite(hot) ? 1 : 0;
        const tS = s === 0 ? t0S : t0S + s * h;
        throw new IntegrationError(tS + h, `state ${i} is not finite (${y[i]}) after an RK4 step of ${h} s`);
      }
    }
    y[0] = hot;
    y[1] = cold;
    return steps;
  }
}
