import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import { SeededRng } from "../../src/core/rng.js";
import {
  conformalQuantile,
  fitGpd,
  gpdExceedanceLevel,
  POT_MIN_PEAKS,
  potThreshold,
} from "../../src/detect/learned/extremeValue.js";
import { thresholdFromTraining } from "../../src/detect/learned/thresholds.js";

/** The GPD quantile function, written out independently: y(u) = sigma ((1 - u)^(-gamma) - 1) / gamma. */
function gpdQuantile(gamma: number, sigma: number, u: number): number {
  return gamma === 0 ? -sigma * Math.log(1 - u) : (sigma * ((1 - u) ** -gamma - 1)) / gamma;
}

describe("conformal quantile", () => {
  // 1..10 shuffled: the k-th smallest is k.
  const sample = [7, 3, 10, 1, 5, 9, 2, 8, 4, 6];

  it("is the ceil((n + 1)(1 - alpha))-th smallest score, by hand on ten scores", () => {
    expect(conformalQuantile(sample, 0.5)).toBe(6); // ceil(11 * 0.5) = 6
    expect(conformalQuantile(sample, 0.2)).toBe(9); // ceil(8.8) = 9
    expect(conformalQuantile(sample, 0.1)).toBe(10); // ceil(9.9) = 10
    expect(conformalQuantile(sample, 1 / 11)).toBe(10); // (n + 1)(1 - alpha) = 10 exactly
    expect(conformalQuantile(sample, 0.05)).toBe(Number.POSITIVE_INFINITY); // rank 11 > n
    expect(sample).toEqual([7, 3, 10, 1, 5, 9, 2, 8, 4, 6]);
  });

  it("at ranks below 1 is the smallest score: alpha 0.95 (rank ceil(0.55)) and alpha 1 - 1e-11 (rank 0)", () => {
    expect(conformalQuantile(sample, 0.95)).toBe(1);
    // (n + 1)(1 - alpha) - 1e-9 = 1.1e-10 - 1e-9 < 0: rank 0, read as the first score.
    expect(conformalQuantile(sample, 1 - 1e-11)).toBe(1);
  });

  it("refuses alpha that is not a number in (0, 1) with the whole message", () => {
    expect(() => conformalQuantile(sample, Number.NaN)).toThrow("alpha: must be in (0, 1) (got NaN)");
    expect(() => conformalQuantile(sample, Number.POSITIVE_INFINITY)).toThrow(
      "alpha: must be in (0, 1) (got Infinity)",
    );
    expect(() => conformalQuantile(sample, -0.1)).toThrow("alpha: must be in (0, 1) (got -0.1)");
  });

  it("leaves at most alpha (n + 1) - 1 of its own scores above it", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 }),
        fc.double({ min: 0.001, max: 0.999, noNaN: true }),
        (xs, alpha) => {
          const t = conformalQuantile(xs, alpha);
          const above = xs.filter((x) => x > t).length;
          expect(above).toBeLessThanOrEqual(Math.max(0, alpha * (xs.length + 1) - 1) + 1e-9);
        },
      ),
      { seed: 17, numRuns: 300 },
    );
  });

  it("rejects alpha outside (0, 1) and an empty sample, naming the field", () => {
    expect(() => conformalQuantile(sample, 0)).toThrow(/alpha/);
    expect(() => conformalQuantile(sample, 1)).toThrow(ConfigError);
    expect(() => conformalQuantile([], 0.1)).toThrow(/calibration scores/);
  });

  it("refuses bad alpha and bad samples with the whole one-line message", () => {
    expect(() => conformalQuantile(sample, 0)).toThrow("alpha: must be in (0, 1) (got 0)");
    expect(() => conformalQuantile([], 0.1)).toThrow("calibration scores: needs at least one value (got 0)");
    const nonFinite = 'calibration scores: must hold finite numbers only (got "a non-finite value")';
    // Sorted, NaN and +Infinity land last, -Infinity first: one test for each end of the sample.
    expect(() => conformalQuantile([1, Number.NaN], 0.1)).toThrow(nonFinite);
    expect(() => conformalQuantile([1, Number.POSITIVE_INFINITY], 0.1)).toThrow(nonFinite);
    expect(() => conformalQuantile([Number.NEGATIVE_INFINITY, 1], 0.1)).toThrow(nonFinite);
  });
});

