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

  it("needs blocks of two rows: a ramp of 16 rows (blocks of 2) is 1 - 3/255, of 15 rows (blocks of 1) is 0", () => {
    // 16 rows in 8 blocks of B = 2: 1 - (B^2 - 1)/(n^2 - 1) = 1 - 3/255, as for the long ramp above.
    const ramp = Array.from({ length: 16 }, (_, i) => i);
    expect(slowVarianceFraction(ramp, 16)).toBeCloseTo(252 / 255, 12);
    // 15 rows give blocks of one row, whose means are the rows: the statistic would be 1 for any
    // series, so it is 0 instead.
    expect(slowVarianceFraction(ramp, 15)).toBe(0);
  });

  it("takes the number of blocks as an argument: four rows in two blocks, by hand", () => {
    // [0, 0, 2, 2]: block means 0 and 2 around the mean 1 carry all the variance.
    expect(slowVarianceFraction([0, 0, 2, 2], 4, 2)).toBe(1);
    // [0, 2, 0, 2]: both block means are 1, the mean: none of it.
    expect(slowVarianceFraction([0, 2, 0, 2], 4, 2)).toBe(0);
    // [0, 1, 3, 4]: mean 2, total 4 + 1 + 1 + 4 = 10; block means 0.5 and 3.5, between 2 (1.5^2) 2 = 9.
    expect(slowVarianceFraction([0, 1, 3, 4], 4, 2)).toBeCloseTo(0.9, 15);
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

  it("takes slope only above the cutoff: a fraction equal to it stays on mean", () => {
    // A constant channel's fraction is exactly 0; a ramp's is 1 - 3/255 with 16 rows.
    const constant = new Float64Array(16).fill(2);
    const ramp = Array.from({ length: 16 }, (_, i) => 0.5 * i);
    const s = screenDriftingChannels([constant, ramp], 16, 0);
    expect(s.features).toEqual(["mean", "slope"]);
    expect(s.slowFractions[0]).toBe(0);
    expect(s.slowFractions[1]).toBeCloseTo(252 / 255, 12);
  });
});
