import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import {
  chiSquareCdf,
  chiSquareQuantile,
  chiSquareSurvival,
  chiSquareUpperQuantile,
  logGamma,
  normalCdf,
  normalQuantile,
} from "../../src/detect/detectors/distributions.js";

// Reference values: standard chi-square tables (e.g. NIST/SEMATECH e-Handbook of Statistical
// Methods, section 1.3.6.7.4), to the digits printed there, and scipy.stats.chi2.ppf for more digits.
const CHI2_TABLE: readonly (readonly [p: number, dof: number, x: number])[] = [
  [0.95, 1, 3.841458820694124],
  [0.95, 2, 5.991464547107979],
  [0.95, 3, 7.814727903251179],
  [0.95, 4, 9.487729036781154],
  [0.95, 5, 11.070497693516351],
  [0.95, 10, 18.307038053275146],
  [0.95, 20, 31.410432844230918],
  [0.95, 30, 43.77297182574219],
  [0.95, 100, 124.34211340400407],
  [0.99, 1, 6.6348966010212145],
  [0.99, 3, 11.344866730144373],
  [0.99, 10, 23.209251158954356],
  [0.999, 1, 10.827566170662733],
  [0.999, 4, 18.46682695290317],
  [0.999, 10, 29.58829844507442],
  [0.05, 1, 0.003932140000019522],
  [0.05, 10, 3.9402991361190605],
  [0.5, 7, 6.345811195521515],
  [1e-10, 3, 5.20939762143448e-7],
];

describe("chi-square quantile", () => {
  it.each(CHI2_TABLE)("p=%f dof=%i matches the table", (p, dof, x) => {
    expect(chiSquareQuantile(p, dof)).toBeCloseTo(x, 9);
    expect(Math.abs(chiSquareQuantile(p, dof) / x - 1)).toBeLessThan(1e-10);
  });

  it("has the closed forms for 1 and 2 degrees of freedom", () => {
    for (const p of [0.01, 0.3, 0.9, 0.999, 1 - 1e-9]) {
      // dof 2: exponential with mean 2.
      expect(chiSquareQuantile(p, 2)).toBeCloseTo(-2 * Math.log1p(-p), 8);
    }
    for (const p of [0.01, 0.3, 0.9, 0.999]) {
      // dof 1: square of a standard normal.
      expect(chiSquareQuantile(p, 1)).toBeCloseTo(normalQuantile((1 + p) / 2) ** 2, 9);
    }
  });

  it("upper quantile keeps precision for tiny tail probabilities", () => {
    expect(chiSquareUpperQuantile(1e-12, 3)).toBeCloseTo(58.919755683202155, 8);
    expect(chiSquareUpperQuantile(1e-3, 1)).toBeCloseTo(10.827566170662733, 9);
    expect(chiSquareUpperQuantile(0.05, 2)).toBeCloseTo(chiSquareQuantile(0.95, 2), 10);
  });

  it("upper quantile for a fractional dof below 2/9, where Wilson-Hilferty's first guess is negative", () => {
    // scipy.stats.chi2.isf(alpha, dof).
    const cases: readonly (readonly [alpha: number, dof: number, x: number])[] = [
      [0.45, 0.01, 1.3325022317883309e-52],
      [0.2, 0.02, 2.3062254518981046e-10],
      [0.3, 0.1, 0.000933127369790517],
    ];
    for (const [alpha, dof, x] of cases) {
      expect(Math.abs(chiSquareUpperQuantile(alpha, dof) / x - 1)).toBeLessThan(1e-11);
    }
  });

  it("CDF and survival against scipy, by the series and by the continued fraction, and at their ends", () => {
    // scipy.stats.chi2.cdf / chi2.sf. x/2 < dof/2 + 1 takes the series, otherwise the continued fraction.
    const near = (got: number, want: number) => expect(Math.abs(got / want - 1)).toBeLessThan(1e-14);
    near(chiSquareCdf(2.5, 3), 0.5247089166569795);
    near(chiSquareSurvival(2.5, 3), 0.4752910833430205);
    near(chiSquareSurvival(40, 3), 1.065509033425585e-8);
    near(chiSquareCdf(1e-3, 0.5), 0.16495975076841285);
    for (const dof of [0.5, 3]) {
      expect(chiSquareCdf(0, dof)).toBe(0);
      expect(chiSquareCdf(-1, dof)).toBe(0);
      expect(chiSquareCdf(Number.POSITIVE_INFINITY, dof)).toBe(1);
      expect(chiSquareSurvival(0, dof)).toBe(1);
      expect(chiSquareSurvival(-1, dof)).toBe(1);
      expect(chiSquareSurvival(Number.POSITIVE_INFINITY, dof)).toBe(0);
      expect(chiSquareQuantile(0, dof)).toBe(0);
      expect(chiSquareQuantile(1, dof)).toBe(Number.POSITIVE_INFINITY);
      expect(chiSquareUpperQuantile(0, dof)).toBe(Number.POSITIVE_INFINITY);
      expect(chiSquareUpperQuantile(1, dof)).toBe(0);
    }
    // Far in the upper tail (x / 2 = 1500): the survival e^-1500 · ... underflows to 0 and the CDF is 1; the
    // series there would overflow (its terms grow like 1500^n / n! up to n = 1500).
    expect(chiSquareCdf(3000, 3)).toBe(1);
    expect(chiSquareSurvival(3000, 3)).toBe(0);
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(-40)).toBe(0);
    expect(normalCdf(40)).toBe(1);
  });

  it("holds up at the largest dof a chi-square detector uses (64 × 4096), where the series needs 3000 terms", () => {
    // scipy.stats.chi2. The series stopped at 1000 terms and gave 0.4975 for the CDF at the mean.
    const dof = 64 * 4096;
    expect(Math.abs(chiSquareCdf(dof, dof) / 0.5003673109423573 - 1)).toBeLessThan(1e-9);
    expect(Math.abs(chiSquareCdf(dof - 1000, dof) / 0.0835001347430247 - 1)).toBeLessThan(1e-9);
    expect(Math.abs(chiSquareQuantile(0.001, dof) / 259912.13127496175 - 1)).toBeLessThan(1e-12);
    expect(Math.abs(chiSquareUpperQuantile(0.7, dof) / 261763.8106749562 - 1)).toBeLessThan(1e-12);
    expect(Math.abs(chiSquareUpperQuantile(1e-3, dof) / 264387.2680937565 - 1)).toBeLessThan(1e-12);
  });

  it("inverts the CDF across dof and p", () => {
    for (const dof of [0.5, 1, 3, 17, 250]) {
      for (const p of [1e-6, 0.01, 0.5, 0.9, 0.99999]) {
        expect(chiSquareCdf(chiSquareQuantile(p, dof), dof)).toBeCloseTo(p, 10);
      }
    }
  });

  it("bad arguments are refused with the whole message", () => {
    expect(() => chiSquareQuantile(1.5, 3)).toThrow("p: must be a probability in [0, 1] (got 1.5)");
    expect(() => chiSquareQuantile(Number.NaN, 3)).toThrow("p: must be a probability in [0, 1] (got NaN)");
    expect(() => chiSquareUpperQuantile(-1, 3)).toThrow("alpha: must be a probability in [0, 1] (got -1)");
    expect(() => chiSquareQuantile(0.5, 0)).toThrow("dof: must be a finite number > 0 (got 0)");
    expect(() => chiSquareUpperQuantile(0.5, Number.POSITIVE_INFINITY)).toThrow(
      "dof: must be a finite number > 0 (got Infinity)",
    );
    expect(() => chiSquareCdf(1, -2)).toThrow("dof: must be a finite number > 0 (got -2)");
    expect(() => chiSquareSurvival(1, Number.NaN)).toThrow("dof: must be a finite number > 0 (got NaN)");
    expect(() => normalQuantile(2)).toThrow("p: must be a probability in [0, 1] (got 2)");
  });

  it("rejects bad arguments naming them", () => {
    expect(() => chiSquareQuantile(1.5, 3)).toThrow(ConfigError);
    expect(() => chiSquareQuantile(0.5, 0)).toThrow(/dof/);
    expect(() => chiSquareUpperQuantile(-1, 3)).toThrow(/alpha/);
  });
});

