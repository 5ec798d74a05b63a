/**
 * PCA monitoring statistics over a feature vector (MacGregor & Kourti, "Statistical process
 * control of multivariate processes", Control Eng. Practice 3 (1995); Jackson & Mudholkar 1979
 * for Q):
 *
 * - Hotelling's T-squared in the retained principal subspace: T2 = sum_j t_j^2 / lambda_j with
 *   t = P^T (x - mean), P the k leading eigenvectors of the training covariance, lambda_j their
 *   eigenvalues (k: the fewest components explaining `varianceFraction` of the variance).
 * - Q (SPE), the squared distance to that subspace: Q = |x - mean|^2 - |t|^2.
 * - One score, the combined index of Yue & Qin (J. Process Control 11 (2001)): phi = T2 / T2_lim +
 *   Q / Q_lim, each statistic divided by its 99th percentile on the training rows, so that neither
 *   dominates by its units and a single threshold covers both.
 *
 * Fitting uses `ml-pca` (SVD of the centred training features). Scoring precomputes the projection
 * into Float64Arrays and allocates nothing per sample.
 */
import { PCA } from "ml-pca";
import { ConfigError } from "../../core/errors.js";
import { quantile } from "./thresholds.js";

/** The percentile of the training T2 and Q each is divided by in the combined index. */
export const PCA_LIMIT_QUANTILE = 0.99;
/** Floor on eigenvalues and on the T2/Q limits, against division by zero on constant features. */
const FLOOR = 1e-12;

export interface PcaOptions {
  /** Retain the fewest leading components whose eigenvalues sum to at least this fraction. @default 0.9 */
  readonly varianceFraction: number;
}

export const DEFAULT_PCA_OPTIONS: PcaOptions = { varianceFraction: 0.9 };

/** A fitted PCA monitor: plain data, saved as JSON by learnedModelFile.ts. */
export interface PcaModel {
  readonly kind: "pca";
  /** Training mean of each feature. */
  readonly featureMean: readonly number[];
  /** The k retained eigenvectors, each as long as featureMean (orthonormal rows). */
  readonly components: readonly (readonly number[])[];
  /** Their eigenvalues (training variances along each component), > 0. */
  readonly eigenvalues: readonly number[];
  /** T2 limit: 99th percentile of T2 on the training rows. */
  readonly t2Limit: number;
  /** Q limit: 99th percentile of Q on the training rows. */
  readonly qLimit: number;
}

export function validatePcaOptions(options: PcaOptions, field = "pca"): void {
  const v = options.varianceFraction;
  if (!(Number.isFinite(v) && v > 0 && v <= 1))
    throw new ConfigError(`${field}.varianceFraction`, v, "must be in (0, 1]");
}

/**
 * Fits the monitor to training feature rows (each a vector of the same length). Needs at least
 * two rows and more rows than features for a usable covariance.
 */
export function fitPca(
  rows: readonly ArrayLike<number>[],
  options: PcaOptions = DEFAULT_PCA_OPTIONS,
): PcaModel {
  validatePcaOptions(options);
  const n = rows.length;
  const p = rows[0]?.length ?? 0;
  if (p === 0) throw new ConfigError("features", p, "need at least one feature");
  if (n <= p)
    throw new ConfigError("training rows", n, `need more usable training rows than features (${p})`);
  const data = rows.map((r) => Array.from(r));
  const pca = new PCA(data, { center: true, scale: false });
  const featureMean = pca.toJSON().means;
  const allEigen = pca.getEigenvalues();
  const vectors = pca.getEigenvectors();
  const total = allEigen.reduce((a, b) => a + Math.max(b, 0), 0);
  let k = 0;
  if (total > 0) {
    let cumulative = 0;
    while (k < allEigen.length && cumulative < options.varianceFraction * total * (1 - 1e-12)) {
      cumulative += Math.max(allEigen[k] as number, 0);
      k++;
    }
  }
  const components: number[][] = [];
  const eigenvalues: number[] = [];
  for (let j = 0; j < k; j++) {
    components.push(vectors.getColumn(j));
    eigenvalues.push(Math.max(allEigen[j] as number, FLOOR));
  }
  const provisional: PcaModel = { kind: "pca", featureMean, components, eigenvalues, t2Limit: 1, qLimit: 1 };
  const scorer = new PcaScorer(provisional);
  const t2 = new Float64Array(n);
  const q = new Float64Array(n);
  rows.forEach((r, i) => {
    scorer.score(r);
    t2[i] = scorer.lastT2;
    q[i] = scorer.lastQ;
  });
  return {
    ...provisional,
    t2Limit: Math.max(quantile(t2, PCA_LIMIT_QUANTILE), FLOOR),
    qLimit: Math.max(quantile(q, PCA_LIMIT_QUANTILE), FLOOR),
  };
}

/** Scores feature vectors against a {@link PcaModel}; allocation-free after construction. */
export class PcaScorer {
  readonly featureCount: number;
  readonly componentCount: number;
  /** T2 of the last scored vector. */
  lastT2 = 0;
  /** Q of the last scored vector. */
  lastQ = 0;
  private readonly mean: Float64Array;
  /** Row-major k x p. */
  private readonly projection: Float64Array;
  private readonly invEigen: Float64Array;
  private readonly centred: Float64Array;
  private readonly invT2Limit: number;
  private readonly invQLimit: number;

  constructor(model: PcaModel) {
    const p = model.featureMean.length;
    const k = model.components.length;
    this.featureCount = p;
    this.componentCount = k;
    this.mean = Float64Array.from(model.featureMean);
    this.projection = new Float64Array(k * p);
    model.components.forEach((row, j) => {
      if (row.length !== p) throw new ConfigError(`components[${j}]`, row.length, `must have ${p} entries`);
      this.projection.set(row, j * p);
    });
    this.invEigen = Float64Array.from(model.eigenvalues, (l) => 1 / l);
    this.centred = new Float64Array(p);
    this.invT2Limit = 1 / model.t2Limit;
    this.invQLimit = 1 / model.qLimit;
  }

  /** Combined index of the last vector passed to {@link score}. */
  lastScore = 0;

  /**
   * Scores one feature vector: sets {@link lastT2}, {@link lastQ} and {@link lastScore} (the
   * combined index T2 / T2_lim + Q / Q_lim). Returns nothing because V8 boxes a double returned
   * from a call it does not inline (a heap allocation per sample); field stores do not allocate.
   */
  score(features: ArrayLike<number>): void {
    const p = this.featureCount;
    let norm2 = 0;
    for (let m = 0; m < p; m++) {
      const d = (features[m] as number) - (this.mean[m] as number);
      this.centred[m] = d;
      norm2 += d * d;
    }
    let t2 = 0;
    let explained = 0;
    for (let j = 0; j < this.componentCount; j++) {
      let t = 0;
      const base = j * p;
      for (let m = 0; m < p; m++) t += (this.projection[base + m] as number) * (this.centred[m] as number);
      t2 += t * t * (this.invEigen[j] as number);
      explained += t * t;
    }
    const q = Math.max(norm2 - explained, 0);
    this.lastT2 = t2;
    this.lastQ = q;
    this.lastScore = t2 * this.invT2Limit + q * this.invQLimit;
  }
}
