/**
 * Edges of the chi-square root finder and of the incomplete gamma function: the start of the
 * safeguarded Newton (Wilson-Hilferty, the small-x expansion, the dof fallback), the tail each
 * quantile is solved in, the bracket, and the switch between series and continued fraction at
 * x = a + 1. Found by the mutation run of src/detect/detectors (issue 19): each case below is one
 * where a slip in that code moves the result far past the tolerance, while the code as written
 * is within it.
 *
 * Reference values: mpmath 1.3 at 50 digits (the quantile by mp.findroot on
 * log(mp.gammainc(dof/2, x/2, regularized=True)) - log(p), the survival by mp.gammainc),
 * printed as the nearest double; where mpmath's series was too slow (dof 262144 and 2^25),
 * scipy 1.17 (scipy.stats.chi2.ppf / cdf, Boost's incomplete gamma and its inverse).
 */
import { describe, expect, it } from "vitest";
import {
  chiSquareCdf,
  chiSquareQuantile,
  chiSquareSurvival,
  chiSquareUpperQuantile,
  normalQuantile,
  regularizedGammaP,
  regularizedGammaQ,
} from "../../src/detect/detectors/distributions.js";

const relErr = (got: number, want: number) => Math.abs(got / want - 1);

describe("chi-square quantile: the start and the tail of the Newton solve", () => {
  // [function, p or alpha, dof, reference, tolerance]. The tolerance is at least 3 times the error
  // of the code as written; the comment says which start or branch the case depends on.
  const cases: readonly (readonly [f: "lower" | "upper", p: number, dof: number, x: number, tol: number])[] =
    [
      // Lower tail, dof 1000, p 1e-20: Wilson-Hilferty's start (640) is used; the small-x expansion
      // (2 (p Γ(a + 1))^(1/a) = 0.46 x) is not, and Newton from it does not reach the root.
      ["lower", 1e-20, 1000, 640.3742977345007, 3e-14],
      ["lower", 1e-50, 1000, 471.3770861141663, 3e-14],
      // Lower tail, dof 50 and 256: Wilson-Hilferty's 1 - v + z sqrt(v).
      ["lower", 1e-50, 50, 0.20434421335122938, 3e-14],
      ["lower", 0.49, 256, 254.7676791042078, 3e-14],
      // dof 1, p 1e-100: the closed form π p² / 2 (P(1/2, y) = erf(sqrt y) ≈ 2 sqrt(y / π)); the
      // small-x start is this closed form, and Newton keeps it within 2e-14.
      ["lower", 1e-100, 1, 1.5707963267948966e-200, 1e-13],
      // Lower tail for tiny dof (alpha 0.97 upper = 0.03 lower): only the small-x start reaches
      // this root near 1e-305 (Wilson-Hilferty gives 1e-3).
      ["upper", 0.97, 0.01, 2.994890789311895e-305, 5e-14],
      // Upper tail at alpha 1e-300: Wilson-Hilferty's start, then Newton with the bracket.
      ["upper", 1e-300, 10000, 16190.627988640485, 3e-14],
      ["upper", 1e-300, 0.05, 1361.4780844830832, 3e-14],
      ["upper", 1e-300, 0.1, 1363.2140546291166, 3e-14],
      // Upper tail, dof 10000, alpha 0.02425: solved in the upper tail (the lower-tail start, the
      // small-x expansion at 0.73 x, would not reach it). 3.3e-14 from scipy, about the error of the
      // CDF itself at this dof.
      ["upper", 0.02425, 10000, 10280.942366583333, 1e-13],
      // Upper, alpha 1 - 1e-9 (lower-tail target about 1e-9) at dof 0.2: one iterate has a CDF equal
      // to the target to the last bit (f = 0), which must close the bracket from above (hi = x);
      // taken as lo instead, the next steps bisect towards 1e-60.
      ["upper", 0.999999999, 0.2, 1.214609328966559e-90, 3e-14],
      // Upper, alpha 0.1 at dof 0.01: Wilson-Hilferty is negative (dof < 2/9), the start is dof;
      // the stopping test |next - x| <= 1e-14 x returns the converged iterate (4.8e-14 from mpmath
      // since the solve works on the log of the tail).
      ["upper", 0.1, 0.01, 7.954848891114199e-10, 1e-13],
    ];

  it.each(cases)("%s tail, p %s, dof %s is %s", (f, p, dof, x, tol) => {
    const got = f === "lower" ? chiSquareQuantile(p, dof) : chiSquareUpperQuantile(p, dof);
    expect(relErr(got, x)).toBeLessThan(tol);
  });

  it("at p = 1/2 the lower tail is solved, at alpha = 1/2 too (dof 262144)", () => {
    // scipy.stats.chi2.ppf(0.5, 262144). At this dof the CDF itself is computed 9.2e-11 high at the
    // median (the exponent -x/2 + a ln(x/2) - ln Γ(a), of size 1.6e6, loses that much to rounding),
    // so the root of the computed CDF is 6.4e-13 from the true one: the documented 1e-12. The solve
    // must find that root: the computed CDF at its answer is the target to 1e-14.
    const median = 262143.33333363474;
    expect(relErr(chiSquareQuantile(0.5, 262144), median)).toBeLessThan(1e-12);
    expect(relErr(chiSquareUpperQuantile(0.5, 262144), median)).toBeLessThan(1e-12);
    expect(Math.abs(chiSquareCdf(chiSquareQuantile(0.5, 262144), 262144) - 0.5)).toBeLessThan(1e-14);
    // scipy.stats.chi2.ppf(0.05, 262144).
    expect(relErr(chiSquareQuantile(0.05, 262144), 260954.13686708175)).toBeLessThan(1e-12);
  });

  it("the lower tail for dof in the hundreds to tens of thousands, and alpha 1e-300, are solved", () => {
    // Newton on the CDF itself went wrong here: from the small-x start far below the root it
    // jumped to 1e20 or more (chiSquareQuantile(0.5, 1000) was 2.4e20) and its 200 steps did not
    // come back; at alpha 1e-300 it moved about 2 a step and stopped short (1152 for 1373.9 at
    // dof 1). References: scipy.stats.chi2.ppf / isf (Boost), and mpmath findroot on the log of
    // the regularized upper gamma for the upper tail (dof 1, 1000 and 3000 agree with scipy to
    // 1e-15).
    const lower: readonly (readonly [p: number, dof: number, x: number])[] = [
      [0.5, 1000, 999.333412403381],
      [0.1, 250, 221.8059313065297],
      [0.01, 3000, 2822.748247793023],
      [1e-100, 10000, 7284.761576180166],
      [1e-10, 30000, 28468.009749123055],
    ];
    for (const [p, dof, x] of lower) expect(relErr(chiSquareQuantile(p, dof), x)).toBeLessThan(1e-12);
    expect(relErr(chiSquareUpperQuantile(0.5, 1000), 999.333412403381)).toBeLessThan(1e-12);
    const upper: readonly (readonly [alpha: number, dof: number, x: number])[] = [
      [1e-300, 1, 1373.8726312223941],
      [1e-300, 1000, 3672.366544556647],
      [1e-300, 3000, 6847.881174148714],
    ];
    for (const [alpha, dof, x] of upper)
      expect(relErr(chiSquareUpperQuantile(alpha, dof), x)).toBeLessThan(1e-13);
  });

  it("at dof 2/9 and p = 1/2 Wilson-Hilferty's start is exactly 0 and the small-x start is taken", () => {
    // v = 2 / (9 dof) = 1 and z = 0, so the cube is 0. mpmath: 0.0023946094319983887 (the code
    // as written is 5.4e-16 from it; starting Newton from 0 instead ends 8.6e-15 away).
    const x = 0.0023946094319983887;
    expect(relErr(chiSquareQuantile(0.5, 2 / 9), x)).toBeLessThan(3e-15);
    expect(relErr(chiSquareUpperQuantile(0.5, 2 / 9), x)).toBeLessThan(3e-15);
  });

  it("upper alpha 0.02425 at dof 0.2: the normal quantile at Acklam's region boundary p = 0.02425", () => {
    // mpmath: 1.9936751699140485. The code is 3.7e-15 from it; with the boundary point taken by
    // the central region's formula instead of the tail's, the start moves and Newton stops 1.6e-14 away.
    expect(relErr(chiSquareUpperQuantile(0.02425, 0.2), 1.9936751699140485)).toBeLessThan(8e-15);
  });

  it("a root below the smallest normal double is the small-x expansion, rounded to a denormal or 0", () => {
    // P(0.0005, x / 2) = 0.1 at x = 2 (0.1 Γ(1.0005))^2000, about 1.1e-2000 (mpmath), and
    // P(0.0005, x / 2) = 0.5 at about 9.8e-603: both round to 0. Before this case the solve
    // started from the underflowed expansion (0), doubled the bracket to 1 and came back to 1e-60.
    expect(chiSquareQuantile(0.1, 0.001)).toBe(0);
    expect(chiSquareQuantile(0.5, 0.001)).toBe(0);
    expect(chiSquareUpperQuantile(0.5, 0.001)).toBe(0);
    // dof 0.01: mpmath's roots 2.0e-324 and 1.5e-324 are below 2^-1075 = 2.47e-324 and round to
    // 0; 3.7e-324 and 4.2e-324 are above it and round to the smallest denormal 2^-1074 = 5e-324.
    expect(chiSquareQuantile(0.02405716792818174, 0.01)).toBe(0);
    expect(chiSquareQuantile(0.024022588724052114, 0.01)).toBe(0);
    expect(chiSquareQuantile(0.024131279972544953, 0.01)).toBe(5e-324);
    expect(chiSquareQuantile(0.024146578224210517, 0.01)).toBe(5e-324);
    // mpmath 1.4907e-323: 3 · 2^-1074 (the solve from the expansion came back at 2 · 2^-1074).
    expect(chiSquareQuantile(0.0243, 0.01)).toBe(3 * 2 ** -1074);
    // Either side of the smallest normal 2.2e-308 (mpmath, dof 0.01 and 0.5): Newton above it,
    // the expansion below it, both within the documented 1e-12.
    const edge: readonly (readonly [p: number, dof: number, x: number])[] = [
      [0.028943296188775405, 0.01, 2.299999999999979e-308],
      [0.028930134066849293, 0.01, 2.100000000000022e-308],
      [1.142492548901364e-77, 0.5, 2.3e-308],
      [1.11680214921465e-77, 0.5, 2.0999999999999995e-308],
      [2.9337386158861293e-78, 0.5, 1e-310],
    ];
    for (const [p, dof, x] of edge) expect(relErr(chiSquareQuantile(p, dof), x)).toBeLessThan(1e-12);
  });

  it("an upper-tail quantile whose root is tiny (dof under 0.06) is found, not left at 1e-64", () => {
    // [alpha, dof, mpmath's root, tolerance]. Q = 1 - P(a, y) changes only in its last bits there,
    // so the upper-tail Newton stopped at 6.2e-64 for the first three; the lower tail P = 1 - alpha
    // finds them, within the problem's own conditioning (the root moves 2 / dof times as much as
    // the probability: 2000 x at dof 0.001).
    const cases: readonly (readonly [alpha: number, dof: number, x: number, tol: number])[] = [
      [0.25, 0.001, 1.4895454316581363e-250, 3e-12],
      [0.1, 0.001, 3.431988699168138e-92, 3e-12],
      [0.02425, 0.001, 5.341298841174258e-22, 3e-12],
      [0.25, 0.01, 1.1597989856543723e-25, 3e-13],
      // Half the root 7.7e-10, above the 1e-10 switch: solved in the upper tail.
      [0.4, 0.05, 1.531867835686895e-9, 1e-13],
    ];
    for (const [alpha, dof, x, tol] of cases)
      expect(relErr(chiSquareUpperQuantile(alpha, dof), x)).toBeLessThan(tol);
    expect(relErr(chiSquareQuantile(0.75, 0.001), 1.4895454316581363e-250)).toBeLessThan(3e-12);
    // P(0.0005, y) = 0.6 at x = 2 (0.6 Γ(1.0005))^2000, about 1e-444: 0.
    expect(chiSquareUpperQuantile(0.4, 0.001)).toBe(0);
  });

  it("a root below the normal range is found to the last denormal", () => {
    // P(0.005, x / 2) = 0.02425: mpmath 9.87e-324, whose nearest double is 2 · 2^-1074 = 1e-323.
    expect(chiSquareQuantile(0.02425, 0.01)).toBe(1e-323);
  });
});

