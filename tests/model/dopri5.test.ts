import { describe, expect, it } from "vitest";
import { ConfigError, IntegrationError } from "../../src/core/errors.js";
import { Dopri5, resolveDopri5Options, solveDopri5 } from "../../src/model/dopri5.js";
import type { OdeRhs } from "../../src/model/ode.js";

const expSin: OdeRhs = (t, y, dydt) => {
  dydt[0] = (y[0] as number) * Math.cos(t);
};

const T_OUT = Float64Array.from({ length: 101 }, (_, k) => k * 0.2);
const exactExpSin = (t: number): number => Math.exp(Math.sin(t));

/** Largest relative error over one output interval started from the exact solution (local error). */
function maxLocalRelError(rtol: number): number {
  const solver = new Dopri5(1, expSin, { rtol, atol: rtol * 1e-3 });
  const y = new Float64Array(1);
  let err = 0;
  for (let k = 1; k < T_OUT.length; k++) {
    const t0 = T_OUT[k - 1] as number;
    const t1 = T_OUT[k] as number;
    y[0] = exactExpSin(t0);
    solver.integrate(t0, y, t1);
    err = Math.max(err, Math.abs((y[0] as number) - exactExpSin(t1)) / exactExpSin(t1));
  }
  return err;
}

/** Largest relative error of one run over 20 s (global error) and the steps it took. */
function globalRun(rtol: number): { err: number; steps: number } {
  const solver = new Dopri5(1, expSin, { rtol, atol: rtol * 1e-3 });
  const y = Float64Array.of(1);
  let err = 0;
  for (let k = 1; k < T_OUT.length; k++) {
    solver.integrate(T_OUT[k - 1] as number, y, T_OUT[k] as number);
    const exact = exactExpSin(T_OUT[k] as number);
    err = Math.max(err, Math.abs((y[0] as number) - exact) / exact);
  }
  const single = new Dopri5(1, expSin, { rtol, atol: rtol * 1e-3 });
  single.integrate(0, Float64Array.of(1), 20);
  return { err, steps: single.stats.accepted };
}

