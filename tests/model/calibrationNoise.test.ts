/**
 * noiseEstimate (calibrateLoop.ts): the robust white-noise level of a series, the median of the
 * absolute second differences times 1.4826 / sqrt(6) (for white noise of standard deviation s the
 * second difference has standard deviation s sqrt(6), and 1.4826 MAD estimates a normal's
 * standard deviation), over the triples of consecutive samples that are all in use.
 */
import { describe, expect, it } from "vitest";
import { noiseEstimate } from "../../src/model/calibration/calibrateLoop.js";

const scale = 1.4826 / Math.sqrt(6);
const est = (x: number[], use: number[]): number => noiseEstimate(Float64Array.from(x), Uint8Array.from(use));

describe("noiseEstimate", () => {
  it("is 1.4826 / sqrt(6) times the median absolute second difference (worked by hand)", () => {
    // 0, 1, 0, 1, ...: every second difference is +-2.
    expect(est([0, 1, 0, 1, 0, 1, 0], [1, 1, 1, 1, 1, 1, 1])).toBeCloseTo(2 * scale, 15);
    // Second differences 1, 3, 7 (x = 0, 0, 1, 5, 16): the median (index 1 of 3) is 3.
    expect(est([0, 0, 1, 5, 16], [1, 1, 1, 1, 1])).toBeCloseTo(3 * scale, 15);
    // The same differences out of order, 7, 1, 3 (x = 0, 0, 7, 15, 26): still the median 3, not
    // the middle one in time.
    expect(est([0, 0, 7, 15, 26], [1, 1, 1, 1, 1])).toBeCloseTo(3 * scale, 15);
    // A spike at an unused sample (index 4) is in none of the triples counted.
    expect(est([0, 1, 0, 1, 50, 1, 0, 1, 0], [1, 1, 1, 1, 0, 1, 1, 1, 1])).toBeCloseTo(2 * scale, 15);
  });

  it("skips a triple when any one of its three samples is unused: NaN with none left", () => {
    // One triple each; the unused sample is its last, middle, then first.
    expect(est([0, 1, 100], [1, 1, 0])).toBeNaN();
    expect(est([0, 100, 2], [1, 0, 1])).toBeNaN();
    expect(est([100, 1, 2], [0, 1, 1])).toBeNaN();
    // All in use, the one triple counts: |2 - 2 x 100 + 0| = 198.
    expect(est([0, 100, 2], [1, 1, 1])).toBeCloseTo(198 * scale, 12);
    // The triples are (k - 2, k - 1, k), not samples after k: with sample 1 unused no triple
    // counts (NaN); with sample 0 unused only (1, 2, 3) and (2, 3, 4) count, both 0.
    expect(est([0, 100, 2, 3], [1, 0, 1, 1])).toBeNaN();
    expect(est([100, 0, 0, 0, 0], [0, 1, 1, 1, 1])).toBe(0);
    // Fewer than three samples: no triple.
    expect(est([0, 1], [1, 1])).toBeNaN();
  });

  it("reads x only: a use mask longer than the series adds no triple past its end", () => {
    expect(est([0, 100, 2], [1, 1, 1, 1, 1])).toBeCloseTo(198 * scale, 12);
  });
});
