import fc from "fast-check";
import { Matrix, solve } from "ml-matrix";
import { describe, expect, it } from "vitest";
import { SeededRng } from "../../src/core/rng.js";
import { levenbergMarquardt } from "../../src/model/calibration/levenbergMarquardt.js";
import { parameterCovariance } from "../../src/model/calibration/parameterCovariance.js";
import { createZohMatrices, phi1, phi1Derivative, zohDiscretize } from "../../src/model/zohDiscretization.js";
import { exactLinear2 } from "./linearReference.js";

/** Phi and Gamma by their power series (an independent reference, fine for ||A h|| < ~5). */
function seriesZoh(a: readonly number[], h: number): number[] {
  const [a11, a12, a21, a22] = a as [number, number, number, number];
  // term_k = (A h)^k / k!; Phi = sum term_k; Gamma = h sum (A h)^k / (k+1)!
  let t = [1, 0, 0, 1];
  const phi = [1, 0, 0, 1];
  const gamma = [h, 0, 0, h];
  for (let k = 1; k < 80; k++) {
    t = [
      ((t[0]! * a11 + t[1]! * a21) * h) / k,
      ((t[0]! * a12 + t[1]! * a22) * h) / k,
      ((t[2]! * a11 + t[3]! * a21) * h) / k,
      ((t[2]! * a12 + t[3]! * a22) * h) / k,
    ];
    for (let i = 0; i < 4; i++) {
      phi[i]! += t[i]!;
      gamma[i]! += (t[i]! * h) / (k + 1);
    }
  }
  return [...phi, ...gamma];
}

describe("zohDiscretize", () => {
  it("matches the power series of e^{Ah} and its integral for loop-like matrices (property)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        fc.double({ min: 0, max: 8, noNaN: true }),
        (g1, g2, l1, l2, h) => {
          // A = [[-(g1 + l1), g1], [g2, -(g2 + l2)]]: the loop's structure (a12 a21 >= 0).
          const a = [-(g1 + l1), g1, g2, -(g2 + l2)];
          const z = zohDiscretize(a[0]!, a[1]!, a[2]!, a[3]!, h, createZohMatrices());
          const ref = seriesZoh(a, h);
          for (let i = 0; i < 8; i++) expect(Math.abs(z[i]! - ref[i]!)).toBeLessThan(1e-11 * Math.max(1, h));
        },
      ),
      { seed: 11, numRuns: 300 },
    );
  });

  it("is exact for a forced step against the closed-form solution (distinct eigenvalues)", () => {
    const sys = { a11: -0.14, a12: 0.13, a21: 0.11, a22: -0.12, b1: 0.06, b2: 0.09 };
    const z = zohDiscretize(sys.a11, sys.a12, sys.a21, sys.a22, 37.5, createZohMatrices());
    const y0: [number, number] = [30, 27];
    const y1 = [
      z[0]! * y0[0] + z[1]! * y0[1] + z[4]! * sys.b1 + z[5]! * sys.b2,
      z[2]! * y0[0] + z[3]! * y0[1] + z[6]! * sys.b1 + z[7]! * sys.b2,
    ];
    const ref = exactLinear2(sys, y0, 37.5);
    expect(y1[0]).toBeCloseTo(ref[0], 10);
    expect(y1[1]).toBeCloseTo(ref[1], 10);
  });

  it("handles equal eigenvalues, a pure integrator and a zero step", () => {
    // Equal eigenvalues, uncoupled: Phi = e^{-0.1 h} I, Gamma = (1 - e^{-0.1 h})/0.1 I.
    const h = 3;
    const z = zohDiscretize(-0.1, 0, 0, -0.1, h, createZohMatrices());
    expect(z[0]).toBeCloseTo(Math.exp(-0.3), 14);
    expect(z[3]).toBeCloseTo(Math.exp(-0.3), 14);
    expect(z[1]).toBe(0);
    expect(z[4]).toBeCloseTo((1 - Math.exp(-0.3)) / 0.1, 12);
    // A = 0: y(h) = y + h b.
    const zero = zohDiscretize(0, 0, 0, 0, h, createZohMatrices());
    expect([...zero]).toEqual([1, 0, 0, 1, h, 0, 0, h]);
    // Nearly equal eigenvalues (the divided difference becomes a derivative) against the series.
    for (const c of [1e-9, 1e-6, 3e-5]) {
      const near = zohDiscretize(-0.1, c, c, -0.1 + c, h, createZohMatrices());
      const ref = seriesZoh([-0.1, c, c, -0.1 + c], h);
      for (let i = 0; i < 8; i++) expect(Math.abs(near[i]! - ref[i]!)).toBeLessThan(1e-10);
    }
    const none = zohDiscretize(-0.2, 0.1, 0.1, -0.3, 0, createZohMatrices());
    expect([...none]).toEqual([1, 0, 0, 1, 0, 0, 0, 0]);
  });

  it("phi1 and its derivative: the series near 0 agree with the closed forms at the thresholds", () => {
    for (const z of [0.99e-5, -0.99e-5]) expect(Math.abs(phi1(z) - Math.expm1(z) / z)).toBeLessThan(1e-15);
    for (const z of [0.099, -0.099, 0.05])
      expect(Math.abs(phi1Derivative(z) - (Math.exp(z) * (z - 1) + 1) / (z * z))).toBeLessThan(1e-12);
    expect(phi1(0)).toBe(1);
    expect(phi1Derivative(0)).toBe(0.5);
    // Derivative against a central difference of phi1 away from the thresholds.
    for (const z of [-2, -0.5, 0.3, 1.5]) {
      const d = (phi1(z + 1e-6) - phi1(z - 1e-6)) / 2e-6;
      expect(phi1Derivative(z)).toBeCloseTo(d, 8);
    }
  });
});