describe("Dopri5", () => {
  it.each([1e-4, 1e-6, 1e-8, 1e-10])("keeps the local error on a known solution within rtol = %g", (rtol) => {
    const err = maxLocalRelError(rtol);
    expect(err).toBeLessThan(rtol);
    expect(err).toBeGreaterThan(0);
  });

  it.each([1e-4, 1e-6, 1e-8, 1e-10])("keeps the global error over 20 s within 10 x rtol = %g", (rtol) => {
    const { err } = globalRun(rtol);
    expect(err).toBeLessThan(10 * rtol);
  });

  it("spends more steps for a tighter tolerance, about tol^(-1/5)", () => {
    const loose = globalRun(1e-4).steps;
    const tight = globalRun(1e-9).steps;
    const ratio = tight / loose;
    // 10^(5/5) = 10 in theory.
    expect(ratio).toBeGreaterThan(5);
    expect(ratio).toBeLessThan(20);
  });

  it("solves a stiff-ish linear system against its exponential solution", () => {
    // y1' = -50 (y1 - cos t), y1(0) = 0: y1 = (2500 cos t + 50 sin t - 2500 e^-50t) / 2501.
    const rhs: OdeRhs = (t, y, d) => {
      d[0] = -50 * ((y[0] as number) - Math.cos(t));
    };
    const tOut = Float64Array.of(0, 0.1, 1, 5);
    const out = solveDopri5(rhs, Float64Array.of(0), tOut, new Float64Array(4), { rtol: 1e-9, atol: 1e-12 });
    for (let k = 0; k < 4; k++) {
      const t = tOut[k] as number;
      const exact = (2500 * Math.cos(t) + 50 * Math.sin(t) - 2500 * Math.exp(-50 * t)) / 2501;
      expect(Math.abs((out[k] as number) - exact)).toBeLessThan(1e-8);
    }
  });

  it("lands exactly on output times and never evaluates beyond them", () => {
    let tMax = Number.NEGATIVE_INFINITY;
    const rhs: OdeRhs = (t, y, d) => {
      tMax = Math.max(tMax, t);
      d[0] = -(y[0] as number);
    };
    const solver = new Dopri5(1, rhs, { rtol: 1e-6 });
    const y = Float64Array.of(1);
    for (const [a, b] of [
      [0, 0.3],
      [0.3, 0.30001],
      [0.30001, 7.7],
    ] as const) {
      solver.integrate(a, y, b);
      expect(tMax).toBe(b);
    }
    expect(Math.abs((y[0] as number) - Math.exp(-7.7))).toBeLessThan(1e-6);
  });

  it("respects maxStepS", () => {
    const solver = new Dopri5(
      1,
      (_t, _y, d) => {
        d[0] = 0;
      },
      { maxStepS: 0.5 },
    );
    solver.integrate(0, Float64Array.of(1), 10);
    expect(solver.stats.accepted).toBeGreaterThanOrEqual(20);
  });

  it("validates its options, naming the bad one", () => {
    expect(() => resolveDopri5Options({ rtol: 0 })).toThrow(ConfigError);
    expect(() => resolveDopri5Options({ rtol: Number.NaN })).toThrow(/rtol/);
    expect(() => resolveDopri5Options({ atol: -1 })).toThrow(/atol/);
    expect(() => resolveDopri5Options({ maxStepS: 0 })).toThrow(/maxStepS/);
    expect(() => resolveDopri5Options({ maxSteps: 1.5 })).toThrow(/maxSteps/);
    expect(resolveDopri5Options()).toMatchObject({ rtol: 1e-6, atol: 1e-9 });
  });

  it("throws an IntegrationError with the simulation time when the solution blows up", () => {
    const rhs: OdeRhs = (_t, y, d) => {
      d[0] = (y[0] as number) ** 2;
    };
    let caught: unknown;
    try {
      new Dopri5(1, rhs).integrate(0, Float64Array.of(1), 2);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(IntegrationError);
    expect((caught as IntegrationError).tS).toBeGreaterThan(0.99);
    expect((caught as IntegrationError).tS).toBeLessThan(1.01);
  });

  it("throws an IntegrationError when the step budget runs out", () => {
    const solver = new Dopri5(1, expSin, { maxSteps: 5, rtol: 1e-10 });
    expect(() => solver.integrate(0, Float64Array.of(1), 100)).toThrow(/more than 5 steps/);
  });
});

describe("Dopri5 against SciPy's RK45", () => {
  // SciPy 1.17.1 `scipy.integrate.RK45` (the same Dormand-Prince pair, error norm, Hairer's
  // starting step and step-size controller), run to t1 in one go with rtol 1e-6, atol 1e-9:
  // steps accepted, rhs evaluations (nfev = 2 + 6 per attempt, so rejections = attempts -
  // accepted), and the end state printed with repr(). An independent implementation: the step
  // counts pin the controller (safety 0.9, factors 0.2-10, exponent -1/5, no growth after a
  // rejection, the starting step), which the accuracy tests alone leave free.
  const cases: readonly {
    name: string;
    rhs: OdeRhs;
    y0: number[];
    t1: number;
    accepted: number;
    rhsCalls: number;
    y1: number[];
  }[] = [
    {
      name: "y' = -y",
      rhs: (_t, y, d) => {
        d[0] = -(y[0] as number);
      },
      y0: [1],
      t1: 10,
      accepted: 41,
      rhsCalls: 248,
      y1: [4.5400222013949006e-5],
    },
    {
      name: "y' = -50 (y - cos t)",
      rhs: (t, y, d) => {
        d[0] = -50 * ((y[0] as number) - Math.cos(t));
      },
      y0: [0],
      t1: 3,
      accepted: 157,
      rhsCalls: 950,
      y1: [-0.9867751229063607],
    },
    {
      name: "van der Pol, mu = 5",
      rhs: (_t, y, d) => {
        const [x, v] = [y[0] as number, y[1] as number];
        d[0] = v;
        d[1] = (1 - x * x) * v * 5 - x;
      },
      y0: [2, 0],
      t1: 10,
      accepted: 146,
      rhsCalls: 956,
      y1: [-1.15870043442973, 0.4304707505060965],
    },
  ];
  it.each(cases)("$name: the same steps, rejections and end state", (c) => {
    const s = new Dopri5(c.y0.length, c.rhs, { rtol: 1e-6, atol: 1e-9 });
    const y = Float64Array.from(c.y0);
    s.integrate(0, y, c.t1);
    expect(s.stats).toEqual({
      accepted: c.accepted,
      rejected: (c.rhsCalls - 2) / 6 - c.accepted,
      rhsCalls: c.rhsCalls,
    });
    c.y1.forEach((v, i) => {
      expect(Math.abs((y[i] as number) - v)).toBeLessThanOrEqual(1e-12 * Math.abs(v));
    });
  });
});
