/**
 * Isolation Forest (Liu, Ting & Zhou, "Isolation Forest", ICDM 2008): an ensemble of random
 * binary trees, each grown on a random subsample of the training rows by splitting a random
 * feature at a uniform random value between its minimum and maximum in the node, up to a height
 * limit of ceil(log2 subsample). Anomalies are isolated in few splits, so the score
 * s(x) = 2^(-E[h(x)] / c(psi)) is high (towards 1) for them and about 0.5 or less for nominal
 * rows; h(x) is the depth of the leaf x falls in plus c(leaf size), c(n) = 2 H(n - 1) - 2 (n - 1) / n
 * the average path length of an unsuccessful search in a binary search tree (H the harmonic number).
 *
 * Limitation: every split value lies inside the training range, so all points beyond that range
 * on a feature share the leaves of the most extreme training points and get about the same
 * score, however far out they are. A level shift is therefore scored no higher than the training
 * extremes, and a threshold at the training maximum rarely fires on it (SKAB valve1: F1 0.04;
 * PCA's T2/Q grow with the distance instead). Isolation Forest is here for nominal data that is
 * multimodal or nonlinear, where a single PCA subspace fits poorly.
 *
 * Trees are stored flat in plain arrays (saved as JSON) and scored from typed arrays without
 * allocation. Growth draws from the project's SeededRng, so a seed reproduces a forest exactly.
 */
import { ConfigError } from "../../core/errors.js";
import { SeededRng } from "../../core/rng.js";

export interface IsolationForestOptions {
  /** Number of trees. @default 100 */
  readonly trees: number;
  /** Rows drawn (without replacement) for each tree; capped at the training rows. @default 256 */
  readonly sampleRows: number;
  /** Seed of the random draws. @default 1 */
  readonly seed: number;
}

export const DEFAULT_ISOLATION_FOREST_OPTIONS: IsolationForestOptions = {
  trees: 100,
  sampleRows: 256,
  seed: 1,
};

/** A fitted forest: all trees' nodes in parallel arrays, trees starting at `roots`. */
export interface IsolationForestModel {
  readonly kind: "iforest";
  readonly featureCount: number;
  /** Subsample size psi actually used (sets the normalisation c(psi)). */
  readonly sampleRows: number;
  /** Index of each tree's root node. */
  readonly roots: readonly number[];
  /** Split feature per node, -1 for a leaf. */
  readonly feature: readonly number[];
  /** Split value per node (x[feature] < split goes left); 0 for a leaf. */
  readonly split: readonly number[];
  /** Left and right child per node; -1 for a leaf. */
  readonly left: readonly number[];
  readonly right: readonly number[];
  /** Training rows that reached each leaf (0 for inner nodes). */
  readonly leafSize: readonly number[];
}

const EULER_GAMMA = 0.5772156649015329;

/** Average path length of an unsuccessful BST search among n points (Liu et al. 2008, eq. 1). */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

export function validateIsolationForestOptions(o: IsolationForestOptions, field = "iforest"): void {
  if (!Number.isInteger(o.trees) || o.trees < 1)
    throw new ConfigError(`${field}.trees`, o.trees, "must be a whole number >= 1");
  if (!Number.isInteger(o.sampleRows) || o.sampleRows < 2)
    throw new ConfigError(`${field}.sampleRows`, o.sampleRows, "must be a whole number >= 2");
  if (!Number.isFinite(o.seed)) throw new ConfigError(`${field}.seed`, o.seed, "must be a finite number");
}

