import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import { SeededRng } from "../../src/core/rng.js";
import { fitPca, type PcaModel, PcaScorer } from "../../src/detect/learned/pcaDetector.js";
import { quantile } from "../../src/detect/learned/thresholds.js";

/** 2-D correlated training rows. */
function rows2d(n: number, seed: number): Float64Array[] {
  const rng = new SeededRng(seed);
  return Array.from({ length: n }, () => {
    const f = rng.normal();
    return Float64Array.of(5 + 2 * f + 0.3 * rng.normal(), -1 + f + 0.5 * rng.normal());
  });
}

/** Independent reference: sample mean, covariance (n - 1) and its closed-form 2x2 eigen decomposition. */
function reference(rows: readonly Float64Array[]) {
  const n = rows.length;
  const mx = rows.reduce((s, r) => s + (r[0] as number), 0) / n;
  const my = rows.reduce((s, r) => s + (r[1] as number), 0) / n;
  let a = 0;
  let b = 0;
  let c = 0;
  for (const r of rows) {
    const dx = (r[0] as number) - mx;
    const dy = (r[1] as number) - my;
    a += dx * dx;
    b += dx * dy;
    c += dy * dy;
  }
  a /= n - 1;
  b /= n - 1;
  c /= n - 1;
  const mid = (a + c) / 2;
  const rad = Math.sqrt(((a - c) / 2) ** 2 + b * b);
  const l1 = mid + rad;
  const l2 = mid - rad;
  const norm = Math.hypot(b, l1 - a);
  const v1 = [b / norm, (l1 - a) / norm];
  const det = a * c - b * b;
  return {
    mean: [mx, my],
    l1,
    l2,
    /** Mahalanobis distance squared with the full covariance. */
    t2Full: (x: ArrayLike<number>) => {
      const dx = (x[0] as number) - mx;
      const dy = (x[1] as number) - my;
      return (c * dx * dx - 2 * b * dx * dy + a * dy * dy) / det;
    },
    /** First-component T2 and the squared residual off it. */
    t2q1: (x: ArrayLike<number>) => {
      const dx = (x[0] as number) - mx;
      const dy = (x[1] as number) - my;
      const t = (v1[0] as number) * dx + (v1[1] as number) * dy;
      return { t2: (t * t) / l1, q: dx * dx + dy * dy - t * t };
    },
  };
}