describe("normal distribution", () => {
  it("quantiles match reference values", () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normalQuantile(0.8)).toBeCloseTo(0.8416212335729143, 12);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 9);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
  });

  it("quantiles in the three regions of Acklam's approximation and far in the tails (to 1e-14)", () => {
    // scipy.stats.norm.ppf; the regions meet at p = 0.02425 and 1 - 0.02425.
    const cases: readonly (readonly [p: number, x: number])[] = [
      [1e-300, -37.0470962993612],
      [1e-20, -9.262340089798409],
      [0.02, -2.053748910631823],
      [0.02425, -1.972961051311885],
      [0.03, -1.880793608151251],
      [0.97, 1.8807936081512509],
      [0.98, 2.0537489106318225],
      [0.99, 2.3263478740408408],
      [1 - 1e-10, 6.361340889697422],
      [1 - 2 ** -53, 8.209536151601387],
    ];
    for (const [p, x] of cases) expect(Math.abs(normalQuantile(p) / x - 1)).toBeLessThan(1e-14);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
  });

  it("CDF matches reference values", () => {
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980316301, 15);
  });

  it("log-gamma matches factorials and Γ(1/2) = sqrt(π)", () => {
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 11);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(logGamma(0.1)).toBeCloseTo(2.252712651734206, 11);
  });

  it("log-gamma below 1/2 by the reflection formula, down to 1e-300 (ln Γ(x) → -ln x)", () => {
    // scipy.special.gammaln.
    const cases: readonly (readonly [x: number, lnGamma: number])[] = [
      [1e-300, 690.7755278982137],
      [1e-10, 23.025850929882733],
      [1e-5, 11.512919692895826],
      [0.01, 4.599479878042022],
      [0.25, 1.2880225246980774],
      [0.4999, 0.5725613186041183],
    ];
    for (const [x, lnGamma] of cases) expect(Math.abs(logGamma(x) / lnGamma - 1)).toBeLessThan(1e-14);
  });
});