describe("normal quantile: the Halley step far in the lower tail", () => {
  it("is correctly rounded near p = 1e-260, where Acklam's start is furthest off", () => {
    // mpmath (mp.findroot on mp.ncdf(t) - p, 40 digits), nearest doubles. The code gives them to
    // the last bit; with the Halley step's denominator 1 + x u / 2 multiplied instead of divided,
    // or 1 - x u / 2, or x u · 2, the results are 7 to 11 ulps (1.4e-15 to 2.2e-15) away.
    const cases: readonly (readonly [p: number, x: number])[] = [
      [6.157910831027162e-264, -34.68713277986449],
      [1.655488867116331e-259, -34.392087288243204],
      [3.4347341384238908e-258, -34.30387644493586],
    ];
    for (const [p, x] of cases) expect(relErr(normalQuantile(p), x)).toBeLessThan(5e-16);
  });
});

describe("incomplete gamma: series or continued fraction at x = a + 1", () => {
  it("the survival at x / 2 = a + 1 exactly is the continued fraction, not 1 - the series", () => {
    // a = 2^-10, x / 2 = 1 + 2^-10 (both exact). Q is 2.1e-4, so 1 - P would lose 4 digits
    // (1e-12); mpmath: 0.0002141054588692675, the continued fraction is 4.7e-15 from it.
    expect(relErr(chiSquareSurvival(2 + 2 ** -9, 2 ** -9), 0.0002141054588692675)).toBeLessThan(2e-14);
  });

  it("the series near x = a for a = 2^24 runs to convergence (about 35,000 terms), past 10,000", () => {
    // scipy.stats.chi2.cdf(2^25, 2^25) = 0.5000324660059028 and chi2.ppf(0.5, 2^25) =
    // 33554431.333333336. The code is 1.4e-8 and 1.4e-11 from them (the exponent's rounding, as
    // below); the series cut at 10,000 terms gave 0.4927 and 33554434.0.
    const dof = 2 ** 25;
    expect(relErr(chiSquareCdf(dof, dof), 0.5000324660059028)).toBeLessThan(1e-7);
    expect(relErr(chiSquareQuantile(0.5, dof), 33554431.333333336)).toBeLessThan(1e-10);
  });

  it("the CDF at x / 2 = a + 1 for a = 2^24 is 1 - the continued fraction (the series would need 29 000 terms)", () => {
    // scipy.stats.chi2.cdf(2^25 + 2, 2^25) = 0.500129864019225. The code is 4.3e-8 from it (the
    // exponent -x + a ln x - ln Γ(a) of size 3e8 loses that much to rounding); the series, cut at
    // its 10 000-term cap, gives 0.4928.
    const dof = 2 ** 25;
    expect(relErr(chiSquareCdf(dof + 2, dof), 0.500129864019225)).toBeLessThan(1e-6);
  });

  it("takes shapes up to a = 2^26 (dof 2^27), where the series and the continued fraction still converge", () => {
    // scipy.special.gammainc(2^26, 2^26 + 0.5) = 0.5000405825072304 (the series' worst case: 60,879
    // terms of its cap of 80,471), gammaincc(2^26, 2^26 + 1) = 0.49993506798875886 (the continued
    // fraction, 3,794 steps), chi2.cdf(2^27, 2^27) = 0.5000162330029474. The code is 3e-7 from
    // them (the exponent -x + a ln x - ln Γ(a), of size 1.3e9, rounds that much); a series cut at
    // 10,000 terms gives about 0.49 for the first.
    const a = 2 ** 26;
    expect(relErr(regularizedGammaP(a, a + 0.5), 0.5000405825072304)).toBeLessThan(1e-6);
    expect(relErr(regularizedGammaQ(a, a + 1), 0.49993506798875886)).toBeLessThan(1e-6);
    expect(relErr(chiSquareCdf(2 ** 27, 2 ** 27), 0.5000162330029474)).toBeLessThan(1e-6);
  });

  it("refuses a shape past 2^26 or not above 0, and dof past 2^27, naming the value", () => {
    // Past a = 2^26 the term caps would end the sums before they converge (the CDF at x = dof was
    // 1.6e-3 off at dof 2e9); past a = 2^53 the series' terms no longer shrink at all.
    const above = 2 ** 26 + 2 ** -26; // the next double
    expect(() => regularizedGammaP(above, 1)).toThrow(`a: must be a number in (0, 67108864] (got ${above})`);
    expect(() => regularizedGammaQ(above, 1)).toThrow(`a: must be a number in (0, 67108864] (got ${above})`);
    expect(() => regularizedGammaP(2 ** 54, 2 ** 54 - 2)).toThrow("a: must be a number in (0, 67108864]");
    expect(() => regularizedGammaP(0, 1)).toThrow("a: must be a number in (0, 67108864] (got 0)");
    expect(() => regularizedGammaQ(-1, 1)).toThrow("a: must be a number in (0, 67108864] (got -1)");
    expect(() => regularizedGammaQ(Number.NaN, 1)).toThrow("a: must be a number in (0, 67108864] (got NaN)");
    const dofAbove = 2 ** 27 + 2 ** -25;
    expect(() => chiSquareCdf(1, dofAbove)).toThrow(
      `dof: must be at most 134217728 (2^27) (got ${dofAbove})`,
    );
    expect(() => chiSquareQuantile(0.5, 2 ** 28)).toThrow(
      "dof: must be at most 134217728 (2^27) (got 268435456)",
    );
  });
});
