/**
 * parameterCovariance of a fit with no parameters (docs/design.md 2.2): J^T J is 0 x 0, as when a
 * calibration holds every parameter it was asked for and has no initial-state variables. The
 * result is empty (no standard deviation, correlation or weak direction) and the residual variance
 * is ||r||^2 / N; ml-matrix's eigendecomposition refused the empty matrix ("Matrix must be
 * non-empty"), so this threw.
 */
import { Matrix } from "ml-matrix";
import { describe, expect, it } from "vitest";
import { parameterCovariance } from "../../src/model/calibration/parameterCovariance.js";

describe("parameterCovariance with no parameters", () => {
  it("returns an empty result and s^2 = ||r||^2 / N", () => {
    const c = parameterCovariance(new Matrix(0, 0), 12, 8);
    expect(c.residualVariance).toBe(1.5);
    expect([c.covariance.rows, c.covariance.columns]).toEqual([0, 0]);
    expect([c.correlation.rows, c.correlation.columns]).toEqual([0, 0]);
    expect(Array.from(c.std)).toEqual([]);
    expect(Array.from(c.scaledEigenvalues)).toEqual([]);
    expect(c.weakDirections).toEqual([]);
  });
});
