/**
 * Adaptive Dormand-Prince 5(4) (Dormand & Prince 1980; coefficients, error norm, step-size
 * controller and starting step as in Hairer, Norsett & Wanner, Solving ODEs I, sec. II.4 and
 * their DOPRI5 code). Fifth-order solution, embedded fourth-order error estimate, FSAL.
 *
 * Output times are hit exactly: a step never crosses the end of `integrate`, so callers also put
 * every input discontinuity at an end point and never integrate across one. Work arrays are
 * allocated once per integrator; stepping allocates nothing.
 */
import { ConfigError, IntegrationError } from "../core/errors.js";
import type { OdeRhs } from "./ode.js";

/** Control options; {@link resolveDopri5Options} applies the defaults and validates. */
export interface Dopri5Options {
  /** Relative tolerance per component. @default 1e-6 */
  readonly rtol?: number;
  /** Absolute tolerance per component (in the state's units). @default 1e-9 */
  readonly atol?: number;
  /** Largest step [s]. @default Infinity */
  readonly maxStepS?: number;
  /** First step [s]; estimated from the problem when absent. @default undefined */
  readonly initialStepS?: number;
  /** Most steps (accepted or rejected) in one `integrate` call before giving up. @default 1_000_000 */
  readonly maxSteps?: number;
}

export interface ResolvedDopri5Options {
  readonly rtol: number;
  readonly atol: number;
  readonly maxStepS: number;
  readonly initialStepS: number | undefined;
  readonly maxSteps: number;
}

/** Applies defaults and checks every option, naming the bad one. */
export function resolveDopri5Options(options: Dopri5Options = {}): ResolvedDopri5Options {
  const rtol = options.rtol ?? 1e-6;
  const atol = options.atol ?? 1e-9;
  const maxStepS = options.maxStepS ?? Number.POSITIVE_INFINITY;
  const maxSteps = options.maxSteps ?? 1_000_000;
  if (!(Number.isFinite(rtol) && rtol > 0))
    throw new ConfigError("rtol", rtol, "must be a finite number > 0");
  if (!(Number.isFinite(atol) && atol >= 0))
    throw new ConfigError("atol", atol, "must be a finite number >= 0");
  if (rtol === 0 && atol === 0) throw new ConfigError("atol", atol, "rtol and atol cannot both be 0");
  if (!(maxStepS > 0)) throw new ConfigError("maxStepS", maxStepS, "must be > 0");
  if (
    options.initialStepS !== undefined &&
    !(options.initialStepS > 0 && Number.isFinite(options.initialStepS))
  )
    throw new ConfigError("initialStepS", options.initialStepS, "must be a finite number > 0");
  if (!(Number.isInteger(maxSteps) && maxSteps > 0))
    throw new ConfigError("maxSteps", maxSteps, "must be a positive integer");
  return { rtol, atol, maxStepS, initialStepS: options.initialStepS, maxSteps };
}

// Butcher tableau of DOPRI5 (Hairer, Norsett & Wanner, table II.5.2).
const C2 = 1 / 5;
const C3 = 3 / 10;
const C4 = 4 / 5;
const C5 = 8 / 9;
const A21 = 1 / 5;
const A31 = 3 / 40;
const A32 = 9 / 40;
const A41 = 44 / 45;
const A42 = -56 / 15;
const A43 = 32 / 9;
const A51 = 19372 / 6561;
const A52 = -25360 / 2187;
const A53 = 64448 / 6561;
const A54 = -212 / 729;
const A61 = 9017 / 3168;
const A62 = -355 / 33;
const A63 = 46732 / 5247;
const A64 = 49 / 176;
const A65 = -5103 / 18656;
const A71 = 35 / 384;
const A73 = 500 / 1113;
const A74 = 125 / 192;
const A75 = -2187 / 6784;
const A76 = 11 / 84;
// Difference between the fifth- and fourth-order weights.
const E1 = 71 / 57600;
const E3 = -71 / 16695;
const E4 = 71 / 1920;
const E5 = -17253 / 339200;
const E6 = 22 / 525;
const E7 = -1 / 40;

const SAFETY = 0.9;
const FAC_MIN = 0.2;
const FAC_MAX = 10;

/** Counters since construction (or the last {@link Dopri5.resetStats}). */
export interface Dopri5Stats {
  accepted: number;
  rejected: number;
  rhsCalls: number;
}

