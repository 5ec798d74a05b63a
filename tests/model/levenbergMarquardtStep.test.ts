/**
 * levenbergMarquardt's damped step (docs/design.md 2.2, calibration numerics), worked by hand on
 * linear one- and two-parameter problems: Marquardt's scaling (J^T J + mu diag(J^T J)) delta =
 * -J^T r, and a positive definite system solved as it is (Cholesky), however badly scaled.
 */
import { describe, expect, it } from "vitest";
import { levenbergMarquardt } from "../../src/model/calibration/levenbergMarquardt.js";

describe("levenbergMarquardt's damped step", () => {
  it("scales the damping by J^T J's diagonal: r = 2 theta - 10 from 0 with mu = 0.25 steps to 4", () => {
    // J = 2, J^T J = 4, J^T r = -20 at theta = 0: (4 + 0.25 * 4) delta = 20, delta = 4. The cost
    // falls from 50 to 2, so the step is taken; one iteration allowed, the fit stops there.
    const res = levenbergMarquardt(
      {
        residualCount: 1,
        residuals: (t, out) => {
          out[0] = 2 * (t[0] as number) - 10;
        },
        theta0: [0],
      },
      { maxIterations: 1, initialDamping: 0.25 },
    );
    expect(res.reason).toBe("max_iterations");
    expect(Math.abs((res.theta[0] as number) - 4)).toBeLessThan(1e-9);
  });

  it("solves a positive definite J^T J of condition 1e20 as it is, without damping", () => {
    // r = (theta_1 - 1, 1e-10 (theta_2 - 1)) from (0, 0): J^T J = diag(1, 1e-20) is positive
    // definite, and the undamped Gauss-Newton step is (1, 1), the exact minimum (cost 0). A
    // least-squares solve that drops singular values below its rounding threshold (SVD) would
    // leave theta_2 at 0, where the gradient 1e-20 is already below the tolerance.
    const res = levenbergMarquardt(
      {
        residualCount: 2,
        residuals: (t, out) => {
          out[0] = (t[0] as number) - 1;
          out[1] = 1e-10 * ((t[1] as number) - 1);
        },
        theta0: [0, 0],
      },
      { initialDamping: 0 },
    );
    expect(res.converged).toBe(true);
    expect(Math.abs((res.theta[0] as number) - 1)).toBeLessThan(1e-9);
    expect(Math.abs((res.theta[1] as number) - 1)).toBeLessThan(1e-6);
  });

  it("after a step whose gain is 1, damps the next by a third as much (Nielsen's factor at most 1/3)", () => {
    // r = theta - 5 from 4 (J = 1, exact differences with step 0.25), mu = 1e-3: the first step is
    // d1 = 1 / (1 + 1e-3); the linear model is exact, so the gain is 1 and mu becomes
    // 1e-3 * max(1/3, 1 - (2 - 1)^3) = 1e-3 / 3; the second step is d2 = (1 - d1) / (1 + 1e-3 / 3).
    const res = levenbergMarquardt(
      {
        residualCount: 1,
        residuals: (t, out) => {
          out[0] = (t[0] as number) - 5;
        },
        theta0: [4],
      },
      { differenceSteps: [0.25], maxIterations: 2 },
    );
    const d1 = 1 / 1.001;
    const d2 = (1 - d1) / (1 + 1e-3 / 3);
    expect(res.iterations).toBe(2);
    expect(Math.abs((res.theta[0] as number) - (4 + d1 + d2))).toBeLessThan(1e-12);
  });

  it("after a step of gain below 1, scales the damping by 1 - (2 gain - 1)^3 (r = theta^2 from 1, mu = 1)", () => {
    // J = 2 theta exactly (central differences of a square, binary-exact points). At theta = 1:
    // r = 1, J^T r = 2, J^T J = 4, (4 + 4) delta = -2, delta = -1/4, theta = 3/4, cost 1/2 ->
    // (9/16)^2 / 2. Predicted reduction: -delta (J^T r + J^T J delta / 2) = 1/4 * 3/2 = 3/8, so the
    // gain is (1/2 - 81/512) / (3/8) and mu becomes 1 - (2 gain - 1)^3 (about 0.44, above 1/3). At
    // 3/4: J^T r = 3/2 * 9/16, J^T J = 9/4, delta = -(27/32) / (9/4 (1 + mu)) = -(3/8) / (1 + mu).
    const res = levenbergMarquardt(
      {
        residualCount: 1,
        residuals: (t, out) => {
          out[0] = (t[0] as number) ** 2;
        },
        theta0: [1],
      },
      { differenceSteps: [0.25], maxIterations: 2, initialDamping: 1 },
    );
    const gain = (1 / 2 - 81 / 512) / (3 / 8);
    const mu = 1 - (2 * gain - 1) ** 3;
    expect(mu).toBeGreaterThan(1 / 3);
    expect(res.iterations).toBe(2);
    expect(Math.abs((res.theta[0] as number) - (3 / 4 - 3 / 8 / (1 + mu)))).toBeLessThan(1e-12);
  });
});
