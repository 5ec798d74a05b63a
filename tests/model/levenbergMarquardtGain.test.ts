/**
 * levenbergMarquardt's step acceptance and its fallback solve (Madsen, Nielsen & Tingleff, Methods
 * for Non-Linear Least Squares Problems, 2004, algorithm 3.16: a step is taken when the gain ratio
 * (actual / predicted reduction) is positive, and the predicted reduction of the linear model must
 * be positive for that ratio to mean anything). Problems with small integer Jacobians and
 * finite-difference steps of 0.5, so that every number below is exact in floating point and
 * worked by hand.
 */
import { describe, expect, it } from "vitest";
import { levenbergMarquardt } from "../../src/model/calibration/levenbergMarquardt.js";

describe("levenbergMarquardt's gain ratio", () => {
  it("rejects a projected step whose linear model predicts no reduction, though its cost is lower", () => {
    // r = (t1 + 2 t2, t1 - 13, t2 + 2.5, 1 - t2^2) from (0, 0), t1 bounded above by 0.
    // At the start J = [[1, 2], [1, 0], [0, 1], [0, 0]] (the last row's derivative is 0 at t2 = 0),
    // J^T J = [[2, 2], [2, 5]], J^T r = (-13, 2.5), cost = (0 + 169 + 6.25 + 1) / 2 = 88.125.
    // Damping 1 doubles the diagonal: [[4, 2], [2, 10]] d = (13, -2.5) gives d = (3.75, -1); t1 is
    // on its bound, so the step is projected to d = (0, -1). Predicted reduction
    // -d.J^T r - d.J^T J d / 2 = 2.5 - 5 / 2 = 0, while the trial's cost is
    // (4 + 169 + 2.25 + 0) / 2 = 87.625: lower, but with no predicted reduction the step is refused.
    const res = levenbergMarquardt(
      {
        residualCount: 4,
        residuals: (t, out) => {
          const t1 = t[0] as number;
          const t2 = t[1] as number;
          out[0] = t1 + 2 * t2;
          out[1] = t1 - 13;
          out[2] = t2 + 2.5;
          out[3] = 1 - t2 * t2;
        },
        theta0: [0, 0],
        upper: [0, Number.POSITIVE_INFINITY],
      },
      { maxIterations: 1, initialDamping: 1, differenceSteps: [0.5, 0.5] },
    );
    expect(Array.from(res.theta)).toEqual([0, 0]);
    expect(res.cost).toBe(88.125);
    expect(res.reason).toBe("max_iterations");
    expect(res.iterations).toBe(1);
  });
});

describe("levenbergMarquardt's damped solve", () => {
  it("without damping and with two identical columns, takes the minimum-norm step (SVD)", () => {
    // r = t1 + t2 - 2 from (0, 0) with damping 0: J^T J = [[1, 1], [1, 1]] is singular (no Cholesky
    // factor), and of the solutions of J^T J d = (2, 2) the least-squares solve gives the shortest,
    // d = (1, 1), where r = 0; the next gradient is 0.
    const res = levenbergMarquardt(
      {
        residualCount: 1,
        residuals: (t, out) => {
          out[0] = (t[0] as number) + (t[1] as number) - 2;
        },
        theta0: [0, 0],
      },
      { initialDamping: 0, differenceSteps: [0.5, 0.5] },
    );
    expect(res.theta[0]).toBeCloseTo(1, 12);
    expect(res.theta[1]).toBeCloseTo(1, 12);
    expect(res.cost).toBeLessThan(1e-24);
    expect(res.reason).toBe("gradient");
    expect(res.converged).toBe(true);
  });
});
