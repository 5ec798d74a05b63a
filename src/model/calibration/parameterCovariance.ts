/**
 * Uncertainty of least-squares estimates from the Jacobian at the optimum: the asymptotic
 * covariance `s^2 (J^T J)^-1` with `s^2 = ||r||^2 / (N - p)` (Seber & Wild, Nonlinear
 * Regression, 1989, sec. 2.1.2; exact for a linear model with white noise). J^T J is first scaled
 * to unit diagonal, so its eigenvalues measure identifiability independently of units: a tiny
 * eigenvalue is a direction in parameter space the data does not see, and the parameters that
 * weigh in its eigenvector are the ones that cannot be told apart.
 */
import { EigenvalueDecomposition, Matrix } from "ml-matrix";

/** Below this ratio of the smallest to the largest scaled eigenvalue J^T J counts as near-singular. */
export const DEFAULT_SINGULAR_RATIO = 1e-10;

export interface CovarianceResult {
  /** Residual variance s^2 = ||r||^2 / (N - p). */
  readonly residualVariance: number;
  /** Covariance of the parameters (p x p), `s^2 (J^T J)^-1`. */
  readonly covariance: Matrix;
  /** Standard deviation of each parameter (Infinity when the data does not constrain it). */
  readonly std: Float64Array;
  /** Correlation matrix (p x p); NaN entries for unconstrained parameters. */
  readonly correlation: Matrix;
  /** Eigenvalues of the unit-diagonal J^T J, ascending (1 each for orthogonal columns). */
  readonly scaledEigenvalues: Float64Array;
  /** Ratio of the smallest to the largest scaled eigenvalue (0 when a column is zero). */
  readonly conditionRatio: number;
  /**
   * Parameter-space directions the data barely sees (scaled eigenvalue below the singular ratio
   * times the largest): for each, the indices of the parameters with weight >= 0.3 in it.
   */
  readonly weakDirections: readonly (readonly number[])[];
}

/**
 * Covariance and identifiability of a least-squares fit from J^T J at the optimum, the residual
 * sum of squares and the number of residuals that carry data (`n`).
 */
export function parameterCovariance(
  jtj: Matrix,
  sumSquares: number,
  n: number,
  singularRatio = DEFAULT_SINGULAR_RATIO,
): CovarianceResult {
  const p = jtj.rows;
  const dof = Math.max(1, n - p);
  const s2 = sumSquares / dof;
  const scale = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const d = jtj.get(j, j);
    scale[j] = d > 0 ? 1 / Math.sqrt(d) : 0;
  }
  const scaled = new Matrix(p, p);
  for (let a = 0; a < p; a++)
    for (let b = 0; b < p; b++) scaled.set(a, b, jtj.get(a, b) * (scale[a] as number) * (scale[b] as number));
  const evd = p > 0 ? new EigenvalueDecomposition(scaled, { assumeSymmetric: true }) : undefined;
  const values = evd?.realEigenvalues ?? [];
  const vectors = evd?.eigenvectorMatrix ?? scaled;
  const order = values.map((_v, i) => i).sort((x, y) => (values[x] as number) - (values[y] as number));
  const largest = Math.max(...values, 0);
  const scaledEigenvalues = Float64Array.from(order, (i) => values[i] as number);
  const weakDirections: number[][] = [];
  // Inverse of the scaled matrix from its eigenpairs; a (near-)null direction gets infinite variance.
  const inv = new Matrix(p, p);
  const unconstrained = new Uint8Array(p);
  for (const i of order) {
    const lambda = values[i] as number;
    const v = vectors.getColumn(i);
    const weak = !(lambda > singularRatio * largest);
    if (weak) {
      const members = v.map((w, j) => (Math.abs(w) >= 0.3 ? j : -1)).filter((j) => j >= 0);
      weakDirections.push(members);
      for (const j of members) unconstrained[j] = 1;
      continue;
    }
    for (let a = 0; a < p; a++)
      for (let b = 0; b < p; b++)
        inv.set(a, b, inv.get(a, b) + ((v[a] as number) * (v[b] as number)) / lambda);
  }
  for (let j = 0; j < p; j++) if (scale[j] === 0) unconstrained[j] = 1;
  const covariance = new Matrix(p, p);
  const std = new Float64Array(p);
  for (let a = 0; a < p; a++) {
    for (let b = 0; b < p; b++) {
      const free = unconstrained[a] === 1 || unconstrained[b] === 1;
      const c = free
        ? a === b
          ? Number.POSITIVE_INFINITY
          : Number.NaN
        : s2 * inv.get(a, b) * (scale[a] as number) * (scale[b] as number);
      covariance.set(a, b, c);
    }
    std[a] = Math.sqrt(covariance.get(a, a));
  }
  const correlation = new Matrix(p, p);
  for (let a = 0; a < p; a++)
    for (let b = 0; b < p; b++) {
      const denom = (std[a] as number) * (std[b] as number);
      correlation.set(a, b, a === b ? 1 : Number.isFinite(denom) ? covariance.get(a, b) / denom : Number.NaN);
    }
  const smallest = scaledEigenvalues.length > 0 ? Math.max(0, scaledEigenvalues[0] as number) : 0;
  return {
    residualVariance: s2,
    covariance,
    std,
    correlation,
    scaledEigenvalues,
    conditionRatio: largest > 0 ? smallest / largest : 0,
    weakDirections,
  };
}
