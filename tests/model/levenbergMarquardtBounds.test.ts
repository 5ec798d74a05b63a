/**
 * levenbergMarquardt at a bound and after a step into a region where the residuals are not
 * finite (one-parameter problems whose answers are worked by hand).
 */
import { describe, expect, it } from "vitest";
import { levenbergMarquardt } from "../../src/model/calibration/levenbergMarquardt.js";

describe("levenbergMarquardt at an upper bound", () => {
  it("stops on the gradient at the bound when the minimum lies beyond it (r = theta - 5, upper 2)", () => {
    // At theta = 2 the gradient J^T r = -3 pushes past the bound: it does not count, so the
    // gradient test stops there, converged, on the second Jacobian (the first, at 0, steps to 2).
    const res = levenbergMarquardt({
      residualCount: 1,
      residuals: (t, out) => {
        out[0] = (t[0] as number) - 5;
      },
      theta0: [0],
      upper: [2],
    });
    expect(res.theta[0]).toBe(2);
    expect(res.reason).toBe("gradient");
    expect(res.converged).toBe(true);
    expect(res.iterations).toBe(2);
    expect(res.cost).toBe(4.5);
  });

  it("moves off the bound when the gradient points inside (r = theta - 1 from the bound 2)", () => {
    // At theta = 2 the gradient is +1: decreasing theta lowers the cost, so it counts and the fit
    // goes on to the minimum at 1 (cost 0).
    const res = levenbergMarquardt({
      residualCount: 1,
      residuals: (t, out) => {
        out[0] = (t[0] as number) - 1;
      },
      theta0: [2],
      upper: [2],
    });
    expect(res.theta[0]).toBeCloseTo(1, 9);
    expect(res.cost).toBeLessThan(1e-18);
    expect(res.converged).toBe(true);
  });
});

describe("levenbergMarquardt at a lower bound", () => {
  it("stops on the gradient at the bound when the minimum lies below it (r = theta + 5, lower -2)", () => {
    // At theta = -2 the gradient J^T r = +3 pushes past the bound: it does not count.
    const res = levenbergMarquardt({
      residualCount: 1,
      residuals: (t, out) => {
        out[0] = (t[0] as number) + 5;
      },
      theta0: [0],
      lower: [-2],
    });
    expect(res.theta[0]).toBe(-2);
    expect(res.reason).toBe("gradient");
    expect(res.converged).toBe(true);
    expect(res.iterations).toBe(2);
    expect(res.cost).toBe(4.5);
  });

  it("moves off the bound when the gradient points inside (r = theta + 1 from the bound -2)", () => {
    const res = levenbergMarquardt({
      residualCount: 1,
      residuals: (t, out) => {
        out[0] = (t[0] as number) + 1;
      },
      theta0: [-2],
      lower: [-2],
    });
    expect(res.theta[0]).toBeCloseTo(-1, 9);
    expect(res.cost).toBeLessThan(1e-18);
    expect(res.converged).toBe(true);
  });
});

describe("levenbergMarquardt after a step to non-finite residuals", () => {
  it("rejects the step and damps until the trial is finite again (r = atan(theta - 1), NaN below 0)", () => {
    // From theta = 3 the Gauss-Newton step is -atan(2) (1 + 4) = -5.5: to -2.5, where the residual
    // is NaN. That trial must count as a failure (gain -1): the damping grows until the step stays
    // in theta >= 0, and the fit ends at the zero of atan, theta = 1.
    const res = levenbergMarquardt({
      residualCount: 1,
      residuals: (t, out) => {
        const x = t[0] as number;
        out[0] = x < 0 ? Number.NaN : Math.atan(x - 1);
      },
      theta0: [3],
    });
    expect(res.theta[0]).toBeCloseTo(1, 8);
    expect(res.cost).toBeLessThan(1e-16);
    expect(res.converged).toBe(true);
  });
});