describe("levenbergMarquardt", () => {
  it("finds the minimum of Rosenbrock's function written as residuals", () => {
    const res = levenbergMarquardt(
      {
        residualCount: 2,
        residuals: (t, out) => {
          out[0] = 10 * (t[1]! - t[0]! * t[0]!);
          out[1] = 1 - t[0]!;
        },
        theta0: [-1.2, 1],
      },
      { maxIterations: 200 },
    );
    expect(res.converged).toBe(true);
    expect(res.theta[0]).toBeCloseTo(1, 6);
    expect(res.theta[1]).toBeCloseTo(1, 6);
  });

  it("recovers the parameters of a noise-free exponential decay from a far start", () => {
    const t = Float64Array.from({ length: 60 }, (_v, i) => i * 0.5);
    const y = t.map((x) => 3 * Math.exp(-0.4 * x) + 1.5);
    const res = levenbergMarquardt({
      residualCount: t.length,
      residuals: (p, out) => {
        for (let i = 0; i < t.length; i++) out[i] = p[0]! * Math.exp(-p[1]! * t[i]!) + p[2]! - y[i]!;
      },
      theta0: [1, 2, 0],
    });
    expect(res.converged).toBe(true);
    expect(res.theta[0]).toBeCloseTo(3, 7);
    expect(res.theta[1]).toBeCloseTo(0.4, 7);
    expect(res.theta[2]).toBeCloseTo(1.5, 7);
    expect(res.cost).toBeLessThan(1e-18);
  });

  it("respects bounds: the estimate stops on an active bound", () => {
    // min (x - 3)^2 with x <= 2 -> x = 2.
    const res = levenbergMarquardt({
      residualCount: 1,
      residuals: (p, out) => {
        out[0] = p[0]! - 3;
      },
      theta0: [0],
      upper: [2],
    });
    expect(res.theta[0]).toBe(2);
    expect(res.converged).toBe(true);
  });

  it("on a linear model equals ordinary least squares, and its covariance is s^2 (X^T X)^-1", () => {
    const rng = new SeededRng(5);
    const n = 200;
    const x = Array.from({ length: n }, (_v, i) => [1, i / n, Math.sin(i / 7)]);
    const beta = [0.5, -2, 1.25];
    const y = x.map((row) => row.reduce((s, v, j) => s + v * beta[j]!, 0) + 0.1 * rng.normal());
    const res = levenbergMarquardt({
      residualCount: n,
      residuals: (p, out) => {
        for (let i = 0; i < n; i++)
          out[i] = x[i]![0]! * p[0]! + x[i]![1]! * p[1]! + x[i]![2]! * p[2]! - y[i]!;
      },
      theta0: [0, 0, 0],
    });
    const X = new Matrix(x);
    const XtX = X.transpose().mmul(X);
    const ols = solve(XtX, X.transpose().mmul(Matrix.columnVector(y))).getColumn(0);
    for (let j = 0; j < 3; j++) expect(res.theta[j]).toBeCloseTo(ols[j]!, 8);
    let ssr = 0;
    for (let i = 0; i < n; i++) {
      const r = x[i]!.reduce((s, v, j) => s + v * ols[j]!, 0) - y[i]!;
      ssr += r * r;
    }
    const cov = parameterCovariance(res.jtj, 2 * res.cost, n);
    const inv = new Matrix(XtX).clone();
    const ref = solve(inv, Matrix.eye(3)).mul(ssr / (n - 3));
    for (let a = 0; a < 3; a++) {
      expect(cov.std[a]!).toBeCloseTo(Math.sqrt(ref.get(a, a)), 8);
      for (let b = 0; b < 3; b++) expect(cov.covariance.get(a, b)).toBeCloseTo(ref.get(a, b), 10);
    }
    expect(cov.weakDirections).toEqual([]);
  });
});

