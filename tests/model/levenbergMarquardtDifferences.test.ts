/**
 * levenbergMarquardt's finite-difference Jacobian near a bound (docs/design.md 2.2, calibration
 * numerics): central differences (r(theta + h) - r(theta - h)) / 2h when both points are within
 * the bounds, a bound itself included, and a one-sided difference that stays within them
 * otherwise; the residuals are never evaluated outside the bounds. With no iteration allowed the
 * result's Jacobian is the one at theta0. The problems are r(theta) = theta^2 with steps and
 * points that are exact in binary, so each difference quotient is worked by hand exactly:
 * central at theta (exact for a quadratic) = 2 theta, forward = 2 theta + h, backward = 2 theta - h.
 */
import { describe, expect, it } from "vitest";
import { levenbergMarquardt } from "../../src/model/calibration/levenbergMarquardt.js";

/** The Jacobian of r = theta^2 at theta0 with step h and the given bounds, and every theta tried. */
function jacobianOfSquare(
  theta0: number,
  h: number,
  bounds: { lower?: number; upper?: number },
  differences?: "central" | "forward",
) {
  const tried: number[] = [];
  const res = levenbergMarquardt(
    {
      residualCount: 1,
      residuals: (t, out) => {
        const x = t[0] as number;
        tried.push(x);
        out[0] = x * x;
      },
      theta0: [theta0],
      ...(bounds.lower === undefined ? {} : { lower: [bounds.lower] }),
      ...(bounds.upper === undefined ? {} : { upper: [bounds.upper] }),
    },
    { maxIterations: 0, differenceSteps: [h], ...(differences === undefined ? {} : { differences }) },
  );
  return { slope: res.jacobian[0]?.[0], tried, evaluations: res.evaluations };
}

describe("levenbergMarquardt's difference steps at the bounds", () => {
  it("takes the central difference when theta + h is exactly the bound (0.75 + 0.25 = 1)", () => {
    const j = jacobianOfSquare(0.75, 0.25, { upper: 1 });
    expect(j.slope).toBe(1.5);
    expect(j.tried).toEqual([0.75, 1, 0.5]);
    expect(j.evaluations).toBe(3);
  });

  it("steps down only when theta + h is past the bound (0.875 + 0.25 > 1): backward difference", () => {
    const j = jacobianOfSquare(0.875, 0.25, { upper: 1 });
    // (0.875^2 - 0.625^2) / 0.25 = 2 * 0.875 - 0.25 = 1.5
    expect(j.slope).toBe(1.5);
    expect(j.tried).toEqual([0.875, 0.625]);
    expect(j.evaluations).toBe(2);
    expect(Math.max(...j.tried)).toBeLessThanOrEqual(1);
  });

  it("steps up when theta - h is past the lower bound and theta + h is not: forward difference", () => {
    const j = jacobianOfSquare(0.125, 0.25, { lower: 0, upper: 1 });
    // (0.375^2 - 0.125^2) / 0.25 = 2 * 0.125 + 0.25 = 0.5
    expect(j.slope).toBe(0.5);
    expect(j.tried).toEqual([0.125, 0.375]);
    expect(j.evaluations).toBe(2);
  });

  it("takes the central difference when theta - h is exactly the lower bound (0.25 - 0.25 = 0)", () => {
    const j = jacobianOfSquare(0.25, 0.25, { lower: 0 });
    expect(j.slope).toBe(0.5);
    expect(j.tried).toEqual([0.25, 0.5, 0]);
  });

  it("with no bounds and central differences by default: 2 theta", () => {
    const j = jacobianOfSquare(3, 0.5, {});
    expect(j.slope).toBe(6);
    expect(j.tried).toEqual([3, 3.5, 2.5]);
  });

  it("with forward differences asked for, forward even with room on both sides: 2 theta + h", () => {
    const j = jacobianOfSquare(3, 0.5, {}, "forward");
    // (3.5^2 - 3^2) / 0.5 = 6.5
    expect(j.slope).toBe(6.5);
    expect(j.tried).toEqual([3, 3.5]);
    expect(j.evaluations).toBe(2);
  });
});
