/**
 * parameterCovariance's weak directions at the member threshold: a parameter whose weight in a
 * near-null eigenvector of the unit-diagonal J^T J is 0.3 or more counts as a member (the
 * `weakDirections` contract in parameterCovariance.ts), 0.3 itself included.
 *
 * The matrix is the Gram matrix of three unit vectors b1 = (1, 0), b2 = (cos p, sin p),
 * b3 = (cos p, -sin p) with 0.3 b1 + a b2 + a b3 = 0 (a = sqrt(0.455), cos p = -0.3 / (2a)):
 * singular, with the null vector (0.3, a, a), whose first weight is 0.3 in exact arithmetic. Its
 * entries are doubles next to cos p and cos 2p, chosen (by trying neighbours a few ulps apart) so
 * that ml-matrix's eigenvector has the weight exactly the double 0.3; the test checks that premise
 * with ml-matrix itself. Its diagonal is 1, so parameterCovariance's scaling leaves it unchanged.
 */
import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import { describe, expect, it } from "vitest";
import { parameterCovariance } from "../../src/model/calibration/parameterCovariance.js";

const X = -0.2223747949983292; // about cos p = -0.3 / (2 sqrt(0.455)) = -0.22237479...
const Y = -0.9010989010988968; // about cos 2p = 2 cos^2 p - 1 = -0.90109890...

function gram(): Matrix {
  return new Matrix([
    [1, X, X],
    [X, 1, Y],
    [X, Y, 1],
  ]);
}

describe("parameterCovariance's weak-direction members", () => {
  it("counts a weight of exactly 0.3 as a member", () => {
    const jtj = gram();
    // The premise: the smallest eigenvalue is below 1e-10 of the largest (the default singular
    // ratio), and its eigenvector's first weight is exactly the double 0.3.
    const evd = new EigenvalueDecomposition(jtj, { assumeSymmetric: true });
    const values = evd.realEigenvalues;
    const smallest = values.indexOf(Math.min(...values));
    expect(values[smallest] as number).toBeLessThan(1e-10 * Math.max(...values));
    const v = evd.eigenvectorMatrix.getColumn(smallest);
    expect(Math.abs(v[0] as number)).toBe(0.3);
    expect(Math.abs(v[1] as number)).toBeGreaterThan(0.3);
    expect(Math.abs(v[2] as number)).toBeGreaterThan(0.3);

    const cov = parameterCovariance(jtj, 1, 10);
    expect(cov.weakDirections).toEqual([[0, 1, 2]]);
    expect(Array.from(cov.std)).toEqual([
      Number.POSITIVE_INFINITY,
      Number.POSITIVE_INFINITY,
      Number.POSITIVE_INFINITY,
    ]);
  });
});
