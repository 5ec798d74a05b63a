/**
 * Isolation Forest (src/detect/learned/isolationForest.ts, Liu, Ting & Zhou, ICDM 2008) beyond
 * isolationForest.test.ts: the refusals with their whole message, the scorer on a forest built by
 * hand (path lengths by the paper's formula), the trees' shape as properties of Algorithm 2 when
 * every tree sees every training row, and forests whose splits are forced by the data.
 */
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import { SeededRng } from "../../src/core/rng.js";
import {
  fitIsolationForest,
  type IsolationForestModel,
  IsolationForestScorer,
  validateIsolationForestOptions,
} from "../../src/detect/learned/isolationForest.js";

/** c(n) of Liu et al. eq. 1 with H(i) = ln(i) + Euler's constant, as the paper estimates it. */
function c(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + 0.5772156649015329) - (2 * (n - 1)) / n;
}

describe("Isolation Forest options and training rows", () => {
  const rows = [Float64Array.of(0, 1), Float64Array.of(1, 0), Float64Array.of(2, 2)];

  it("refuses options with the whole message, naming the field it is given", () => {
    const ok = { trees: 1, sampleRows: 2, seed: 1 };
    for (const [o, msg] of [
      [{ trees: 0 }, "iforest.trees: must be a whole number >= 1 (got 0)"],
      [{ trees: 1.5 }, "iforest.trees: must be a whole number >= 1 (got 1.5)"],
      [{ sampleRows: 1 }, "iforest.sampleRows: must be a whole number >= 2 (got 1)"],
      [{ sampleRows: 2.5 }, "iforest.sampleRows: must be a whole number >= 2 (got 2.5)"],
      [{ seed: Number.NaN }, "iforest.seed: must be a finite number (got NaN)"],
      [{ seed: Number.POSITIVE_INFINITY }, "iforest.seed: must be a finite number (got Infinity)"],
    ] as const) {
      expect(() => fitIsolationForest(rows, { ...ok, ...o })).toThrow(msg);
      expect(() => fitIsolationForest(rows, { ...ok, ...o })).toThrow(ConfigError);
    }
    expect(() => validateIsolationForestOptions({ ...ok, trees: 0 }, "learned.iforest")).toThrow(
      "learned.iforest.trees: must be a whole number >= 1 (got 0)",
    );
    // The smallest allowed: one tree on two rows.
    expect(fitIsolationForest(rows, ok).roots).toHaveLength(1);
  });

  it("refuses rows without features, and fewer than two rows, with the whole message", () => {
    expect(() => fitIsolationForest([])).toThrow("features: need at least one feature (got 0)");
    expect(() => fitIsolationForest([[], []])).toThrow("features: need at least one feature (got 0)");
    expect(() => fitIsolationForest([rows[0] as Float64Array])).toThrow(
      "training rows: need at least 2 usable training rows (got 1)",
    );
    const two = fitIsolationForest(rows.slice(0, 2), { trees: 3, sampleRows: 256, seed: 1 });
    expect(two.kind).toBe("iforest");
    expect(two.sampleRows).toBe(2);
    expect(two.featureCount).toBe(2);
  });
});

describe("Isolation Forest scorer on a forest built by hand", () => {
  // psi = 5. Tree A: root splits feature 0 at 1 (x < 1 left): a leaf of 2 rows on the left; on
  // the right a node splitting feature 1 at 2 into leaves of 1 and 2 rows. Tree B: one leaf of 5.
  const model: IsolationForestModel = {
    kind: "iforest",
    featureCount: 2,
    sampleRows: 5,
    roots: [0, 5],
    feature: [0, -1, 1, -1, -1, -1],
    split: [1, 0, 2, 0, 0, 0],
    left: [1, -1, 3, -1, -1, -1],
    right: [2, -1, 4, -1, -1, -1],
    leafSize: [0, 2, 0, 1, 2, 5],
  };
  /** 2^(-E[h] / c(5)), with tree B's h = 0 + c(5). */
  const expected = (hA: number) => 2 ** (-((hA + c(5)) / 2) / c(5));

  it("scores by the depth of the leaf reached plus c(leaf size), averaged over the trees", () => {
    const s = new IsolationForestScorer(model);
    // Left leaf: depth 1 + c(2) = 2.
    s.score([0.5, 7]);
    expect(s.lastScore).toBeCloseTo(expected(2), 14);
    // Right, then feature 1 below 2: depth 2 + c(1) = 2.
    s.score([3, 0]);
    expect(s.lastScore).toBeCloseTo(expected(2), 14);
    // Right, then feature 1 at 2 or above: depth 2 + c(2) = 3.
    s.score([3, 5]);
    expect(s.lastScore).toBeCloseTo(expected(3), 14);
    // The score falls as the path grows: 3 is a longer path than 2.
    expect(expected(3)).toBeLessThan(expected(2));
  });

  it("sends a value equal to the split right (x < split goes left)", () => {
    const s = new IsolationForestScorer(model);
    // x0 = 1 is not < 1: right; x1 = 2 is not < 2: right again, depth 2 + c(2) = 3.
    s.score([1, 2]);
    expect(s.lastScore).toBeCloseTo(expected(3), 14);
    // Just below both splits: left at the root, depth 1 + c(2) = 2.
    s.score([1 - 2 ** -52, 2]);
    expect(s.lastScore).toBeCloseTo(expected(2), 14);
  });

  it("a forest of single leaves of psi rows scores 2^-1 everywhere", () => {
    const leaves: IsolationForestModel = {
      kind: "iforest",
      featureCount: 1,
      sampleRows: 8,
      roots: [0, 1, 2],
      feature: [-1, -1, -1],
      split: [0, 0, 0],
      left: [-1, -1, -1],
      right: [-1, -1, -1],
      leafSize: [8, 8, 8],
    };
    const s = new IsolationForestScorer(leaves);
    s.score([123]);
    expect(s.lastScore).toBeCloseTo(0.5, 14);
  });
});