describe("parameterCovariance", () => {
  it("names the parameters of a null direction and gives them infinite uncertainty", () => {
    // Columns 0 and 2 identical: only their sum is seen.
    const cols = [
      [1, 2, 3, 4],
      [0, 1, 0, 1],
      [1, 2, 3, 4],
    ];
    const jtj = new Matrix(3, 3);
    for (let a = 0; a < 3; a++)
      for (let b = 0; b < 3; b++)
        jtj.set(
          a,
          b,
          cols[a]!.reduce((s, v, i) => s + v * cols[b]![i]!, 0),
        );
    const cov = parameterCovariance(jtj, 0.4, 4);
    expect(cov.weakDirections).toEqual([[0, 2]]);
    expect(cov.std[0]).toBe(Number.POSITIVE_INFINITY);
    expect(cov.std[2]).toBe(Number.POSITIVE_INFINITY);
    expect(Number.isFinite(cov.std[1]!)).toBe(true);
    expect(cov.conditionRatio).toBeLessThan(1e-12);
  });

  it("gives s^2 (J^T J)^-1, its correlation and the scaled eigenvalues ascending (worked by hand)", () => {
    // J^T J = [[4, 2], [2, 4]], 12 residuals, 2 parameters: s^2 = 5 / 10 = 0.5. The inverse is
    // [[1/3, -1/6], [-1/6, 1/3]], so the covariance is [[1/6, -1/12], [-1/12, 1/6]], correlation
    // -0.5. Scaled to unit diagonal: [[1, 0.5], [0.5, 1]], eigenvalues 0.5 and 1.5, ratio 1/3.
    const cov = parameterCovariance(
      new Matrix([
        [4, 2],
        [2, 4],
      ]),
      5,
      12,
    );
    expect(cov.residualVariance).toBe(0.5);
    const want = [
      [1 / 6, -1 / 12],
      [-1 / 12, 1 / 6],
    ];
    for (let a = 0; a < 2; a++)
      for (let b = 0; b < 2; b++) expect(cov.covariance.get(a, b)).toBeCloseTo(want[a]![b]!, 14);
    expect(cov.std[0]).toBeCloseTo(Math.sqrt(1 / 6), 14);
    expect(cov.correlation.get(0, 1)).toBeCloseTo(-0.5, 14);
    expect(Array.from(cov.scaledEigenvalues)).toHaveLength(2);
    expect(cov.scaledEigenvalues[0]).toBeCloseTo(0.5, 14);
    expect(cov.scaledEigenvalues[1]).toBeCloseTo(1.5, 14);
    expect(cov.conditionRatio).toBeCloseTo(1 / 3, 14);
    expect(cov.weakDirections).toEqual([]);
  });

  it("counts a direction as weak below singularRatio x the largest eigenvalue, not singularRatio / it", () => {
    // Scaled eigenvalues 1e-10 and 2 - 1e-10: 1e-10 is below 1e-10 x 2, so both parameters
    // (weights 0.707 each) are in a weak direction.
    const c = 1 - 1e-10;
    expect(
      parameterCovariance(
        new Matrix([
          [1, c],
          [c, 1],
        ]),
        1,
        10,
      ).weakDirections,
    ).toEqual([[0, 1]]);
  });

  it("gives a condition ratio of 0, not 0 / 0, when the data sees no parameter", () => {
    const cov = parameterCovariance(new Matrix([[0]]), 1, 5);
    expect(cov.conditionRatio).toBe(0);
    expect(cov.std[0]).toBe(Number.POSITIVE_INFINITY);
    // Its one direction (eigenvalue 0, largest 0) is weak: 0 is not above 1e-10 x 0.
    expect(cov.weakDirections).toEqual([[0]]);
    const none = parameterCovariance(new Matrix(2, 2), 1, 5);
    expect(none.weakDirections).toEqual([[0], [1]]);
  });

  it("a parameter the data never touches (a zero column): infinite std, NaN correlation, ratio 0", () => {
    // J^T J = [[4, 0], [0, 0]], 11 residuals: s^2 = 2 / 9, var(0) = s^2 / 4.
    const cov = parameterCovariance(
      new Matrix([
        [4, 0],
        [0, 0],
      ]),
      2,
      11,
    );
    expect(cov.std[0]).toBeCloseTo(Math.sqrt(2 / 9 / 4), 14);
    expect(cov.std[1]).toBe(Number.POSITIVE_INFINITY);
    expect(cov.covariance.get(0, 0)).toBeCloseTo(2 / 9 / 4, 14);
    expect(cov.covariance.get(1, 1)).toBe(Number.POSITIVE_INFINITY);
    expect(cov.covariance.get(0, 1)).toBeNaN();
    expect(cov.covariance.get(1, 0)).toBeNaN();
    expect(cov.correlation.get(0, 1)).toBeNaN();
    expect(cov.correlation.get(1, 1)).toBe(1);
    expect(cov.conditionRatio).toBe(0);
    expect(cov.weakDirections).toEqual([[1]]);
  });

  it("matches s^2 (J^T J)^-1 to 1e-14 where the scaled J^T J is not exactly symmetric", () => {
    // sqrt(186) and sqrt(66) make (-72 s1) s2 and (-72 s2) s1 differ in the last bit, so the
    // decomposition must be told the matrix is symmetric: the general (Hessenberg) one gives
    // covariances 1.7e-13 off here (relative to sqrt(c_aa c_bb)), the symmetric one 7e-16.
    // Reference: the exact inverse of the integer matrix (Python fractions), s^2 = 2 / (5 - 3) = 1;
    // condition number 11, so a correct inverse is good to a few 1e-16.
    const cov = parameterCovariance(
      new Matrix([
        [138, 104, -62],
        [104, 186, -72],
        [-62, -72, 66],
      ]),
      2,
      5,
    );
    const want = [
      [197 / 13288, -25 / 4983, 337 / 39864],
      [-25 / 4983, 329 / 29898, 109 / 14949],
      [337 / 39864, 109 / 14949, 3713 / 119592],
    ];
    for (let a = 0; a < 3; a++)
      for (let b = 0; b < 3; b++) {
        const unit = Math.sqrt(want[a]![a]! * want[b]![b]!);
        expect(Math.abs(cov.covariance.get(a, b) - want[a]![b]!) / unit).toBeLessThan(1e-14);
      }
    expect(cov.weakDirections).toEqual([]);
  });

  it("keeps the scaled eigenvalues ascending when two null directions come out slightly negative", () => {
    // Columns 1 = 0 and 3 = 2: two null directions, (1, -1, 0, 0) / sqrt 2 and (0, 0, 1, -1) / sqrt 2.
    // Rounding gives them eigenvalues of about -1.1e-16 and -1.7e-17 (both below 0, so their sum is
    // too): the order must still be ascending. Any orthonormal basis of that plane has a weight of
    // at least 1/2 on each parameter in one of its two vectors, so all four are unconstrained.
    const rows = [
      [-6, -1],
      [8, -1],
      [-6, 2],
      [8, 5],
      [-9, 1],
      [-2, 7],
    ];
    const cols = [0, 0, 1, 1].map((c) => rows.map((r) => r[c]!));
    const jtj = new Matrix(4, 4);
    for (let a = 0; a < 4; a++)
      for (let b = 0; b < 4; b++)
        jtj.set(
          a,
          b,
          cols[a]!.reduce((s, v, i) => s + v * cols[b]![i]!, 0),
        );
    const cov = parameterCovariance(jtj, 1, 6);
    const ev = Array.from(cov.scaledEigenvalues);
    for (let i = 1; i < 4; i++) expect(ev[i]!).toBeGreaterThanOrEqual(ev[i - 1]!);
    expect(Math.abs(ev[0]!)).toBeLessThan(1e-14);
    expect(Math.abs(ev[1]!)).toBeLessThan(1e-14);
    expect(ev[0]! + ev[1]!).toBeLessThan(0); // the case this test is for (sum of the two below 0)
    expect(cov.weakDirections).toHaveLength(2);
    expect([...new Set(cov.weakDirections.flat())].sort()).toEqual([0, 1, 2, 3]);
    for (let j = 0; j < 4; j++) expect(cov.std[j]).toBe(Number.POSITIVE_INFINITY);
  });

  it("a zero column is unconstrained whatever the singular ratio, even 0 (its eigenvalue rounds above 0)", () => {
    // Column 2 is zero; the others give the 3 x 3 matrix [[45, 2, -3], [2, 40, 4], [-3, 4, 22]].
    // Its direction's scaled eigenvalue comes out about 2.2e-16, not 0, so with singularRatio 0 it
    // is not a weak direction; the zero column alone must still give std Infinity. The other
    // parameters get s^2 times the inverse of the 3 x 3 matrix (exact, Python fractions), s^2 = 1.
    const cov = parameterCovariance(
      new Matrix([
        [45, 2, 0, -3],
        [2, 40, 0, 4],
        [0, 0, 0, 0],
        [-3, 4, 0, 22],
      ]),
      2,
      6,
      0,
    );
    expect(cov.std[2]).toBe(Number.POSITIVE_INFINITY);
    expect(cov.covariance.get(2, 2)).toBe(Number.POSITIVE_INFINITY);
    const idx = [0, 1, 3];
    const want = [
      [54 / 2399, -7 / 4798, 8 / 2399],
      [-7 / 4798, 981 / 38384, -93 / 19192],
      [8 / 2399, -93 / 19192, 449 / 9596],
    ];
    for (let a = 0; a < 3; a++)
      for (let b = 0; b < 3; b++) expect(cov.covariance.get(idx[a]!, idx[b]!)).toBeCloseTo(want[a]![b]!, 14);
  });
});
