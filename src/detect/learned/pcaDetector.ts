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
  /**
   * Three features (the twin's three residuals, the live session's default channels) with up to
   * three components: {@link score} takes {@link scoreThree}, the same sums written out.
   */
  private readonly three: boolean;
  /** The projection as 3 x 3, rows past k zero (not read: {@link scoreThree} takes t_j = +0 there). */
  private readonly projection3 = new Float64Array(9);
  /** 1 / eigenvalue for 3 components, 0 past k. */
  private readonly invEigen3 = new Float64Array(3);

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
    this.three = p === 3 && k <= 3;
    if (this.three) {
      this.projection3.set(this.projection);
      this.invEigen3.set(this.invEigen);
    }
  }

  /** Combined index of the last vector passed to {@link score}. */
  lastScore = 0;

  /**
   * Scores one feature vector: sets {@link lastT2}, {@link lastQ} and {@link lastScore} (the
   * combined index T2 / T2_lim + Q / Q_lim). Returns nothing because V8 boxes a double returned
   * from a call it does not inline (a heap allocation per sample); field stores do not allocate.
   */
  score(features: ArrayLike<number>): void {
    if (this.three) {
      this.scoreThree(features);
      return;
    }
    // Fields read once into locals: each `this.x[i]` in the loops reloaded the array and its
    // length.
    const p = this.featureCount;
    const k = this.componentCount;
    const mean = this.mean;
    const centred = this.centred;
    const projection = this.projection;
    const invEigen = this.invEigen;
    let norm2 = 0;
    for (let m = 0; m < p; m++) {
      const d = (features[m] as number) - (mean[m] as number);
      centred[m] = d;
      norm2 += d * d;
    }
    let t2 = 0;
    let explained = 0;
    for (let j = 0, base = 0; j < k; j++, base += p) {
      let t = 0;
      for (let m = 0; m < p; m++) t += (projection[base + m] as number) * (centred[m] as number);
      t2 += t * t * (invEigen[j] as number);
      explained += t * t;
    }
    const q = Math.max(norm2 - explained, 0);
    this.lastT2 = t2;
    this.lastQ = q;
    this.lastScore = t2 * this.invT2Limit + q * this.invQLimit;
  }

  /**
   * {@link score} for three features, unrolled: in the loops V8 checks for interrupts on every
   * back edge and bounds on every load, three times the cost of the arithmetic at this size (517
   * against 183 instructions a vector, cachegrind). Each sum starts at 0 and adds its terms in
   * the loops' order, and a coordinate past k is +0 (not the padded row times the vector: 0 times
   * an infinite feature is NaN, which made T2 NaN where the loops give Infinity), adding +0 to
   * sums that are never -0: the scores are the loops' doubles for any features.
   */
  private scoreThree(features: ArrayLike<number>): void {
    const mean = this.mean;
    const pr = this.projection3;
    const ie = this.invEigen3;
    const k = this.componentCount;
    const d0 = (features[0] as number) - (mean[0] as number);
    const d1 = (features[1] as number) - (mean[1] as number);
    const d2 = (features[2] as number) - (mean[2] as number);
    const norm2 = 0 + d0 * d0 + d1 * d1 + d2 * d2;
    // The vector's coordinates along the three components.
    const c0 = k > 0 ? 0 + (pr[0] as number) * d0 + (pr[1] as number) * d1 + (pr[2] as number) * d2 : 0;
    const c1 = k > 1 ? 0 + (pr[3] as number) * d0 + (pr[4] as number) * d1 + (pr[5] as number) * d2 : 0;
    const c2 = k > 2 ? 0 + (pr[6] as number) * d0 + (pr[7] as number) * d1 + (pr[8] as number) * d2 : 0;
    const t2 = 0 + c0 * c0 * (ie[0] as number) + c1 * c1 * (ie[1] as number) + c2 * c2 * (ie[2] as number);
    const explained = 0 + c0 * c0 + c1 * c1 + c2 * c2;
    const q = Math.max(norm2 - explained, 0);
    this.lastT2 = t2;
    this.lastQ = q;
    this.lastScore = t2 * this.invT2Limit + q * this.invQLimit;
  }
}