/** Routes every training row through tree `root`; returns each node's rows (by index). */
function route(model: IsolationForestModel, rows: readonly ArrayLike<number>[], root: number) {
  const members = new Map<number, number[]>();
  const depthOf = new Map<number, number>();
  rows.forEach((r, i) => {
    let node = root;
    let depth = 0;
    for (;;) {
      members.set(node, [...(members.get(node) ?? []), i]);
      depthOf.set(node, depth);
      const q = model.feature[node] as number;
      if (q < 0) break;
      node = (
        (r[q] as number) < (model.split[node] as number) ? model.left[node] : model.right[node]
      ) as number;
      depth++;
    }
  });
  return { members, depthOf };
}

describe("Isolation Forest trees (Algorithm 2) when every tree sees every row", () => {
  // 64 rows, sampleRows 64: each tree is grown on all of them, so routing the rows through a tree
  // gives each node the rows it was grown on. One feature, with a few ties.
  const rng = new SeededRng(41);
  const rows = Array.from({ length: 64 }, (_, i) => Float64Array.of(i % 9 === 0 ? 0.5 : rng.normal()));
  // Fitted inside each test, not here: Stryker activates a mutant only while tests run, so a
  // model fitted when the file is collected would be the unmutated one.
  const growForest = () => fitIsolationForest(rows, { trees: 40, sampleRows: 64, seed: 9 });
  const limit = Math.ceil(Math.log2(64));

  it("splits each node strictly inside its rows' range; both sides hold rows; inner nodes count none", () => {
    const model = growForest();
    for (const root of model.roots) {
      const { members } = route(model, rows, root);
      for (const [node, ids] of members) {
        const q = model.feature[node] as number;
        if (q < 0) {
          expect(model.leafSize[node]).toBe(ids.length);
          continue;
        }
        expect(model.leafSize[node]).toBe(0);
        const v = ids.map((i) => (rows[i] as Float64Array)[q] as number);
        const s = model.split[node] as number;
        expect(s).toBeGreaterThan(Math.min(...v));
        expect(s).toBeLessThanOrEqual(Math.max(...v));
        expect(members.get(model.left[node] as number)?.length ?? 0).toBeGreaterThan(0);
        expect(members.get(model.right[node] as number)?.length ?? 0).toBeGreaterThan(0);
      }
    }
  });

  it("stops at the height limit or where the rows cannot be split (one row, or equal rows)", () => {
    const model = growForest();
    for (const root of model.roots) {
      const { members, depthOf } = route(model, rows, root);
      for (const [node, ids] of members) {
        const depth = depthOf.get(node) as number;
        expect(depth).toBeLessThanOrEqual(limit);
        if ((model.feature[node] as number) >= 0 || depth === limit) continue;
        // A leaf above the limit: nothing left to split.
        const v = new Set(ids.map((i) => (rows[i] as Float64Array)[0]));
        expect(v.size).toBe(1);
      }
    }
  });

  it("draws each split uniformly between its rows' minimum and maximum", () => {
    const model = growForest();
    let sum = 0;
    let count = 0;
    for (const root of model.roots) {
      const { members } = route(model, rows, root);
      for (const [node, ids] of members) {
        if ((model.feature[node] as number) < 0) continue;
        const v = ids.map((i) => (rows[i] as Float64Array)[0] as number);
        const lo = Math.min(...v);
        sum += ((model.split[node] as number) - lo) / (Math.max(...v) - lo);
        count++;
      }
    }
    // Uniform on (0, 1]: mean 1/2, standard error sqrt(1/12 / count) (below 0.01 here).
    expect(count).toBeGreaterThan(800);
    expect(Math.abs(sum / count - 0.5)).toBeLessThan(0.05);
  });
});

