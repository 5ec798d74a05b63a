import { describe, expect, it } from "vitest";
import { SeededRng } from "../../src/core/rng.js";
import { screenDriftingChannels, slowVarianceFraction } from "../../src/detect/learned/driftScreen.js";

describe("slowVarianceFraction", () => {
  it("is about 1/blockRows for white noise (expected (blocks-1)/(rows-1))", () => {
    const rng = new SeededRng(3);
    let sum = 0;
    const trials = 200;
    for (let k = 0; k < trials; k++) {
      const x = Float64Array.from({ length: 400 }, () => rng.normal());
      sum += slowVarianceFraction(x, 400);
    }
    // One-way ANOVA: E[SS_between / SS_total] = (blocks - 1) / (n - 1) = 7 / 399 under the null.
    expect(sum / trials).toBeCloseTo(7 / 399, 2);
  });

  it("is 1 - (B^2 - 1)/(n^2 - 1) for a linear ramp of n rows in blocks of B", () => {
    const ramp = Float64Array.from({ length: 400 }, (_, i) => 3 - 0.2 * i);
    // Variance of k consecutive integers is (k^2 - 1)/12: total (n^2 - 1)/12, within a block
    // (B^2 - 1)/12, between = total - within.
    expect(slowVarianceFraction(ramp, 400)).toBeCloseTo(1 - (50 * 50 - 1) / (400 * 400 - 1), 12);
  });

  it("is 0 for a constant series and when the rows do not fill two-row blocks", () => {
    expect(slowVarianceFraction(new Float64Array(400).fill(5), 400)).toBe(0);
    expect(slowVarianceFraction([1, 2, 3, 4, 5], 5)).toBe(0);
  });

  it("reads only the first `rows` values", () => {
    const x = Float64Array.from({ length: 800 }, (_, i) => (i < 400 ? Math.sin(i) : 1e6 * i));
    expect(slowVarianceFraction(x, 400)).toBe(slowVarianceFraction(x.slice(0, 400), 400));
  });
});

describe("screenDriftingChannels", () => {
  it("puts a drifting channel on its slope and a stationary one on its level", () => {
    const rng = new SeededRng(4);
    const noise = Float64Array.from({ length: 400 }, () => rng.normal());
    const warming = Float64Array.from(
      { length: 400 },
      (_, i) => 20 + 5 * (1 - Math.exp(-i / 150)) + 0.05 * rng.normal(),
    );
    const s = screenDriftingChannels([noise, warming], 400, 0.5);
    expect(s.features).toEqual(["mean", "slope"]);
    expect(s.slowFractions[1]).toBeGreaterThan(0.9);
    expect(screenDriftingChannels([noise, warming], 400, 1).features).toEqual(["mean", "mean"]);
  });
});
