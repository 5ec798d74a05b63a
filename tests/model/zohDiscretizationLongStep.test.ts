/**
 * zohDiscretize over steps much longer than the loop's fastest time constant (docs/design.md 2.2):
 * when the eigenvalues of A h are more than about 709 apart, e^z2 underflows to 0 while
 * phi1(z1 - z2) overflows to Infinity, and their product was NaN (Phi was +-Infinity just below).
 * The divided difference of exp is now e^z1 phi1(z2 - z1), which does neither. The expected values
 * are closed forms worked by hand.
 */
import { describe, expect, it } from "vitest";
import { createZohMatrices, zohDiscretize } from "../../src/model/zohDiscretization.js";

describe("zohDiscretize over a long step", () => {
  it("A = [[-1, 1], [1, -1]] (eigenvalues 0 and -2) over 400 s: Phi and Gamma of the closed form", () => {
    // e^{A h} = 1/2 [[1 + e^{-2h}, 1 - e^{-2h}], [1 - e^{-2h}, 1 + e^{-2h}]], and
    // Gamma = integral_0^h e^{A s} ds = 1/2 [[h + (1 - e^{-2h})/2, h - (1 - e^{-2h})/2], ...].
    // At h = 400, e^{-800} is about 1e-348: 0 in doubles, so Phi = [[0.5, 0.5], [0.5, 0.5]] and
    // Gamma = [[200.25, 199.75], [199.75, 200.25]].
    const z = zohDiscretize(-1, 1, 1, -1, 400, createZohMatrices());
    const expected = [0.5, 0.5, 0.5, 0.5, 200.25, 199.75, 199.75, 200.25];
    for (let i = 0; i < 8; i++)
      expect(Math.abs((z[i] as number) - (expected[i] as number)), `entry ${i}`).toBeLessThan(1e-12 * 200);
  });

  it("the loop at its default operating point over 3000 s and 100,000 s: Phi finite, Gamma -> -A^-1", () => {
    // The defaults (loopParams.ts): m_dot cp = 0.0831 kg/s * 4186 J/(kg K), C_hot 2500 J/K,
    // C_cold 3000 J/K, UA 10 W/K, UA_loss 0.2 W/K. The slow mode decays in about 530 s, the fast in
    // about 4 s: over 3000 s the fast mode's e^z2 underflows (z2 about -780).
    const g = 0.0831 * 4186;
    const a11 = -(g + 0.2) / 2500;
    const a12 = g / 2500;
    const a21 = g / 3000;
    const a22 = -(g + 10 + 0.2) / 3000;
    const z = zohDiscretize(a11, a12, a21, a22, 3000, createZohMatrices());
    for (let i = 0; i < 8; i++) expect(Number.isFinite(z[i] as number), `entry ${i}`).toBe(true);
    // A is Metzler (off-diagonal >= 0) and stable: e^{A h} is non-negative and shrinks every state.
    for (let i = 0; i < 4; i++) expect(z[i] as number).toBeGreaterThanOrEqual(0);
    expect((z[0] as number) + (z[1] as number)).toBeLessThan(1);
    // Over 100,000 s (about 190 slow time constants) Phi is 0 to 1e-80 and Gamma = -A^-1 (I - Phi)
    // is -A^-1 = -1/det [[a22, -a12], [-a21, a11]].
    const long = zohDiscretize(a11, a12, a21, a22, 1e5, createZohMatrices());
    const det = a11 * a22 - a12 * a21;
    const minusInv = [-a22 / det, a12 / det, a21 / det, -a11 / det];
    for (let i = 0; i < 4; i++) {
      expect(Math.abs(long[i] as number), `Phi ${i}`).toBeLessThan(1e-80);
      const want = minusInv[i] as number;
      expect(Math.abs((long[4 + i] as number) / want - 1), `Gamma ${i}`).toBeLessThan(1e-12);
    }
  });
});
