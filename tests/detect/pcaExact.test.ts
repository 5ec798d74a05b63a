/**
 * The PCA monitor (src/detect/learned/pcaDetector.ts) on sets whose principal axes are known by
 * hand, and its refusals with the whole message. pcaDetector.test.ts checks it against a general
 * 2 x 2 eigen decomposition on random data; here every number is worked out on paper.
 *
 * The cross: rows (3, 0), (-3, 0), (0, 1), (0, -1). Mean 0; covariance (n - 1 = 3) diag(6, 2/3),
 * so the axes are the coordinate axes, with eigenvalues 6 and 2/3: the first carries 6 / (20/3)
 * = 0.9 of the variance exactly.
 */
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import {
  fitPca,
  type PcaModel,
  PcaScorer,
  validatePcaOptions,
} from "../../src/detect/learned/pcaDetector.js";

const cross = [Float64Array.of(3, 0), Float64Array.of(-3, 0), Float64Array.of(0, 1), Float64Array.of(0, -1)];

describe("PCA monitor on a cross with known axes", () => {
  it("retains the first axis when it carries the asked fraction exactly (0.9 of the variance)", () => {
    // 0.9 of the total 20/3 is 6 only up to rounding; the fit takes the fewest components that
    // reach the fraction within that rounding, so one component, not two.
    const model = fitPca(cross, { varianceFraction: 0.9 });
    expect(model.kind).toBe("pca");
    expect(model.components).toHaveLength(1);
    expect(model.featureMean[0]).toBeCloseTo(0, 14);
    expect(model.featureMean[1]).toBeCloseTo(0, 14);
    expect(model.eigenvalues[0]).toBeCloseTo(6, 12);
    expect(Math.abs(model.components[0]?.[0] as number)).toBeCloseTo(1, 12);
    expect(model.components[0]?.[1] as number).toBeCloseTo(0, 12);
    // A fraction just above 0.9 needs both.
    expect(fitPca(cross, { varianceFraction: 0.91 }).components).toHaveLength(2);
  });

  it("stops at the first component when its eigenvalue equals the asked share exactly ('at least')", () => {
    // The fit asks for cumulative >= fraction * total * (1 - 1e-12) (the factor absorbs rounding
    // in the eigenvalues' sum). Pick the fraction whose target is the first eigenvalue to the bit.
    const [l1, l2] = fitPca(cross, { varianceFraction: 1 }).eigenvalues as [number, number];
    const total = l1 + l2;
    const fraction = l1 / (total * (1 - 1e-12));
    expect(fraction * total * (1 - 1e-12)).toBe(l1);
    expect(fitPca(cross, { varianceFraction: fraction }).components).toHaveLength(1);
  });

  it("T2 along the first axis, Q off it, limits from the training rows: (1, 1) scores 10/9", () => {
    const model = fitPca(cross, { varianceFraction: 0.9 });
    // Training T2 = x^2 / 6: 1.5, 1.5, 0, 0; Q = y^2: 0, 0, 1, 1. Their 99th percentiles (type 7,
    // h = 3 * 0.99 = 2.97 between the two largest, which are equal): 1.5 and 1.
    expect(model.t2Limit).toBeCloseTo(1.5, 12);
    expect(model.qLimit).toBeCloseTo(1, 12);
    const s = new PcaScorer(model);
    s.score([1, 1]);
    expect(s.lastT2).toBeCloseTo(1 / 6, 12);
    expect(s.lastQ).toBeCloseTo(1, 12);
    // (1/6) / 1.5 + 1 / 1.
    expect(s.lastScore).toBeCloseTo(10 / 9, 12);
    s.score([-6, 0]);
    expect(s.lastT2).toBeCloseTo(6, 12);
    expect(s.lastQ).toBeCloseTo(0, 12);
  });

  it("with both axes kept, T2 is x^2/6 + y^2/(2/3), Q is 0 and its limit the floor 1e-12", () => {
    const model = fitPca(cross, { varianceFraction: 1 });
    expect(model.components).toHaveLength(2);
    expect(model.eigenvalues[1]).toBeCloseTo(2 / 3, 12);
    expect(model.qLimit).toBe(1e-12);
    const s = new PcaScorer(model);
    s.score([3, 2]);
    expect(s.lastT2).toBeCloseTo(9 / 6 + 4 / (2 / 3), 11);
    expect(s.lastQ).toBeLessThan(1e-12);
  });

  it("keeps no component for a direction without variance, even at fraction 1", () => {
    // Rows on the line y = 2x: the second eigenvalue is 0 (up to rounding), so one component
    // carries all the variance. t = (x + 2y) / sqrt(5); eigenvalue var(t) = 5 var(x) = 5 * 2.5.
    const line = [-2, -1, 0, 1, 2].map((x) => Float64Array.of(x, 2 * x));
    const model = fitPca(line, { varianceFraction: 1 });
    expect(model.components).toHaveLength(1);
    expect(model.eigenvalues[0]).toBeCloseTo(12.5, 10);
    const s = new PcaScorer(model);
    // (2, -1) is perpendicular to the line's direction (1, 2): Q = |(2, -1)|^2 = 5, T2 = 0.
    s.score([2, -1]);
    expect(s.lastQ).toBeCloseTo(5, 10);
    expect(s.lastT2).toBeCloseTo(0, 10);
  });

  it("floors tiny eigenvalues at 1e-12, and a set without variance gets no component and floored limits", () => {
    // The cross shrunk by 1e-8: eigenvalues 6e-16 and 6.7e-17, the first retained and floored.
    const tiny = cross.map((r) => Float64Array.from(r, (v) => v * 1e-8));
    const model = fitPca(tiny, { varianceFraction: 0.9 });
    expect(model.components).toHaveLength(1);
    expect(model.eigenvalues).toEqual([1e-12]);
    // Constant rows: no variance, no component; T2 and Q are 0 on every training row.
    const constant = Array.from({ length: 5 }, () => Float64Array.of(2, -1));
    const flat = fitPca(constant);
    expect(flat.components).toEqual([]);
    expect(flat.eigenvalues).toEqual([]);
    expect(flat.t2Limit).toBe(1e-12);
    expect(flat.qLimit).toBe(1e-12);
    const s = new PcaScorer(flat);
    // Q is the squared distance from the mean: 0.01 + 0, divided by the floor.
    s.score([2.1, -1]);
    expect(s.lastT2).toBe(0);
    expect(s.lastQ).toBeCloseTo(0.01, 12);
    expect(s.lastScore).toBeCloseTo(0.01 / 1e-12, 0);
  });
});

