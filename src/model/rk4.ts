/**
 * Classic fourth-order Runge-Kutta with a fixed step (Kutta 1901; Hairer, Norsett & Wanner,
 * Solving Ordinary Differential Equations I, sec. II.1). Work arrays are allocated once per integrator;
 * stepping allocates nothing.
 */
import { IntegrationError } from "../core/errors.js";
import type { OdeRhs } from "./ode.js";

/**
 * How many equal RK4 steps no longer than `maxStepS` take `t0S` to `t1S` (0 for an empty span);
 * the one rule of {@link Rk4.advance} and the seed model's inlined integrator (seedRk4.ts).
 */
export function rk4StepCount(t0S: number, t1S: number, maxStepS: number): number {
  const span = t1S - t0S;
  if (!(span >= 0)) throw new RangeError(`Rk4.advance: t1S (${t1S}) must be >= t0S (${t0S})`);
  if (span === 0) return 0;
  if (!(maxStepS > 0)) throw new RangeError(`Rk4.advance: maxStepS must be > 0 (got ${maxStepS})`);
  return Math.max(1, Math.ceil(span / maxStepS - 1e-9));
}

/** A fixed-step RK4 integrator for a system of `n` equations. */
export class Rk4 {
  readonly n: number;
  private readonly rhs: OdeRhs;
  private readonly k1: Float64Array;
  private readonly k2: Float64Array;
  private readonly k3: Float64Array;
  private readonly k4: Float64Array;
  private readonly tmp: Float64Array;

  constructor(n: number, rhs: OdeRhs) {
    if (!(Number.isInteger(n) && n > 0)) throw new RangeError(`Rk4: n must be a positive integer (got ${n})`);
    this.n = n;
    this.rhs = rhs;
    this.k1 = new Float64Array(n);
    this.k2 = new Float64Array(n);
    this.k3 = new Float64Array(n);
    this.k4 = new Float64Array(n);
    this.tmp = new Float64Array(n);
  }

  /** One step of size `hS` from (tS, y); `y` is updated in place. */
  step(tS: number, y: Float64Array, hS: number): void {
    const { n, k1, k2, k3, k4, tmp, rhs } = this;
    const half = hS / 2;
    rhs(tS, y, k1);
    for (let i = 0; i < n; i++) tmp[i] = (y[i] as number) + half * (k1[i] as number);
    rhs(tS + half, tmp, k2);
    for (let i = 0; i < n; i++) tmp[i] = (y[i] as number) + half * (k2[i] as number);
    rhs(tS + half, tmp, k3);
    for (let i = 0; i < n; i++) tmp[i] = (y[i] as number) + hS * (k3[i] as number);
    rhs(tS + hS, tmp, k4);
    const sixth = hS / 6;
    for (let i = 0; i < n; i++) {
      y[i] =
        (y[i] as number) +
        sixth * ((k1[i] as number) + 2 * (k2[i] as number) + 2 * (k3[i] as number) + (k4[i] as number));
    }
  }

  /**
   * Advances `y` in place from `t0S` to exactly `t1S` in equal steps no longer than `maxStepS`.
   * Returns the number of steps. Throws an {@link IntegrationError} (with the simulation time)
   * when the state stops being finite.
   */
  advance(t0S: number, y: Float64Array, t1S: number, maxStepS: number): number {
    const steps = rk4StepCount(t0S, t1S, maxStepS);
    if (steps === 0) return 0;
    const h = (t1S - t0S) / steps;
    for (let s = 0; s < steps; s++) {
      const tS = s === 0 ? t0S : t0S + s * h;
      this.step(tS, y, h);
      for (let i = 0; i < this.n; i++) {
        if (!Number.isFinite(y[i] as number))
          throw new IntegrationError(
            tS + h,
            `state ${i} is not finite (${y[i]}) after an RK4 step of ${h} s`,
          );
      }
    }
    return steps;
  }
}

/**
 * Solves `y' = rhs(t, y)` from `y0` at `tOutS[0]` and writes the state at every output time into
 * `out` (row-major, `tOutS.length * y0.length`), with RK4 steps no longer than `maxStepS`.
 */
export function solveRk4(
  rhs: OdeRhs,
  y0: Float64Array,
  tOutS: Float64Array,
  maxStepS: number,
  out: Float64Array,
): Float64Array {
  const n = y0.length;
  if (out.length < tOutS.length * n)
    throw new RangeError(`solveRk4: out needs ${tOutS.length * n} entries (got ${out.length})`);
  const rk = new Rk4(n, rhs);
  const y = Float64Array.from(y0);
  for (let k = 0; k < tOutS.length; k++) {
    if (k > 0) rk.advance(tOutS[k - 1] as number, y, tOutS[k] as number, maxStepS);
    out.set(y, k * n);
  }
  return out;
}