describe("generalised Pareto fit (probability-weighted moments)", () => {
  it("recovers known parameters from the exact quantiles at the plotting positions", () => {
    for (const [gamma, sigma] of [
      [0.2, 1.5],
      [0, 2],
      [-0.3, 0.5],
    ] as const) {
      const m = 4000;
      const y = Array.from({ length: m }, (_, i) => gpdQuantile(gamma, sigma, (i + 1 - 0.35) / m));
      const fit = fitGpd(y);
      expect(fit.gamma).toBeCloseTo(gamma, 2);
      expect(fit.sigma / sigma).toBeCloseTo(1, 2);
    }
  });

  it("recovers known parameters from a seeded random sample (sampling error of 20,000 draws)", () => {
    const rng = new SeededRng(91);
    const y = Array.from({ length: 20_000 }, () => gpdQuantile(0.1, 3, rng.uniform()));
    const fit = fitGpd(y);
    expect(Math.abs(fit.gamma - 0.1)).toBeLessThan(0.04);
    expect(Math.abs(fit.sigma / 3 - 1)).toBeLessThan(0.04);
  });

  it("exceedance level: closed forms for the exponential and for gamma = 1/2", () => {
    // Exponential, sigma 2: P(Y > y) = exp(-y / 2), so p = e^-3 at y = 6.
    expect(gpdExceedanceLevel({ gamma: 0, sigma: 2 }, Math.exp(-3))).toBeCloseTo(6, 12);
    // gamma 1/2, sigma 1: P(Y > y) = (1 + y / 2)^-2 = 1/4 at y = 2.
    expect(gpdExceedanceLevel({ gamma: 0.5, sigma: 1 }, 0.25)).toBeCloseTo(2, 12);
    // Bounded tail gamma -1/2, sigma 1: the level for p -> 0 tends to the end point sigma / -gamma = 2.
    expect(gpdExceedanceLevel({ gamma: -0.5, sigma: 1 }, 1e-12)).toBeCloseTo(2, 5);
  });

  it("exceedance level: p = 1 is excess 0, and a shape of exactly 1e-9 takes the power form", () => {
    expect(gpdExceedanceLevel({ gamma: 0.5, sigma: 1 }, 1)).toBe(0);
    // (sigma / gamma)(p^-gamma - 1) = L + gamma L^2 / 2 + ... with L = -ln p = 690.78 at p = 1e-300:
    // 2.4e-4 above the exponential's L, far more than the rounding of p^-gamma - 1 (1e-16 / 1e-9).
    const L = 300 * Math.LN10;
    const level = gpdExceedanceLevel({ gamma: 1e-9, sigma: 1 }, 1e-300);
    expect(level - L).toBeCloseTo((1e-9 * L * L) / 2, 6);
  });

  it("refuses p outside (0, 1] with the whole one-line message", () => {
    const exp2 = { gamma: 0, sigma: 2 };
    expect(() => gpdExceedanceLevel(exp2, 0)).toThrow("p: must be in (0, 1] (got 0)");
    expect(() => gpdExceedanceLevel(exp2, -0.5)).toThrow("p: must be in (0, 1] (got -0.5)");
    expect(() => gpdExceedanceLevel(exp2, 1.5)).toThrow("p: must be in (0, 1] (got 1.5)");
    expect(() => gpdExceedanceLevel(exp2, Number.NaN)).toThrow("p: must be in (0, 1] (got NaN)");
  });

  it("refuses what cannot be fitted", () => {
    expect(() => fitGpd([1])).toThrow(ConfigError);
    expect(() => fitGpd([2, 2, 2])).toThrow(/all equal/);
    expect(() => fitGpd([-1, 2, 3])).toThrow(/>= 0/);
  });

  it("fits two excesses by hand: [0, 1] gives gamma 6/13, sigma 7/26", () => {
    // a0 = 1/2; a1 = ((1 - 0.65/2) 0 + (1 - 1.65/2) 1) / 2 = 0.0875; a0 - 2 a1 = 0.325;
    // gamma = 2 - a0 / 0.325 = 6/13; sigma = 2 a0 a1 / 0.325 = 7/26. A smallest excess of exactly 0 is allowed.
    const fit = fitGpd([1, 0]);
    expect(fit.gamma).toBeCloseTo(6 / 13, 12);
    expect(fit.sigma).toBeCloseTo(7 / 26, 12);
  });

  it("refuses what cannot be fitted with the whole one-line message", () => {
    expect(() => fitGpd([])).toThrow("excesses: needs at least one value (got 0)");
    expect(() => fitGpd([1])).toThrow("excesses: need at least 2 to fit a GPD (got 1)");
    expect(() => fitGpd([2, 2, 2])).toThrow("excesses: all equal: no GPD fit to a point mass (got 2)");
    expect(() => fitGpd([-1, 2, 3])).toThrow("excesses: must be >= 0 (got -1)");
  });

  it("refuses moments that give no fit: an overflowing sum, and a0 = 2 a1 in subnormals", () => {
    // Nine excesses of 1.7e308: the sums a0 and a1 overflow to Infinity, a0 - 2 a1 is NaN.
    const huge = [0, ...Array.from({ length: 9 }, () => 1.7e308)];
    expect(() => fitGpd(huge)).toThrow(
      'excesses: give no GPD fit (all equal, or too few distinct) (got "a0 Infinity, a1 Infinity")',
    );
    // With u = 5e-324 (the smallest subnormal), [u, 3u]: a0 = 4u / 2 = 2u; a1 = (round(0.675 u) +
    // round(0.525 u)) / 2 = 2u / 2 = u; a0 - 2 a1 is exactly 0.
    expect(() => fitGpd([5e-324, 1.5e-323])).toThrow(
      'excesses: give no GPD fit (all equal, or too few distinct) (got "a0 1e-323, a1 5e-324")',
    );
  });
});