/** Grows a forest on the training feature rows. */
export function fitIsolationForest(
  rows: readonly ArrayLike<number>[],
  options: IsolationForestOptions = DEFAULT_ISOLATION_FOREST_OPTIONS,
): IsolationForestModel {
  validateIsolationForestOptions(options);
  const n = rows.length;
  const p = rows[0]?.length ?? 0;
  if (p === 0) throw new ConfigError("features", p, "need at least one feature");
  if (n < 2) throw new ConfigError("training rows", n, "need at least 2 usable training rows");
  const psi = Math.min(options.sampleRows, n);
  const heightLimit = Math.ceil(Math.log2(psi));
  const rng = new SeededRng(options.seed);
  const feature: number[] = [];
  const split: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const leafSize: number[] = [];
  const roots: number[] = [];
  const index = Array.from({ length: n }, (_, i) => i);
  const candidates: number[] = [];

  const grow = (members: number[], depth: number): number => {
    const node = feature.length;
    feature.push(-1);
    split.push(0);
    left.push(-1);
    right.push(-1);
    leafSize.push(members.length);
    if (depth >= heightLimit || members.length <= 1) return node;
    candidates.length = 0;
    const lo = new Float64Array(p).fill(Number.POSITIVE_INFINITY);
    const hi = new Float64Array(p).fill(Number.NEGATIVE_INFINITY);
    for (const m of members) {
      const r = rows[m] as ArrayLike<number>;
      for (let q = 0; q < p; q++) {
        const v = r[q] as number;
        if (v < (lo[q] as number)) lo[q] = v;
        if (v > (hi[q] as number)) hi[q] = v;
      }
    }
    for (let q = 0; q < p; q++) if ((hi[q] as number) > (lo[q] as number)) candidates.push(q);
    if (candidates.length === 0) return node;
    const q = candidates[rng.int(candidates.length)] as number;
    const a = lo[q] as number;
    const b = hi[q] as number;
    // Uniform in (a, b]; a split equal to the minimum would send nothing left.
    let s = a + rng.uniform() * (b - a);
    if (!(s > a)) s = b;
    const goLeft: number[] = [];
    const goRight: number[] = [];
    for (const m of members)
      ((rows[m] as ArrayLike<number>)[q] as number) < s ? goLeft.push(m) : goRight.push(m);
    feature[node] = q;
    split[node] = s;
    leafSize[node] = 0;
    const l = grow(goLeft, depth + 1);
    const r = grow(goRight, depth + 1);
    left[node] = l;
    right[node] = r;
    return node;
  };

  for (let t = 0; t < options.trees; t++) {
    // Partial Fisher-Yates: the first psi entries become a uniform sample without replacement.
    for (let i = 0; i < psi; i++) {
      const j = i + rng.int(n - i);
      const tmp = index[i] as number;
      index[i] = index[j] as number;
      index[j] = tmp;
    }
    roots.push(grow(index.slice(0, psi), 0));
  }
  return { kind: "iforest", featureCount: p, sampleRows: psi, roots, feature, split, left, right, leafSize };
}

/** Scores feature vectors against a forest; allocation-free after construction. */
export class IsolationForestScorer {
  private readonly roots: Int32Array;
  private readonly feature: Int32Array;
  private readonly split: Float64Array;
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  /** c(leaf size) per node, precomputed. */
  private readonly leafAdjust: Float64Array;
  private readonly invNorm: number;

  constructor(model: IsolationForestModel) {
    this.roots = Int32Array.from(model.roots);
    this.feature = Int32Array.from(model.feature);
    this.split = Float64Array.from(model.split);
    this.left = Int32Array.from(model.left);
    this.right = Int32Array.from(model.right);
    this.leafAdjust = Float64Array.from(model.leafSize, (s) => averagePathLength(s));
    this.invNorm = 1 / (this.roots.length * Math.max(averagePathLength(model.sampleRows), 1e-12));
  }

  /** Score of the last vector passed to {@link score}. */
  lastScore = 0;

  /**
   * Scores one feature vector into {@link lastScore}: 2^(-E[h(x)] / c(psi)), in (0, 1]. Returns
   * nothing because V8 boxes a double returned from a call it does not inline (a heap allocation
   * per sample); a field store does not allocate.
   */
  score(features: ArrayLike<number>): void {
    let total = 0;
    for (let t = 0; t < this.roots.length; t++) {
      let node = this.roots[t] as number;
      let depth = 0;
      for (;;) {
        const q = this.feature[node] as number;
        if (q < 0) break;
        node = (
          (features[q] as number) < (this.split[node] as number) ? this.left[node] : this.right[node]
        ) as number;
        depth++;
      }
      total += depth + (this.leafAdjust[node] as number);
    }
    this.lastScore = 2 ** (-total * this.invNorm);
  }
}