describe("PCA refusals with the whole message", () => {
  it("a variance fraction outside (0, 1], naming the field it is given", () => {
    for (const [v, shown] of [
      [0, "0"],
      [1.5, "1.5"],
      [-0.2, "-0.2"],
      [Number.NaN, "NaN"],
    ] as const) {
      expect(() => fitPca(cross, { varianceFraction: v })).toThrow(
        `pca.varianceFraction: must be in (0, 1] (got ${shown})`,
      );
    }
    expect(() => validatePcaOptions({ varianceFraction: 2 }, "learned.pca")).toThrow(
      "learned.pca.varianceFraction: must be in (0, 1] (got 2)",
    );
    expect(() => validatePcaOptions({ varianceFraction: 1 })).not.toThrow();
  });

  it("no features, or no more rows than features", () => {
    expect(() => fitPca([])).toThrow("features: need at least one feature (got 0)");
    expect(() => fitPca([[], []])).toThrow("features: need at least one feature (got 0)");
    expect(() => fitPca(cross.slice(0, 2))).toThrow(
      "training rows: need more usable training rows than features (2) (got 2)",
    );
    expect(() => fitPca(cross.slice(0, 2))).toThrow(ConfigError);
    // Three rows of two features are enough.
    expect(fitPca(cross.slice(0, 3)).featureMean).toHaveLength(2);
  });

  it("three features with more than three components (a hand-built model) score by the general sums", () => {
    // Axes e1, e2, e3 and e1 again, eigenvalues 1, 2, 4, 8, mean 0: T2 = x^2 + y^2/2 + z^2/4 + x^2/8,
    // explained = 2x^2 + y^2 + z^2, Q = max(|x|^2 - explained, 0) = 0.
    const model: PcaModel = {
      kind: "pca",
      featureMean: [0, 0, 0],
      components: [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
        [1, 0, 0],
      ],
      eigenvalues: [1, 2, 4, 8],
      t2Limit: 2,
      qLimit: 1,
    };
    const s = new PcaScorer(model);
    s.score([2, 2, 2]);
    expect(s.lastT2).toBe(4 + 2 + 1 + 0.5);
    expect(s.lastQ).toBe(0);
    expect(s.lastScore).toBe(7.5 / 2);
  });

  it("three features with fewer than three components: an infinite feature gives T2 Infinity, and Q too with none", () => {
    // Axes (0.6, 0.8, 0) and (0.8, -0.6, 0), eigenvalues 1 and 4, mean 0; the vector (inf, 0, 0)
    // has coordinates t_1 = 0.6 inf = inf and t_2 = 0.8 inf = inf along them, so
    // T2 = t_1^2 / 1 (+ t_2^2 / 4) = inf whether one or both are kept. Q = |x|^2 - |t|^2 is
    // inf - inf, undefined (NaN), and so is the score. With no component, T2 is the empty sum 0
    // and Q = |x|^2 = inf: the score inf. -inf is the same.
    const components = [
      [0.6, 0.8, 0],
      [0.8, -0.6, 0],
    ];
    for (const k of [1, 2]) {
      const s = new PcaScorer({
        kind: "pca",
        featureMean: [0, 0, 0],
        components: components.slice(0, k),
        eigenvalues: [1, 4].slice(0, k),
        t2Limit: 2,
        qLimit: 1,
      });
      for (const x of [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
        s.score([x, 0, 0]);
        expect(s.lastT2).toBe(Number.POSITIVE_INFINITY);
        expect(s.lastQ).toBeNaN();
        expect(s.lastScore).toBeNaN();
      }
    }
    const none = new PcaScorer({
      kind: "pca",
      featureMean: [0, 0, 0],
      components: [],
      eigenvalues: [],
      t2Limit: 2,
      qLimit: 1,
    });
    for (const x of [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      none.score([0, x, 0]);
      expect(none.lastT2).toBe(0);
      expect(none.lastQ).toBe(Number.POSITIVE_INFINITY);
      expect(none.lastScore).toBe(Number.POSITIVE_INFINITY);
    }
  });

  it("a component whose length is not the feature count", () => {
    const model: PcaModel = {
      kind: "pca",
      featureMean: [0, 0],
      components: [
        [1, 0],
        [0, 1, 0],
      ],
      eigenvalues: [1, 1],
      t2Limit: 1,
      qLimit: 1,
    };
    expect(() => new PcaScorer(model)).toThrow("components[1]: must have 2 entries (got 3)");
  });
});