describe("peaks over threshold", () => {
  // Exact Exp(1) quantiles: the true level with exceedance probability alpha is -ln(alpha).
  const n = 10_000;
  const exp1 = Array.from({ length: n }, (_, i) => -Math.log(1 - (i + 0.5) / n));

  it("extrapolates past the sample: Exp(1) at alpha 1e-5 is ln(1e5) = 11.51, beyond the sample maximum 9.9", () => {
    const t = potThreshold(exp1, { alpha: 1e-5, initialQuantile: 0.9 });
    expect(Math.max(...exp1)).toBeLessThan(10);
    expect(t).toBeGreaterThan(11.51 - 0.3);
    expect(t).toBeLessThan(11.51 + 0.3);
  });

  it("reads a level inside the sample from the sample", () => {
    // alpha 0.2 is above the 10 % tail the Pareto fit covers: the empirical 80th percentile, -ln(0.2).
    expect(potThreshold(exp1, { alpha: 0.2, initialQuantile: 0.9 })).toBeCloseTo(-Math.log(0.2), 3);
  });

  it("falls back to the sample maximum with fewer than POT_MIN_PEAKS excesses", () => {
    const few = Array.from({ length: 5 * POT_MIN_PEAKS }, (_, i) => i);
    expect(potThreshold(few, { alpha: 0.001, initialQuantile: 0.9 })).toBe(5 * POT_MIN_PEAKS - 1);
  });

  it("counts as peaks only the scores strictly above t: ties at t are not excesses", () => {
    // 50 zeros and 1..9, initialQuantile 0.5: t = s[29] = 0, nine scores above it (fewer than 10):
    // the sample maximum, though 59 scores are >= t.
    const tied = [...Array.from({ length: 50 }, () => 0), 1, 2, 3, 4, 5, 6, 7, 8, 9];
    expect(potThreshold(tied, { alpha: 1e-4, initialQuantile: 0.5 })).toBe(9);
  });

  it("fits exactly POT_MIN_PEAKS excesses: 0..99 at initialQuantile 0.9, by hand", () => {
    // t = 89.1; excesses y_i = i - 0.1 (i = 1..10): a0 = 5.4, a1 = sum (10.35 - i)(i - 0.1) / 100
    // = 1.794, a0 - 2 a1 = 1.812. tail p = alpha n / 10 = 1e-3.
    const hundred = Array.from({ length: 100 }, (_, i) => i);
    const gamma = 2 - 5.4 / 1.812;
    const sigma = (2 * 5.4 * 1.794) / 1.812;
    const expected = 89.1 + (sigma / gamma) * (1e-3 ** -gamma - 1); // 99.997, above the maximum 99
    expect(potThreshold(hundred, { alpha: 1e-4, initialQuantile: 0.9 })).toBeCloseTo(expected, 9);
  });

  it("falls back to the sample maximum when the peaks cannot be fitted (all equal, or moments overflow)", () => {
    // 90 zeros and ten 5s, initialQuantile 0.5: t = 0, ten peaks of 5 (enough), tail p = 1e-3 * 100
    // / 10 = 0.01 < 1, but ten equal excesses have no GPD fit: the maximum 5.
    const tenFives = [...Array.from({ length: 90 }, () => 0), ...Array.from({ length: 10 }, () => 5)];
    expect(potThreshold(tenFives, { alpha: 1e-3, initialQuantile: 0.5 })).toBe(5);
    // Ten distinct peaks of 1.6e308 and 1.7e308 over t = 0: the moments overflow to Infinity
    // (fitGpd refuses), the maximum again.
    const huge = [
      ...Array.from({ length: 90 }, () => 0),
      ...Array.from({ length: 10 }, (_, i) => (i < 5 ? 1.6e308 : 1.7e308)),
    ];
    expect(potThreshold(huge, { alpha: 1e-3, initialQuantile: 0.5 })).toBe(1.7e308);
  });

  it("at tail probability exactly 1 reads the 1 - alpha quantile from the sample, not t", () => {
    // 0..99, initialQuantile 0.905: t = 89.595, ten peaks; alpha 0.1 gives alpha n / 10 = 1:
    // the empirical 0.9 quantile 89.1, where t + level(p = 1) would be t itself.
    const hundred = Array.from({ length: 100 }, (_, i) => i);
    expect(potThreshold(hundred, { alpha: 0.1, initialQuantile: 0.905 })).toBeCloseTo(89.1, 9);
  });

  it("refuses a bad initial quantile, alpha, or empty scores with the whole one-line message", () => {
    const scores = [1, 2, 3];
    for (const [q0, shown] of [
      [0, "0"],
      [-0.5, "-0.5"],
      [1, "1"],
      [1.5, "1.5"],
      [Number.NaN, "NaN"],
    ] as const) {
      expect(() => potThreshold(scores, { alpha: 0.01, initialQuantile: q0 })).toThrow(
        `initialQuantile: must be in (0, 1) (got ${shown})`,
      );
    }
    expect(() => potThreshold(scores, { alpha: 1, initialQuantile: 0.9 })).toThrow(
      "alpha: must be in (0, 1) (got 1)",
    );
    expect(() => potThreshold([], { alpha: 0.01, initialQuantile: 0.9 })).toThrow(
      "scores: needs at least one value (got 0)",
    );
  });

  it("as a threshold rule: alpha and margin, and a conformal rule asking more than the sample holds gives its maximum", () => {
    const pot = thresholdFromTraining(exp1, { kind: "pot", alpha: 1e-3, initialQuantile: 0.9, margin: 2 });
    expect(pot / 2).toBeCloseTo(-Math.log(1e-3), 1);
    const ten = [7, 3, 10, 1, 5, 9, 2, 8, 4, 6];
    expect(thresholdFromTraining(ten, { kind: "conformal", alpha: 0.2, margin: 1.5 })).toBeCloseTo(13.5, 12);
    expect(thresholdFromTraining(ten, { kind: "conformal", alpha: 0.01, margin: 1 })).toBe(10);
    expect(() =>
      thresholdFromTraining(ten, { kind: "pot", alpha: 0.01, initialQuantile: 1, margin: 1 }),
    ).toThrow(/threshold.initialQuantile/);
  });
});
