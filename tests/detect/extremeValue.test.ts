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

  it("refuses what cannot be fitted", () => {
    expect(() => fitGpd([1])).toThrow(ConfigError);
    expect(() => fitGpd([2, 2, 2])).toThrow(/all equal/);
    expect(() => fitGpd([-1, 2, 3])).toThrow(/>= 0/);
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
