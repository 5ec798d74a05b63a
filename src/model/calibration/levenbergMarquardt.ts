/**
 * Levenberg-Marquardt for bound-constrained nonlinear least squares, min 1/2 ||r(theta)||^2, with
 * a finite-difference Jacobian. The damped normal equations
 *
 *   (J^T J + mu diag(J^T J)) delta = -J^T r
 *
 * use Marquardt's scaling (invariant to the units of each parameter) and Nielsen's update of mu
 * from the gain ratio (Madsen, Nielsen & Tingleff, Methods for Non-Linear Least Squares Problems,
 * 2nd ed., 2004, algorithm 3.16). A step is projected onto the bounds. The linear algebra of the
 * p x p systems is ml-matrix; the N x p Jacobian is kept as p columns of length N so that a long
 * time series costs p + 1 residual vectors, nothing more.
 */
import { CholeskyDecomposition, Matrix, solve } from "ml-matrix";

/** Writes the residuals at `theta` into `out` (length {@link LmProblem.residualCount}). */
export type ResidualFn = (theta: Float64Array, out: Float64Array) => void;

export interface LmProblem {
  readonly residualCount: number;
  readonly residuals: ResidualFn;
  /** Starting point (copied). */
  readonly theta0: ArrayLike<number>;
  /** Lower bounds per parameter. @default -Infinity each */
  readonly lower?: ArrayLike<number>;
  /** Upper bounds per parameter. @default +Infinity each */
  readonly upper?: ArrayLike<number>;
}

export interface LmOptions {
  /** Most iterations (Jacobian evaluations). @default 100 */
  readonly maxIterations?: number;
  /** Stop when the largest |J^T r| component falls below this. @default 1e-10 */
  readonly gradientTolerance?: number;
  /** Stop when a step is shorter than stepTolerance * (||theta|| + stepTolerance). @default 1e-10 */
  readonly stepTolerance?: number;
  /** Stop when an accepted step lowers the cost by less than this fraction. @default 1e-12 */
  readonly costTolerance?: number;
  /** Initial damping (dimensionless: it multiplies diag(J^T J)). @default 1e-3 */
  readonly initialDamping?: number;
  /** Finite-difference step per parameter (absolute). @default 1e-6 * max(1, |theta_j|) */
  readonly differenceSteps?: ArrayLike<number>;
  /** Central differences (2p residual evaluations per Jacobian) or forward (p). @default "central" */
  readonly differences?: "central" | "forward";
}

export type LmStopReason =
  | "gradient"
  | "step"
  | "cost"
  | "max_iterations"
  | "no_parameters"
  | "non_finite"
  | "damping";

export interface LmResult {
  /** The parameters at the minimum found. */
  readonly theta: Float64Array;
  /** Residuals at `theta`. */
  readonly residuals: Float64Array;
  /** 1/2 ||r||^2 at `theta`. */
  readonly cost: number;
  /** J^T J at `theta` (p x p; the Jacobian is evaluated at the final point). */
  readonly jtj: Matrix;
  /** Jacobian columns at `theta` (p arrays of length N). */
  readonly jacobian: readonly Float64Array[];
  readonly iterations: number;
  readonly evaluations: number;
  /** True when a tolerance was met (not the iteration limit or a numerical failure). */
  readonly converged: boolean;
  readonly reason: LmStopReason;
}