describe("Isolation Forest trees forced by the data", () => {
  it("two adjacent doubles: every root splits at the larger, one row on each side", () => {
    // a + u (b - a) with b - a one unit in the last place rounds to a or b; a split at a would
    // send nothing left, so the split is b, and b (not < b) goes right.
    const a = 1;
    const b = 1 + Number.EPSILON;
    // Feature 1 is constant: never a split candidate.
    const model = fitIsolationForest([Float64Array.of(a, 5), Float64Array.of(b, 5)], {
      trees: 50,
      sampleRows: 2,
      seed: 4,
    });
    for (const root of model.roots) {
      expect(model.feature[root]).toBe(0);
      expect(model.split[root]).toBe(b);
      expect(model.leafSize[root]).toBe(0);
      const l = model.left[root] as number;
      const r = model.right[root] as number;
      // A leaf: feature -1, split 0, no children (-1), the rows that reached it.
      for (const leaf of [l, r])
        expect([
          model.feature[leaf],
          model.split[leaf],
          model.left[leaf],
          model.right[leaf],
          model.leafSize[leaf],
        ]).toEqual([-1, 0, -1, -1, 1]);
    }
    const s = new IsolationForestScorer(model);
    // Every path: depth 1 + c(1) = 1 = c(2): the score is 2^-1.
    s.score([a, 5]);
    expect(s.lastScore).toBe(0.5);
  });

  it("equal rows are not split: every tree is one leaf holding the subsample", () => {
    const same = Array.from({ length: 6 }, () => Float64Array.of(2, -3));
    const model = fitIsolationForest(same, { trees: 5, sampleRows: 4, seed: 8 });
    expect(model.feature).toEqual([-1, -1, -1, -1, -1]);
    expect(model.leafSize).toEqual([4, 4, 4, 4, 4]);
    expect(model.roots).toEqual([0, 1, 2, 3, 4]);
    const s = new IsolationForestScorer(model);
    s.score([100, 100]);
    expect(s.lastScore).toBeCloseTo(0.5, 14);
  });
});

describe("Isolation Forest draws (a seed reproduces a forest)", () => {
  it("draws, per tree, the subsample by a partial Fisher-Yates shuffle, then per split a feature and a value", () => {
    // Three rows, subsample 2, height limit 1: each tree is a root split into two leaves of one row.
    // The documented draws, replayed on the same generator: for i = 0, 1 swap index i with
    // i + int(3 - i); the root's feature is int(2) of the two (both vary); its split is
    // a + u (b - a) over the two rows' values of that feature.
    const rows = [Float64Array.of(0, 5), Float64Array.of(10, 1), Float64Array.of(20, 3)];
    const seed = 12;
    const model = fitIsolationForest(rows, { trees: 2, sampleRows: 2, seed });
    const r = new SeededRng(seed);
    const index = [0, 1, 2];
    for (let t = 0; t < 2; t++) {
      for (let i = 0; i < 2; i++) {
        const j = i + r.int(3 - i);
        [index[i], index[j]] = [index[j] as number, index[i] as number];
      }
      const q = r.int(2);
      const v = [0, 1].map((k) => (rows[index[k] as number] as Float64Array)[q] as number);
      const a = Math.min(...v);
      const b = Math.max(...v);
      const root = 3 * t;
      expect(model.roots[t]).toBe(root);
      expect(model.feature[root]).toBe(q);
      expect(model.split[root]).toBe(a + r.uniform() * (b - a));
      expect([model.left[root], model.right[root]]).toEqual([root + 1, root + 2]);
    }
    // The two trees drew different subsamples or splits: the replay covered both.
    expect(model.split[0]).not.toBe(model.split[3]);
  });

  it("a split drawn onto a subnormal minimum becomes the maximum, the first of +0 and -0 in the subsample", () => {
    // Rows -2^-1074 (the least subnormal), +0 and -0; subsample 3, height limit 2. The root's
    // only candidate feature spans a = -2^-1074 to b = ±0, so b - a = 2^-1074 and u (b - a)
    // rounds to 0 for u <= 1/2: the split a + 0 is not above a and is replaced by b, the node's
    // maximum, which is the first of the two zeros in the subsample's order (a later equal value
    // is not above it). For u > 1/2 the split is a + 2^-1074 = +0. Replayed on the same
    // generator (as the test above), over seeds 1 to 12: the first zero is -0 with u <= 1/2 for
    // seeds 2 and 12, +0 for seeds 1, 7, 8 and 11 (worked independently in Python, xoshiro128**
    // re-implemented from src/core/rng.ts).
    const tiny = -(2 ** -1074);
    const rows = [Float64Array.of(tiny), Float64Array.of(0), Float64Array.of(-0)];
    let firstMinusZero = 0;
    let firstPlusZero = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const model = fitIsolationForest(rows, { trees: 1, sampleRows: 3, seed });
      const r = new SeededRng(seed);
      const index = [0, 1, 2];
      for (let i = 0; i < 3; i++) {
        const j = i + r.int(3 - i);
        [index[i], index[j]] = [index[j] as number, index[i] as number];
      }
      r.int(1); // the split feature, the only candidate
      const u = r.uniform();
      const firstZero = index
        .map((i) => (rows[i] as Float64Array)[0] as number)
        .find((v) => v === 0) as number;
      const want = u <= 0.5 ? firstZero : 0;
      if (u <= 0.5) Object.is(firstZero, -0) ? firstMinusZero++ : firstPlusZero++;
      expect(model.split[0]).toBe(want);
      expect(model.feature[0]).toBe(0);
    }
    expect([firstMinusZero, firstPlusZero]).toEqual([2, 4]);
  });
});
