/**
 * How long the temperatures need to tell a pump fault from a flow-meter fault: the time after a
 * change of the measured flow at which the monitor's pump-versus-meter evidence (a
 * log-likelihood ratio between a twin on the intended flow and a twin on the measured flow,
 * monitor.ts) is expected to reach its decision level, from the loop model.
 *
 * Why there is such a time: right after a flow change neither temperature can have moved yet
 * (the loop's thermal lag), so "T_hot - T_cold did not move" says nothing about the meter until a
 * real change of flow would have had time to move it. Over seconds (short against the radiator's
 * C_cold/UA, 300 s on the default rig) the loop model of docs/design.md 2.2 gives, for the difference
 * e = T_hot - T_cold with UA (T_cold - T_sink) still at its old value Q_in:
 *
 *   de/dt = k (Q_in - m_dot cp e),  k = 1/C_hot + 1/C_cold,
 *
 * so from e0 a twin on a flow m relaxes as e(t) = e0 + k (Q_in - m cp e0) (1 - exp(-k m cp t))/(k m cp)
 * (linearly, at k (Q_in - 0) per second, for m = 0). The flow exchange moves heat between the
 * nodes (C_hot dT_hot = -C_cold dT_cold), so a difference D between the two twins' e is
 * D C_cold/(C_hot + C_cold) on T_hot and -D C_hot/(C_hot + C_cold) on T_cold.
 *
 * When one twin is right, each sample adds to the log-likelihood ratio, in expectation, the
 * Kullback-Leibler divergence of two Gaussians of equal variance, |delta|^2 / (2 sigma^2) with
 * |delta|^2 = D^2 (C_hot^2 + C_cold^2)/(C_hot + C_cold)^2 (Wald, "Sequential tests of statistical
 * hypotheses", Ann. Math. Stat. 16(2), 1945: the expected sample number of a sequential
 * probability ratio test is its decision level over the mean increment). The monitor counts
 * increments only while |D| is beyond the band the isolation trusts the twins to (a divergence
 * below it is model error, not evidence), and so does this sum; the time returned is when it
 * first reaches the decision level.
 *
 * Called by the diagnosis (not per sample); allocation-free.
 */

/** What the estimate needs; SI units, temperatures in K. */
export interface FlowDecisionInput {
  /** Heat input the twins assume [W]. */
  readonly heaterW: number;
  readonly cHotJK: number;
  readonly cColdJK: number;
  readonly cpJKgK: number;
  /** Radiator conductance [W/K]: C_cold/UA bounds the horizon (the approximation's validity). */
  readonly uaWK: number;
  /** Mass flow the intended-flow twin assumes [kg/s]. */
  readonly intendedKgS: number;
  /** Mass flow the meter reads [kg/s]. */
  readonly measuredKgS: number;
  /** T_hot - T_cold of the intended-flow twin when the flow changed [K]. */
  readonly deltaTK: number;
  /** Thermistor noise of one reading [K rms]. */
  readonly sensorNoiseK: number;
  /** Telemetry rate [Hz]: one evidence increment per sample. */
  readonly rateHz: number;
  /** Decision level of the log-likelihood ratio [nats]. */
  readonly evidenceNats: number;
  /** Least divergence of T_hot - T_cold that counts [K] (the isolation's band). */
  readonly bandK: number;
}

/** Steps of the expected-evidence sum over the horizon, at most (the sample period if finer). */
const MAX_STEPS = 4000;

/** (1 - exp(-a t)) / a, and t for a = 0: the response of e to a unit forcing. */
function lag(a: number, t: number): number {
  return a > 0 ? -Math.expm1(-a * t) / a : t;
}

/**
 * Seconds after a change of flow from `intendedKgS` to `measuredKgS` at which the temperatures
 * are expected to decide pump versus meter (see the file comment); `Infinity` when they cannot
 * within the radiator's time constant (no heat input, or a change of flow too small to move
 * T_hot - T_cold beyond `bandK`), NaN for non-finite inputs or no radiator (UA <= 0).
 */
export function flowDecisionTimeS(i: FlowDecisionInput): number {
  const k = 1 / i.cHotJK + 1 / i.cColdJK;
  const ma = Math.max(0, i.intendedKgS);
  const mb = Math.max(0, i.measuredKgS);
  const aA = k * ma * i.cpJKgK;
  const aB = k * mb * i.cpJKgK;
  const cA = k * (i.heaterW - ma * i.cpJKgK * i.deltaTK);
  const cB = k * (i.heaterW - mb * i.cpJKgK * i.deltaTK);
  const sum = i.cHotJK + i.cColdJK;
  const split = (i.cHotJK * i.cHotJK + i.cColdJK * i.cColdJK) / (sum * sum);
  const perSecond = (i.rateHz * split) / (2 * i.sensorNoiseK * i.sensorNoiseK);
  const horizonS = i.cColdJK / i.uaWK;
  const finite =
    Number.isFinite(aA) &&
    Number.isFinite(aB) &&
    Number.isFinite(cA) &&
    Number.isFinite(cB) &&
    Number.isFinite(perSecond) &&
    Number.isFinite(i.evidenceNats) &&
    Number.isFinite(i.bandK);
  if (!finite || !(horizonS > 0 && horizonS < Number.POSITIVE_INFINITY)) return Number.NaN;
  const h = Math.max(1 / i.rateHz, horizonS / MAX_STEPS);
  let evidence = 0;
  const steps = Math.floor(horizonS / h);
  for (let n = 1; n <= steps; n++) {
    const t = n * h;
    const d = cB * lag(aB, t) - cA * lag(aA, t);
    if (Math.abs(d) < i.bandK) continue;
    evidence += perSecond * d * d * h;
    if (evidence >= i.evidenceNats) return t;
  }
  return Number.POSITIVE_INFINITY;
}