describe("PCA T2 / Q monitor", () => {
  const train = rows2d(300, 11);
  const ref = reference(train);
  const probes = [
    Float64Array.of(5, -1),
    Float64Array.of(9, 3),
    Float64Array.of(5, 2),
    Float64Array.of(-3, -4),
  ];

  it("with every component retained, T2 is the Mahalanobis distance and Q vanishes", () => {
    const model = fitPca(train, { varianceFraction: 1 });
    expect(model.components).toHaveLength(2);
    expect(model.featureMean[0]).toBeCloseTo(ref.mean[0] as number, 10);
    expect(model.eigenvalues[0]).toBeCloseTo(ref.l1, 8);
    expect(model.eigenvalues[1]).toBeCloseTo(ref.l2, 8);
    const s = new PcaScorer(model);
    for (const x of probes) {
      s.score(x);
      expect(s.lastT2).toBeCloseTo(ref.t2Full(x), 7);
      expect(s.lastQ).toBeLessThan(1e-9);
    }
  });

  it("with one component, T2 is along it and Q is the squared distance off it; limits are training 99th percentiles", () => {
    // The first component carries about 96 % of this data's variance.
    const model = fitPca(train, { varianceFraction: 0.9 });
    expect(model.components).toHaveLength(1);
    const s = new PcaScorer(model);
    for (const x of probes) {
      s.score(x);
      const combined = s.lastScore;
      const r = ref.t2q1(x);
      expect(s.lastT2).toBeCloseTo(r.t2, 7);
      expect(s.lastQ).toBeCloseTo(r.q, 7);
      expect(combined).toBeCloseTo(r.t2 / model.t2Limit + r.q / model.qLimit, 7);
    }
    const t2 = train.map((x) => ref.t2q1(x).t2);
    const q = train.map((x) => ref.t2q1(x).q);
    expect(model.t2Limit).toBeCloseTo(quantile(t2, 0.99), 7);
    expect(model.qLimit).toBeCloseTo(quantile(q, 0.99), 7);
  });

  it("a point breaking the learned correlation scores high on Q though its T2 is small", () => {
    const model = fitPca(train, { varianceFraction: 0.9 });
    const s = new PcaScorer(model);
    // Along the main direction the data is (2, 1) per unit; go perpendicular instead.
    const off = Float64Array.of(5 - 1.5, -1 + 3);
    s.score(off);
    expect(s.lastScore).toBeGreaterThan(3);
    expect(s.lastQ / model.qLimit).toBeGreaterThan(s.lastT2 / model.t2Limit);
  });

  it("needs more rows than features and a variance fraction in (0, 1]", () => {
    expect(() => fitPca([Float64Array.of(1, 2), Float64Array.of(2, 3)])).toThrow(ConfigError);
    expect(() => fitPca(train, { varianceFraction: 0 })).toThrow(/varianceFraction/);
  });

  it("copes with a constant feature (zero variance): finite scores, any movement of it is large", () => {
    const rng = new SeededRng(12);
    const rows = Array.from({ length: 100 }, () => Float64Array.of(rng.normal(), 4));
    const model = fitPca(rows, { varianceFraction: 0.9 });
    const s = new PcaScorer(model);
    s.score(Float64Array.of(0, 4));
    expect(Number.isFinite(s.lastScore)).toBe(true);
    s.score(Float64Array.of(0, 4.01));
    expect(s.lastScore).toBeGreaterThan(1e3);
  });

  it("three features (written out, 0 to 3 components) score the definition's sums to the bit, infinite and NaN features too", () => {
    // The definition as loops, each sum from 0 in index order: t_j = sum_m P[j][m] (x_m - mean_m),
    // T2 = sum_j t_j^2 / lambda_j, Q = max(|x - mean|^2 - sum_j t_j^2, 0).
    const definition = (m: PcaModel, x: readonly number[]) => {
      let norm2 = 0;
      const d = x.map((v, i) => v - (m.featureMean[i] as number));
      for (const v of d) norm2 += v * v;
      let t2 = 0;
      let explained = 0;
      m.components.forEach((row, j) => {
        let t = 0;
        row.forEach((p, i) => {
          t += p * (d[i] as number);
        });
        t2 += t * t * (1 / (m.eigenvalues[j] as number));
        explained += t * t;
      });
      const q = Math.max(norm2 - explained, 0);
      return { t2, q, score: t2 * (1 / m.t2Limit) + q * (1 / m.qLimit) };
    };
    const finite = fc.double({ min: -1e3, max: 1e3, noNaN: true });
    const triple = fc.tuple(finite, finite, finite);
    // A scored feature may also be infinite or NaN: with fewer than three components the padded
    // rows of the written-out sums once multiplied it by 0, giving T2 NaN where the loops give
    // Infinity (and, with no component, Q and the score NaN instead of Infinity).
    const feature = fc.oneof(
      finite,
      fc.constantFrom(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN),
    );
    fc.assert(
      fc.property(
        triple,
        fc.array(triple, { minLength: 0, maxLength: 3 }),
        fc.array(fc.double({ min: 1e-3, max: 1e3, noNaN: true }), { minLength: 3, maxLength: 3 }),
        fc.array(fc.tuple(feature, feature, feature), { minLength: 1, maxLength: 20 }),
        (mean, components, eigen, xs) => {
          const model: PcaModel = {
            kind: "pca",
            featureMean: mean,
            components,
            eigenvalues: eigen.slice(0, components.length),
            t2Limit: 7.5,
            qLimit: 0.3,
          };
          const s = new PcaScorer(model);
          for (const x of xs) {
            s.score(Float64Array.from(x));
            const want = definition(model, x);
            expect(s.lastT2).toBe(want.t2);
            expect(s.lastQ).toBe(want.q);
            expect(s.lastScore).toBe(want.score);
          }
        },
      ),
      { seed: 5, numRuns: 200 },
    );
  });
});
