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
  });

  it("window probability is the binomial tail", () => {
    expect(kOfNWindowProbability(0.1, 2, 3)).toBeCloseTo(3 * 0.01 * 0.9 + 0.001, 14);
    expect(kOfNWindowProbability(0.2, 1, 1)).toBeCloseTo(0.2, 14);
    expect(kOfNWindowProbability(0.5, 0, 4)).toBe(1);
    expect(kOfNWindowProbability(0.3, 5, 5)).toBeCloseTo(0.3 ** 5, 14);
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
