import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import { SeededRng } from "../../src/core/rng.js";
import { normalCdf } from "../../src/detect/detectors/distributions.js";
import { kOfNWindowProbability, ThresholdDetector } from "../../src/detect/detectors/thresholdDetector.js";

function run(d: ThresholdDetector, xs: readonly number[]) {
  return xs.map((x) => {
    d.update(x);
    return { alarm: d.alarm, statistic: d.statistic, direction: d.direction };
  });
}

describe("threshold detector, k of n", () => {
  it("follows a hand-computed sequence (2 of 3, threshold 1)", () => {
    const d = new ThresholdDetector({ threshold: 1, k: 2, n: 3 });
    const out = run(d, [0.5, 1.5, -2, 0.2, 0.3, 1.1, 1.2]);
    // exceedances 0 +1 -1 0 0 +1 +1; counts over the last 3: 0 1 2 2 1 1 2
    expect(out.map((o) => o.statistic)).toEqual([0, 1, 2, 2, 1, 1, 2]);
    expect(out.map((o) => o.alarm)).toEqual([false, false, true, true, false, false, true]);
    expect(out.map((o) => o.direction)).toEqual([0, 1, 0, 0, -1, 1, 1]);
    expect(d.limit).toBe(2);
    expect(d.score).toBe(1);
  });

  it("is strict at the threshold and honours target and side", () => {
    const d = new ThresholdDetector({ threshold: 1, target: 10, side: "upper" });
    expect(d.update(11)).toBe(false); // exactly at the threshold: not an exceedance
    expect(d.update(11.001)).toBe(true);
    expect(d.update(8)).toBe(false); // lower side not watched
    const lower = new ThresholdDetector({ threshold: 1, side: "lower" });
    expect(lower.update(5)).toBe(false);
    expect(lower.update(-1)).toBe(false); // exactly at the threshold below the target: not an exceedance
    expect(lower.statistic).toBe(0);
    expect(lower.update(-5)).toBe(true);
    expect(lower.direction).toBe(-1);
  });

  it("ignores non-finite samples and resets", () => {
    const d = new ThresholdDetector({ threshold: 1, k: 2, n: 2 });
    d.update(3);
    d.update(Number.NaN);
    expect(d.samples).toBe(1);
    expect(d.update(3)).toBe(true);
    d.reset();
    expect(d.statistic).toBe(0);
    expect(d.samples).toBe(0);
    expect(d.update(3)).toBe(false);
  });

  it("validates options naming them", () => {
    expect(() => new ThresholdDetector({ threshold: 0 })).toThrow(/threshold\.threshold/);
    expect(() => new ThresholdDetector({ threshold: 1, k: 4, n: 3 })).toThrow(ConfigError);
    expect(() => new ThresholdDetector({ threshold: 1, k: 4, n: 3 })).toThrow(/threshold\.k.*got 4/);
    expect(() => new ThresholdDetector({ threshold: 1, n: 1.5 })).toThrow(/threshold\.n/);
    expect(() => new ThresholdDetector({ threshold: 1, side: "up" as never })).toThrow(/threshold\.side/);
    expect(() => new ThresholdDetector({ threshold: 1, target: Number.NaN })).toThrow(/threshold\.target/);
  });

  it("window probability is the binomial tail", () => {
    expect(kOfNWindowProbability(0.1, 2, 3)).toBeCloseTo(3 * 0.01 * 0.9 + 0.001, 14);
    expect(kOfNWindowProbability(0.2, 1, 1)).toBeCloseTo(0.2, 14);
    expect(kOfNWindowProbability(0.5, 0, 4)).toBe(1);
    expect(kOfNWindowProbability(0.3, 5, 5)).toBeCloseTo(0.3 ** 5, 14);
    // 2 of 5: 1 - q^5 - 5 p q^4 (the binomial coefficient C(5, 2) = 10 enters the first term).
    expect(kOfNWindowProbability(0.3, 2, 5)).toBeCloseTo(1 - 0.7 ** 5 - 5 * 0.3 * 0.7 ** 4, 14);
    expect(kOfNWindowProbability(0.3, 3, 5)).toBeCloseTo(
      10 * 0.3 ** 3 * 0.7 ** 2 + 5 * 0.3 ** 4 * 0.7 + 0.3 ** 5,
      14,
    );
  });

  it("window probability at the ends of p and k is exact", () => {
    expect(kOfNWindowProbability(0, 0, 3)).toBe(1); // no exceedance needed: certain, whatever p
    expect(kOfNWindowProbability(0, 1, 3)).toBe(0);
    expect(kOfNWindowProbability(1, 2, 5)).toBe(1);
    expect(kOfNWindowProbability(1, 5, 5)).toBe(1);
  });

  it("window probability stays within a few ulps over the largest window", () => {
    // 1 of n: 1 - (1 - p)^n, written with expm1/log1p so that the reference itself is exact to an ulp.
    for (const [p, n] of [
      [1e-6, 60_000],
      [1e-7, 65_536],
      [2e-6, 50_000],
    ] as const) {
      const reference = -Math.expm1(n * Math.log1p(-p));
      expect(Math.abs(kOfNWindowProbability(p, 1, n) / reference - 1)).toBeLessThan(2e-14);
    }
  });

  it("window probability for k near n takes log C(n, k) over the shorter side (k or n - k terms)", () => {
    // References: mpmath at 40 digits, the sum of C(n, i) p^i (1 - p)^(n - i) for i >= k with p the
    // double given (for k = n - 1 the closed form n p^(n-1) (1 - p) + p^n): 0.7357589130301869856,
    // 0.9863500474758173281 and 0.1990586388209819194, below as the nearest doubles. Summing
    // log C(n, k) over k terms instead of n - k leaves relative errors of 1.1e-14, 2.0e-13 and
    // 3.0e-14 here; over n - k terms they are 8.5e-17, 5.5e-16 and 6.0e-17.
    for (const [p, k, n, reference] of [
      [0.999, 999, 1000, 0.735758913030187],
      [0.999, 4990, 5000, 0.9863500474758173],
      [0.9994, 4999, 5000, 0.19905863882098193],
    ] as const) {
      expect(Math.abs(kOfNWindowProbability(p, k, n) / reference - 1)).toBeLessThan(2e-15);
    }
  });

  it("window probability refuses arguments outside its domain, naming them", () => {
    for (const p of [-0.1, 1.1, Number.NaN])
      expect(() => kOfNWindowProbability(p, 1, 3)).toThrow(
        new RangeError(`kOfNWindowProbability: p must be in [0, 1] (got ${p})`),
      );
    for (const n of [0, 1.5])
      expect(() => kOfNWindowProbability(0.5, 0, n)).toThrow(
        new RangeError(`kOfNWindowProbability: n must be an integer >= 1 (got ${n})`),
      );
    for (const k of [-1, 1.5, 4])
      expect(() => kOfNWindowProbability(0.5, k, 3)).toThrow(
        new RangeError(`kOfNWindowProbability: k must be an integer in [0, n] (got ${k})`),
      );
  });

  it("1 of 1 at 3 sigma has ARL0 = 1/p = 370 samples (seeded Monte Carlo)", () => {
    const p = 2 * (1 - normalCdf(3));
    const rng = new SeededRng(11);
    const d = new ThresholdDetector({ threshold: 3 });
    const runs = 3000;
    let total = 0;
    for (let r = 0; r < runs; r++) {
      d.reset();
      let n = 0;
      do n++;
      while (!d.update(rng.normal()));
      total += n;
    }
    // Geometric run length: sd ≈ mean, so the mean of 3000 runs has a relative sd of 1.8 %.
    expect(total / runs / (1 / p)).toBeGreaterThan(0.92);
    expect(total / runs / (1 / p)).toBeLessThan(1.08);
  });
});