/** An adaptive DOPRI5 integrator for a system of `n` equations. */
export class Dopri5 {
  readonly n: number;
  readonly options: ResolvedDopri5Options;
  readonly stats: Dopri5Stats = { accepted: 0, rejected: 0, rhsCalls: 0 };
  private readonly rhs: OdeRhs;
  private readonly k1: Float64Array;
  private readonly k2: Float64Array;
  private readonly k3: Float64Array;
  private readonly k4: Float64Array;
  private readonly k5: Float64Array;
  private readonly k6: Float64Array;
  private readonly k7: Float64Array;
  private readonly yTmp: Float64Array;
  private readonly yNew: Float64Array;
  /** Step size to try next; NaN until the first step has been estimated. */
  private hNext = Number.NaN;

  constructor(n: number, rhs: OdeRhs, options: Dopri5Options = {}) {
    if (!(Number.isInteger(n) && n > 0))
      throw new RangeError(`Dopri5: n must be a positive integer (got ${n})`);
    this.n = n;
    this.rhs = rhs;
    this.options = resolveDopri5Options(options);
    this.k1 = new Float64Array(n);
    this.k2 = new Float64Array(n);
    this.k3 = new Float64Array(n);
    this.k4 = new Float64Array(n);
    this.k5 = new Float64Array(n);
    this.k6 = new Float64Array(n);
    this.k7 = new Float64Array(n);
    this.yTmp = new Float64Array(n);
    this.yNew = new Float64Array(n);
    if (this.options.initialStepS !== undefined) this.hNext = this.options.initialStepS;
  }

  /** Forgets the step size, so the next call estimates a fresh one. */
  resetStepSize(): void {
    this.hNext = this.options.initialStepS ?? Number.NaN;
  }

  resetStats(): void {
    this.stats.accepted = 0;
    this.stats.rejected = 0;
    this.stats.rhsCalls = 0;
  }

  /** Weighted RMS norm of `v` with scale atol + rtol*|y| (Hairer's eq. II.4.11). */
  private norm(v: Float64Array, y: Float64Array): number {
    const { rtol, atol } = this.options;
    let sum = 0;
    for (let i = 0; i < this.n; i++) {
      const r = (v[i] as number) / (atol + rtol * Math.abs(y[i] as number));
      sum += r * r;
    }
    return Math.sqrt(sum / this.n);
  }

  /** Starting step (Hairer, Norsett & Wanner, sec. II.4, "Starting step size"); k1 holds f(t0, y0). */
  private initialStep(t0S: number, y: Float64Array): number {
    const { k1, k2, yTmp } = this;
    const d0 = this.norm(y, y);
    const d1 = this.norm(k1, y);
    const h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : (0.01 * d0) / d1;
    for (let i = 0; i < this.n; i++) yTmp[i] = (y[i] as number) + h0 * (k1[i] as number);
    this.rhs(t0S + h0, yTmp, k2);
    this.stats.rhsCalls++;
    for (let i = 0; i < this.n; i++) yTmp[i] = (k2[i] as number) - (k1[i] as number);
    const d2 = this.norm(yTmp, y) / h0;
    const dMax = Math.max(d1, d2);
    const h1 = dMax <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : (0.01 / dMax) ** (1 / 5);
    return Math.min(100 * h0, h1);
  }

