/**
 * The chi-square root finder when an iterate is the root to the last bit: f = 0 there, so the
 * iterate closes the bracket from above (hi = x), the Newton step stays on it and so is not inside
 * the open bracket (lo, hi), and the bracket step is taken instead. With lo still below hi / 4 that
 * step is the geometric mean sqrt(lo hi), from which bisection comes back to the root. Found by
 * the mutation run of src/detect/detectors (issue 19): the step is reached only through such an
 * exact iterate (1 case in 88,140 of a grid of 113 dof x 390 p x both tails).
 *
 * Reference: mpmath 1.3 at 50 digits, mp.findroot on
 * log(mp.gammainc(dof/2, x/2, mp.inf, regularized=True)) - log(alpha) in log x,
 * printed as the nearest double.
 */
import { describe, expect, it } from "vitest";
import { chiSquareUpperQuantile } from "../../src/detect/detectors/distributions.js";

const relErr = (got: number, want: number) => Math.abs(got / want - 1);

describe("chi-square quantile: an iterate that is the root exactly", () => {
  it("the geometric bracket step after it comes back to the root (alpha 1e-168, dof 5.65685424949238)", () => {
    // mpmath: 794.48085262653054284..., nearest double 794.4808526265306. The iterates are 1513
    // (Wilson-Hilferty), 198 (lo), 800 and 794.48095 (hi), then the root itself with log Q equal
    // to log alpha; sqrt(lo hi) = 397 follows, and bisection from there. The bracket step
    // sqrt(lo / hi) = 0.5 instead lands below lo, and the solve ends at 1 / hi = 0.00126.
    expect(relErr(chiSquareUpperQuantile(1e-168, 5.65685424949238), 794.4808526265306)).toBeLessThan(1e-14);
  });
});