function sumSquares(r: Float64Array): number {
  let s = 0;
  for (let i = 0; i < r.length; i++) {
    const x = r[i] as number;
    s += x * x;
  }
  return s;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/** Finite-difference Jacobian columns at `theta` (respecting the bounds) into `cols`. */
function jacobianAt(
  problem: LmProblem,
  theta: Float64Array,
  r0: Float64Array,
  steps: Float64Array,
  lower: Float64Array,
  upper: Float64Array,
  central: boolean,
  cols: Float64Array[],
  work: Float64Array,
  work2: Float64Array,
): number {
  let evaluations = 0;
  const trial = Float64Array.from(theta);
  for (let j = 0; j < theta.length; j++) {
    const x = theta[j] as number;
    const h = steps[j] as number;
    const col = cols[j] as Float64Array;
    const canUp = x + h <= (upper[j] as number);
    const canDown = x - h >= (lower[j] as number);
    if (central && canUp && canDown) {
      trial[j] = x + h;
      problem.residuals(trial, work);
      trial[j] = x - h;
      problem.residuals(trial, work2);
      evaluations += 2;
      const inv = 1 / (2 * h);
      for (let i = 0; i < col.length; i++) col[i] = ((work[i] as number) - (work2[i] as number)) * inv;
    } else {
      const signed = canUp ? h : -h;
      trial[j] = x + signed;
      problem.residuals(trial, work);
      evaluations++;
      const inv = 1 / signed;
      for (let i = 0; i < col.length; i++) col[i] = ((work[i] as number) - (r0[i] as number)) * inv;
    }
    trial[j] = x;
  }
  return evaluations;
}

function normalMatrices(cols: Float64Array[], r: Float64Array): { jtj: Matrix; jtr: Float64Array } {
  const p = cols.length;
  const jtj = new Matrix(p, p);
  const jtr = new Float64Array(p);
  for (let a = 0; a < p; a++) {
    const ca = cols[a] as Float64Array;
    jtr[a] = dot(ca, r);
    for (let b = a; b < p; b++) {
      const v = dot(ca, cols[b] as Float64Array);
      jtj.set(a, b, v);
      jtj.set(b, a, v);
    }
  }
  return { jtj, jtr };
}

/** Solves the damped system; Cholesky when it is positive definite, LU/SVD otherwise. */
function dampedStep(jtj: Matrix, jtr: Float64Array, mu: number, diagFloor: number): Float64Array {
  const p = jtr.length;
  const m = jtj.clone();
  for (let j = 0; j < p; j++) m.set(j, j, m.get(j, j) + mu * Math.max(jtj.get(j, j), diagFloor));
  const rhs = Matrix.columnVector(Array.from(jtr, (x) => -x));
  const chol = new CholeskyDecomposition(m);
  const x = chol.isPositiveDefinite() ? chol.solve(rhs) : solve(m, rhs, true);
  return Float64Array.from(x.getColumn(0));
}

/** Minimises 1/2 ||r(theta)||^2 from `problem.theta0` within the bounds. */
export function levenbergMarquardt(problem: LmProblem, options: LmOptions = {}): LmResult {
  const p = problem.theta0.length;
  const n = problem.residualCount;
  const maxIterations = options.maxIterations ?? 100;
  const gtol = options.gradientTolerance ?? 1e-10;
  const xtol = options.stepTolerance ?? 1e-10;
  const ftol = options.costTolerance ?? 1e-12;
  const central = (options.differences ?? "central") === "central";
  const lower = Float64Array.from({ length: p }, (_v, j) => problem.lower?.[j] ?? Number.NEGATIVE_INFINITY);
  const upper = Float64Array.from({ length: p }, (_v, j) => problem.upper?.[j] ?? Number.POSITIVE_INFINITY);
  const clampInto = (t: Float64Array): void => {
    for (let j = 0; j < p; j++)
      t[j] = Math.min(upper[j] as number, Math.max(lower[j] as number, t[j] as number));
  };
  const theta = Float64Array.from(problem.theta0);
  clampInto(theta);
  const steps = Float64Array.from(
    { length: p },
    (_v, j) => options.differenceSteps?.[j] ?? 1e-6 * Math.max(1, Math.abs(theta[j] as number)),
  );
  const r = new Float64Array(n);
  const rTrial = new Float64Array(n);
  const work = new Float64Array(n);
  const work2 = new Float64Array(n);
  const cols = Array.from({ length: p }, () => new Float64Array(n));
  problem.residuals(theta, r);
  let evaluations = 1;
  let cost = sumSquares(r) / 2;
  // Whether `cols` hold the Jacobian at the current theta.
  let current = false;
  const finish = (reason: LmStopReason, iterations: number): LmResult => {
    if (!current)
      evaluations += jacobianAt(problem, theta, r, steps, lower, upper, central, cols, work, work2);
    const { jtj } = normalMatrices(cols, r);
    const converged =
      reason === "gradient" || reason === "step" || reason === "cost" || reason === "no_parameters";
    return { theta, residuals: r, cost, jtj, jacobian: cols, iterations, evaluations, converged, reason };
  };
  if (!Number.isFinite(cost)) return finish("non_finite", 0);
  if (p === 0) return finish("no_parameters", 0);

  let mu = -1;
  let nu = 2;
  let iterations = 0;
  let fresh = true;
  let jtj = new Matrix(p, p);
  let jtr: Float64Array = new Float64Array(p);
  while (iterations < maxIterations) {
    if (fresh) {
      evaluations += jacobianAt(problem, theta, r, steps, lower, upper, central, cols, work, work2);
      ({ jtj, jtr } = normalMatrices(cols, r));
      current = true;
      iterations++;
      fresh = false;
      let gmax = 0;
      for (let j = 0; j < p; j++) {
        // A component pushing against an active bound does not count.
        const g = jtr[j] as number;
        const blocked =
          ((theta[j] as number) <= (lower[j] as number) && g > 0) ||
          ((theta[j] as number) >= (upper[j] as number) && g < 0);
        if (!blocked) gmax = Math.max(gmax, Math.abs(g));
      }
      if (gmax <= gtol * Math.max(1, cost)) return finish("gradient", iterations);
      // Marquardt's scaling makes mu dimensionless.
      if (mu < 0) mu = options.initialDamping ?? 1e-3;
    }
    let dmax = 0;
    for (let j = 0; j < p; j++) dmax = Math.max(dmax, jtj.get(j, j));
    const delta = dampedStep(jtj, jtr, mu, dmax * 1e-12 + 1e-300);
    const trial = new Float64Array(p);
    let stepNorm = 0;
    let thetaNorm = 0;
    for (let j = 0; j < p; j++) {
      trial[j] = (theta[j] as number) + (delta[j] as number);
    }
    clampInto(trial);
    for (let j = 0; j < p; j++) {
      const d = (trial[j] as number) - (theta[j] as number);
      delta[j] = d;
      stepNorm += d * d;
      thetaNorm += (theta[j] as number) ** 2;
    }
    stepNorm = Math.sqrt(stepNorm);
    thetaNorm = Math.sqrt(thetaNorm);
    if (stepNorm <= xtol * (thetaNorm + xtol)) return finish("step", iterations);
    problem.residuals(trial, rTrial);
    evaluations++;
    const trialCost = sumSquares(rTrial) / 2;
    // Predicted reduction of the linear model: -delta^T J^T r - 1/2 delta^T J^T J delta.
    let predicted = 0;
    for (let a = 0; a < p; a++) {
      let jd = 0;
      for (let b = 0; b < p; b++) jd += jtj.get(a, b) * (delta[b] as number);
      predicted -= (delta[a] as number) * ((jtr[a] as number) + jd / 2);
    }
    const gain = Number.isFinite(trialCost) && predicted > 0 ? (cost - trialCost) / predicted : -1;
    if (gain > 0) {
      const relativeDrop = (cost - trialCost) / Math.max(cost, 1e-300);
      theta.set(trial);
      r.set(rTrial);
      current = false;
      cost = trialCost;
      mu *= Math.max(1 / 3, 1 - (2 * gain - 1) ** 3);
      nu = 2;
      fresh = true;
      if (relativeDrop < ftol) return finish("cost", iterations);
    } else {
      mu *= nu;
      nu *= 2;
      if (!(mu < 1e30)) return finish("damping", iterations);
    }
  }
  return finish("max_iterations", iterations);
}