  /**
   * Advances `y` in place from `t0S` to exactly `t1S`. Throws an {@link IntegrationError} naming
   * the simulation time when the step size underflows, the step budget runs out or the state
   * stops being finite.
   */
  integrate(t0S: number, y: Float64Array, t1S: number): void {
    if (!(t1S >= t0S)) throw new RangeError(`Dopri5.integrate: t1S (${t1S}) must be >= t0S (${t0S})`);
    if (t1S === t0S) return;
    const { n, rhs, k1, k2, k3, k4, k5, k6, k7, yTmp, yNew, stats } = this;
    const { maxStepS, maxSteps, rtol, atol } = this.options;
    let t = t0S;
    rhs(t, y, k1);
    stats.rhsCalls++;
    let h = Number.isNaN(this.hNext) ? this.initialStep(t, y) : this.hNext;
    let rejectedLast = false;
    let nonFinite = false;
    for (let attempt = 0; ; attempt++) {
      if (attempt >= maxSteps)
        throw new IntegrationError(t, `more than ${maxSteps} steps between ${t0S} s and ${t1S} s`);
      h = Math.min(h, maxStepS);
      const hWanted = h;
      const remaining = t1S - t;
      // Land exactly on t1S; stretch a step by up to 1 % rather than leave a sliver behind.
      const last = h >= remaining * 0.99;
      if (last) h = remaining;
      if (!(h > Math.abs(t) * 1e-14 + 1e-300)) {
        throw new IntegrationError(
          t,
          nonFinite
            ? "the state became non-finite (step size underflow)"
            : `step size underflow (h = ${h} s)`,
        );
      }

      for (let i = 0; i < n; i++) yTmp[i] = (y[i] as number) + h * A21 * (k1[i] as number);
      rhs(t + C2 * h, yTmp, k2);
      for (let i = 0; i < n; i++)
        yTmp[i] = (y[i] as number) + h * (A31 * (k1[i] as number) + A32 * (k2[i] as number));
      rhs(t + C3 * h, yTmp, k3);
      for (let i = 0; i < n; i++)
        yTmp[i] =
          (y[i] as number) +
          h * (A41 * (k1[i] as number) + A42 * (k2[i] as number) + A43 * (k3[i] as number));
      rhs(t + C4 * h, yTmp, k4);
      for (let i = 0; i < n; i++)
        yTmp[i] =
          (y[i] as number) +
          h *
            (A51 * (k1[i] as number) +
              A52 * (k2[i] as number) +
              A53 * (k3[i] as number) +
              A54 * (k4[i] as number));
      rhs(t + C5 * h, yTmp, k5);
      for (let i = 0; i < n; i++)
        yTmp[i] =
          (y[i] as number) +
          h *
            (A61 * (k1[i] as number) +
              A62 * (k2[i] as number) +
              A63 * (k3[i] as number) +
              A64 * (k4[i] as number) +
              A65 * (k5[i] as number));
      const tNew = last ? t1S : t + h;
      rhs(tNew, yTmp, k6);
      for (let i = 0; i < n; i++)
        yNew[i] =
          (y[i] as number) +
          h *
            (A71 * (k1[i] as number) +
              A73 * (k3[i] as number) +
              A74 * (k4[i] as number) +
              A75 * (k5[i] as number) +
              A76 * (k6[i] as number));
      rhs(tNew, yNew, k7);
      stats.rhsCalls += 6;

      // Error estimate and its norm with scale atol + rtol * max(|y|, |yNew|); NaN if anything blew up.
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const e =
          h *
          (E1 * (k1[i] as number) +
            E3 * (k3[i] as number) +
            E4 * (k4[i] as number) +
            E5 * (k5[i] as number) +
            E6 * (k6[i] as number) +
            E7 * (k7[i] as number));
        const sc = atol + rtol * Math.max(Math.abs(y[i] as number), Math.abs(yNew[i] as number));
        const r = e / sc;
        sum += r * r;
      }
      const errNorm = Math.sqrt(sum / n);
      if (!(errNorm <= 1)) {
        stats.rejected++;
        rejectedLast = true;
        nonFinite = !Number.isFinite(errNorm);
        h *= nonFinite ? FAC_MIN : Math.max(FAC_MIN, SAFETY * errNorm ** -0.2);
        continue;
      }
      stats.accepted++;
      const fac = Math.min(
        rejectedLast ? 1 : FAC_MAX,
        Math.max(FAC_MIN, errNorm === 0 ? FAC_MAX : SAFETY * errNorm ** -0.2),
      );
      y.set(yNew);
      k1.set(k7); // FSAL: the last stage is the next step's first.
      if (last) {
        // A final step shortened to land on t1S says little about the next call's first step.
        this.hNext = Math.max(h * fac, hWanted);
        return;
      }
      this.hNext = h * fac;
      t = tNew;
      rejectedLast = false;
      nonFinite = false;
      h = this.hNext;
    }
  }
}

/**
 * Solves `y' = rhs(t, y)` from `y0` at `tOutS[0]` and writes the state at every output time
 * (exactly) into `out` (row-major, `tOutS.length * y0.length`).
 */
export function solveDopri5(
  rhs: OdeRhs,
  y0: Float64Array,
  tOutS: Float64Array,
  out: Float64Array,
  options: Dopri5Options = {},
): Float64Array {
  const n = y0.length;
  if (out.length < tOutS.length * n)
    throw new RangeError(`solveDopri5: out needs ${tOutS.length * n} entries (got ${out.length})`);
  const solver = new Dopri5(n, rhs, options);
  const y = Float64Array.from(y0);
  for (let k = 0; k < tOutS.length; k++) {
    if (k > 0) solver.integrate(tOutS[k - 1] as number, y, tOutS[k] as number);
    out.set(y, k * n);
  }
  return out;
}
