/**
 * levenbergMarquardt's stopping reasons and their `converged` flag (docs/design.md 2.2,
 * calibration numerics), on linear one-parameter problems worked by hand: a tolerance met
 * (gradient, step, cost) or no parameter at all is converged; a start where the residuals are not
 * finite is not. Also the default difference step, 1e-6 max(1, |theta|).
 */
import { describe, expect, it } from "vitest";
import { levenbergMarquardt } from "../../src/model/calibration/levenbergMarquardt.js";

/** r = theta - 5 from theta = 4 with difference step 0.25: J = 1, J^T r = -1, cost 1/2. */
function line(options: Parameters<typeof levenbergMarquardt>[1]) {
  return levenbergMarquardt(
    {
      residualCount: 1,
      residuals: (t, out) => {
        out[0] = (t[0] as number) - 5;
      },
      theta0: [4],
    },
    { differenceSteps: [0.25], ...options },
  );
}

describe("levenbergMarquardt's stopping reasons", () => {
  it("stops on the gradient when |J^T r| equals the tolerance times max(1, cost): 1 <= 1 * 1", () => {
    const res = line({ gradientTolerance: 1 });
    expect([res.reason, res.converged, res.iterations, res.theta[0]]).toEqual(["gradient", true, 1, 4]);
  });

  it("stops on the step, converged, when the step is below its tolerance", () => {
    // The first step, 1 / (1 + 1e-3), is below 1 * (||theta|| + 1) = 5.
    const res = line({ stepTolerance: 1 });
    expect([res.reason, res.converged, res.iterations, res.theta[0]]).toEqual(["step", true, 1, 4]);
  });

  it("stops on the cost, converged, when an accepted step lowers it by less than the tolerance", () => {
    // The first step takes the cost from 1/2 to about 5e-7: a relative drop of about 1, below 2.
    const res = line({ costTolerance: 2 });
    expect([res.reason, res.converged, res.iterations]).toEqual(["cost", true, 1]);
    // (J^T J + 1e-3 J^T J) delta = -J^T r: delta = 1 / 1.001.
    expect(Math.abs((res.theta[0] as number) - (4 + 1 / 1.001))).toBeLessThan(1e-12);
  });

  /** r = theta - 1 from 0 without damping: J = 1, and the first step is exactly 1, to the minimum. */
  const toOne = (options: Parameters<typeof levenbergMarquardt>[1]) =>
    levenbergMarquardt(
      {
        residualCount: 1,
        residuals: (t, out) => {
          out[0] = (t[0] as number) - 1;
        },
        theta0: [0],
      },
      { differenceSteps: [0.25], initialDamping: 0, ...options },
    );

  it("stops on the step when it equals the tolerance: 1 <= 1 * (0 + 1)", () => {
    const res = toOne({ stepTolerance: 1 });
    expect([res.reason, res.iterations, res.theta[0]]).toEqual(["step", 1, 0]);
  });

  it("goes on when the relative drop equals the cost tolerance (1, to cost 0): gradient next", () => {
    const res = toOne({ costTolerance: 1 });
    expect([res.reason, res.iterations, res.theta[0], res.cost]).toEqual(["gradient", 2, 1, 0]);
  });

  it("stops on the cost when the relative drop, just under 1, is below a tolerance of 1", () => {
    // From r = -1 the damped step leaves r = -(1 - 1 / 1.001): the cost falls by a fraction
    // 1 - (1 - 1 / 1.001)^2, just under 1.
    const res = line({ costTolerance: 1 });
    expect([res.reason, res.converged, res.iterations]).toEqual(["cost", true, 1]);
  });

  it("takes no step that leaves the cost as it was (gain 0)", () => {
    // r = theta - 5 up to 4.5 and -1 past it (a jump): the first step from 4 lands past 4.5 with
    // the same cost 1/2, and is refused; the damping grows until a step stays below 4.5.
    const res = levenbergMarquardt(
      {
        residualCount: 1,
        residuals: (t, out) => {
          const x = t[0] as number;
          out[0] = x <= 4.5 ? x - 5 : -1;
        },
        theta0: [4],
      },
      { differenceSteps: [0.25], maxIterations: 2 },
    );
    expect(res.theta[0] as number).toBeLessThanOrEqual(4.5);
    expect(res.cost).toBeLessThan(0.5);
  });

  it("with no parameter, stops at once, converged (no_parameters, no iteration, one evaluation)", () => {
    const res = levenbergMarquardt({
      residualCount: 1,
      residuals: (_t, out) => {
        out[0] = 3;
      },
      theta0: [],
    });
    expect([res.reason, res.converged, res.iterations, res.evaluations, res.cost]).toEqual([
      "no_parameters",
      true,
      0,
      1,
      4.5,
    ]);
  });

  it("with residuals not finite at the start, stops at once, not converged (non_finite)", () => {
    const res = levenbergMarquardt({
      residualCount: 1,
      residuals: (t, out) => {
        out[0] = Math.sqrt(-1 - (t[0] as number));
      },
      theta0: [0],
    });
    expect([res.reason, res.converged, res.iterations, res.theta[0]]).toEqual(["non_finite", false, 0, 0]);
  });
});

describe("levenbergMarquardt's default difference step", () => {
  it("is 1e-6 max(1, |theta|): 4e-6 at theta = 4, 1e-6 at theta = 0.5", () => {
    for (const [theta0, h] of [
      [4, 4e-6],
      [0.5, 1e-6],
    ] as const) {
      const tried: number[] = [];
      levenbergMarquardt(
        {
          residualCount: 1,
          residuals: (t, out) => {
            tried.push(t[0] as number);
            out[0] = t[0] as number;
          },
          theta0: [theta0],
        },
        { maxIterations: 0 },
      );
      expect(tried).toEqual([theta0, theta0 + h, theta0 - h]);
    }
  });
});
