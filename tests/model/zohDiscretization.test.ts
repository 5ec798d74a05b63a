import { describe, expect, it } from "vitest";
import { createZohMatrices, phi1Derivative, zohDiscretize } from "../../src/model/zohDiscretization.js";

describe("phi1Derivative's series", () => {
  it("is correct to an ulp just inside its range (|z| < 0.1), against mpmath at 40 digits", () => {
    // (e^z (z - 1) + 1) / z^2 with mpmath 1.3 (mp.dps = 40), rounded to double.
    const reference: readonly [number, number][] = [
      [0.0999, 0.5345814383742736],
      [-0.0999, 0.46791494781258075],
      [0.05, 0.516983377110865],
    ];
    for (const [z, value] of reference)
      expect(Math.abs(phi1Derivative(z) - value)).toBeLessThanOrEqual(1.2e-16);
  });
});

describe("zohDiscretize at eigenvalues exactly NEAR_EQUAL = 1e-4 apart", () => {
  it("takes the divided difference there, exact to rounding: A = diag(0, -1e-4), h = 1 s", () => {
    // Diagonal A: Phi = diag(1, e^-1e-4), Gamma = diag(h, (1 - e^-1e-4) / 1e-4), by mpmath at 40
    // digits 0.9999000049998333 and 0.999950001666625. (The midpoint derivative, for nearer
    // eigenvalues, would be 1e-14 off here.)
    const m = zohDiscretize(0, 0, 0, -1e-4, 1, createZohMatrices());
    expect(Array.from(m.subarray(0, 7))).toEqual([1, 0, 0, 0.9999000049998333, 1, 0, 0]);
    expect(Math.abs((m[7] as number) - 0.999950001666625)).toBeLessThan(5e-16);
  });
});
