import { describe, expect, it } from "vitest";
import { ConfigError, IntegrationError } from "../../src/core/errors.js";
import { Dopri5, type Dopri5Options, resolveDopri5Options, solveDopri5 } from "../../src/model/dopri5.js";
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

  it("writes each output row at its place for a system, and wants room for all of them", () => {
    // y1' = -y1, y2' = -2 y2 from (1, 1): rows (e^-t, e^-2t) at t = 0, 1, 2.
    const rhs: OdeRhs = (_t, y, d) => {
      d[0] = -(y[0] as number);
      d[1] = -2 * (y[1] as number);
    };
    const tOut = Float64Array.of(0, 1, 2);
    const out = solveDopri5(rhs, Float64Array.of(1, 1), tOut, new Float64Array(6), {
      rtol: 1e-10,
      atol: 1e-12,
    });
    const exact = [1, 1, Math.exp(-1), Math.exp(-2), Math.exp(-2), Math.exp(-4)];
    exact.forEach((v, i) => {
      expect(Math.abs((out[i] as number) - v)).toBeLessThan(1e-9);
    });
    expect(() => solveDopri5(rhs, Float64Array.of(1, 1), tOut, new Float64Array(5))).toThrow(
      new RangeError("solveDopri5: out needs 6 entries (got 5)"),
    );
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

  it("names each bad option and its value, and accepts atol = 0 (a purely relative test)", () => {
    const message = (options: Dopri5Options): string => {
      try {
        resolveDopri5Options(options);
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as Error).message;
      }
      return "accepted";
    };
    expect(message({ rtol: 0 })).toBe("rtol: must be a finite number > 0 (got 0)");
    expect(message({ rtol: Number.POSITIVE_INFINITY })).toBe(
      "rtol: must be a finite number > 0 (got Infinity)",
    );
    expect(message({ atol: -1e-9 })).toBe("atol: must be a finite number >= 0 (got -1e-9)");
    expect(message({ atol: 0 })).toBe("accepted");
    expect(message({ maxStepS: -1 })).toBe("maxStepS: must be > 0 (got -1)");
    for (const h of [0, -0.1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(message({ initialStepS: h })).toBe(`initialStepS: must be a finite number > 0 (got ${h})`);
    expect(message({ initialStepS: 1e-3 })).toBe("accepted");
    for (const n of [0, -3, 2.5])
      expect(message({ maxSteps: n })).toBe(`maxSteps: must be a positive integer (got ${n})`);
    expect(message({ maxSteps: 1 })).toBe("accepted");
  });

  it("wants a positive whole number of equations", () => {
    const rhs: OdeRhs = () => {};
    for (const n of [0, -1, 1.5, Number.NaN])
      expect(() => new Dopri5(n, rhs)).toThrow(`Dopri5: n must be a positive integer (got ${n})`);
    expect(new Dopri5(3, rhs).n).toBe(3);
  });

  it("does nothing over an empty interval and refuses a backward one", () => {
    let calls = 0;
    const solver = new Dopri5(1, (_t, _y, d) => {
      calls++;
      d[0] = 1;
    });
    const y = Float64Array.of(5);
    solver.integrate(2, y, 2);
    expect(calls).toBe(0);
    expect(y[0]).toBe(5);
    expect(() => solver.integrate(2, y, 1)).toThrow(
      new RangeError("Dopri5.integrate: t1S (1) must be >= t0S (2)"),
    );
    expect(calls).toBe(0);
  });

  it("says which way the step size underflowed: a finite state, or one that stopped being finite", () => {
    const zero: OdeRhs = (_t, _y, d) => {
      d[0] = 0;
    };
    // At t = 1 a step must exceed 1e-14 s (the time's last bits); 1e-20 s does not.
    expect(() => new Dopri5(1, zero, { initialStepS: 1e-20 }).integrate(1, Float64Array.of(1), 2)).toThrow(
      "integration failed at t=1 s: step size underflow (h = 1e-20 s)",
    );
    // At t = 0 the floor is 1e-300 s, and a step must exceed it.
    expect(() => new Dopri5(1, zero, { initialStepS: 1e-300 }).integrate(0, Float64Array.of(1), 1)).toThrow(
      "integration failed at t=0 s: step size underflow (h = 1e-300 s)",
    );
    // Every stage NaN: each attempt is rejected as non-finite and the step shrinks 5 times, to underflow.
    const nan: OdeRhs = (_t, _y, d) => {
      d[0] = Number.NaN;
    };
    expect(() => new Dopri5(1, nan, { initialStepS: 0.1 }).integrate(0, Float64Array.of(1), 1)).toThrow(
      "integration failed at t=0 s: the state became non-finite (step size underflow)",
    );
  });

  it("stretches a step by up to 1 % to land on the end, not more", () => {
    const steps = (initialStepS: number): number => {
      const s = new Dopri5(
        1,
        (_t, _y, d) => {
          d[0] = 0;
        },
        { initialStepS },
      );
      s.integrate(0, Float64Array.of(1), 1);
      return s.stats.accepted;
    };
    expect(steps(0.99)).toBe(1); // 0.99 >= 0.99 x 1 s left: one step of 1 s
    expect(steps(0.98)).toBe(2); // 0.98 s, then the 0.02 s left
  });

  it("accepts a step whose error norm is exactly 1 (Hairer's err <= 1), and shrinks the next one to 0.9 h", () => {
    // Every stage 0 but the last (k7 = -40, the 6th call of an attempt): the fifth-order solution
    // stays 0 and the error estimate is h E7 k7 = h (-1/40)(-40) = h. With atol = h and y = 0 the
    // error norm is exactly 1: accepted, and the next step is 0.9 h.
    const lastStageOnly = (): OdeRhs => {
      let calls = 0;
      return (_t, _y, d) => {
        d[0] = calls++ % 6 === 0 && calls > 1 ? -40 : 0;
      };
    };
    const one = new Dopri5(1, lastStageOnly(), { initialStepS: 1, atol: 1, rtol: 1e-12 });
    one.integrate(0, Float64Array.of(0), 1);
    expect(one.stats).toEqual({ accepted: 1, rejected: 0, rhsCalls: 7 });
    // At t = 1 a step must exceed 1e-14 s: 1.05e-14 s is accepted with norm 1, 0.9 of it is not,
    // and the error names the step size (the state is finite).
    const h = 1.05e-14;
    const tiny = new Dopri5(1, lastStageOnly(), { initialStepS: h, atol: h, rtol: 1e-12 });
    expect(() => tiny.integrate(1, Float64Array.of(0), 2)).toThrow(
      /: step size underflow \(h = 9\.45e-15 s\)$/,
    );
    expect(tiny.stats.accepted).toBe(1);
  });

  it("allows exactly maxSteps attempts (y' = 0 over 1 s takes 7, see the starting step below)", () => {
    const zero: OdeRhs = (_t, _y, d) => {
      d[0] = 0;
    };
    expect(() => new Dopri5(1, zero, { maxSteps: 7 }).integrate(0, Float64Array.of(1), 1)).not.toThrow();
    expect(() => new Dopri5(1, zero, { maxSteps: 6 }).integrate(0, Float64Array.of(1), 1)).toThrow(
      "integration failed at t=0.111111 s: more than 6 steps between 0 s and 1 s",
    );
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

/** The times of the right-hand side's calls in one `integrate` from 0 to `t1`. */
function callTimes(f: (y: number) => number, y0: number, t1: number, options: Dopri5Options): number[] {
  const times: number[] = [];
  const solver = new Dopri5(
    1,
    (t, y, d) => {
      times.push(t);
      d[0] = f(y[0] as number);
    },
    options,
  );
  solver.integrate(0, Float64Array.of(y0), t1);
  return times;
}

describe("Dopri5's starting step (Hairer, Norsett & Wanner, sec. II.4)", () => {
  // The calls: f(0, y0), the probe f(h0, y0 + h0 f0), then the first step's stages at c2 h = h/5
  // and on. Expected values: SciPy 1.17.1 `scipy.integrate._ivp.common.select_initial_step` (the
  // same rule, with t_bound far away), or worked by hand where noted.
  it("probes forward at h0 = 0.01 d0/d1 and takes (0.01 / max(d1, d2))^(1/5): y' = y^2", () => {
    // y0 = 1, scale 1.001e-6: d0 = d1, so h0 = 0.01; the probe's f is 1.01^2, so d2 = 2.01 d1.
    const times = callTimes((y) => y * y, 1, 0.05, { rtol: 1e-6, atol: 1e-9 });
    expect(times[0]).toBe(0);
    expect(times[1]).toBe(0.01);
    expect(times[2]).toBeCloseTo(0.02184980694086219 / 5, 16);
  });

  it("takes the norms as root mean squares over the equations: y1' = -y1, y2' = -30 y2 from (1, 0.5)", () => {
    const times: number[] = [];
    const solver = new Dopri5(2, (t, y, d) => {
      times.push(t);
      d[0] = -(y[0] as number);
      d[1] = -30 * (y[1] as number);
    });
    solver.integrate(0, Float64Array.of(1, 0.5), 1);
    expect(times[2]).toBeCloseTo(0.006909203562210562 / 5, 15);
  });

  it("starts at 1e-6 with nothing moving: y' = 0 (by hand; SciPy's RK45 takes the same 7 steps)", () => {
    // d1 = d2 = 0: h0 = 1e-6 and h1 = max(1e-6, h0 1e-3) = 1e-6; each accepted step with a zero
    // error grows 10 times: 1e-6, 1e-5, ..., 0.1, then the rest (0.889 s) in one step.
    const times: number[] = [];
    const solver = new Dopri5(1, (t, _y, d) => {
      times.push(t);
      d[0] = 0;
    });
    solver.integrate(0, Float64Array.of(1), 1);
    expect(times.slice(0, 3)).toEqual([0, 1e-6, 1e-6 / 5]);
    expect(solver.stats).toEqual({ accepted: 7, rejected: 0, rhsCalls: 2 + 6 * 7 });
  });

  it("takes h0 = 0.01 d0/d1 at d0 = d1 = 1e-5 exactly (the bounds are 'below 1e-5')", () => {
    // atol 1, rtol 1e-12: the scale is 1 to the last bit, so d0 = d1 = |y0| = 1e-5. The probe's
    // change is 1e-7 / 0.01 = 1e-5 = d2, h1 = (0.01 / 1e-5)^(1/5) = 3.98, capped at 100 h0 = 1.
    const times = callTimes((y) => -y, 1e-5, 10, { rtol: 1e-12, atol: 1 });
    expect(times[1]).toBe(0.01);
    expect(times[2]).toBe(0.2);
  });

  it("keeps h1 = max(1e-6, h0 1e-3) at max(d1, d2) = 1e-15 exactly", () => {
    // y' = 1e-15 from 0 with scale 1: d0 = 0 (so h0 = 1e-6), d1 = 1e-15, d2 = 0.
    const times = callTimes(() => 1e-15, 0, 1, { rtol: 1e-12, atol: 1 });
    expect(times.slice(0, 3)).toEqual([0, 1e-6, 1e-6 / 5]);
  });

  it("starts at initialStepS when given, and again after resetStepSize (SciPy's first_step: 2 steps)", () => {
    const zero: OdeRhs = (_t, _y, d) => {
      d[0] = 0;
    };
    // 0.25, then 2.5 cut to the 0.75 left: 2 steps, f(0) and 6 calls a step.
    const given = new Dopri5(1, zero, { initialStepS: 0.25 });
    given.integrate(0, Float64Array.of(1), 1);
    expect(given.stats).toEqual({ accepted: 2, rejected: 0, rhsCalls: 13 });
    // The next call goes on with the last step grown, 0.75 x 10 = 7.5 s (not the 2.5 s wanted
    // before it was cut to land on t = 1): one step to t = 6.
    given.resetStats();
    expect(given.stats).toEqual({ accepted: 0, rejected: 0, rhsCalls: 0 });
    given.integrate(1, Float64Array.of(1), 6);
    expect(given.stats).toEqual({ accepted: 1, rejected: 0, rhsCalls: 7 });
    given.resetStepSize();
    given.resetStats();
    given.integrate(6, Float64Array.of(1), 7);
    expect(given.stats).toEqual({ accepted: 2, rejected: 0, rhsCalls: 13 });
    // Without initialStepS, resetStepSize means estimate again: 1e-6 and the 7 steps above.
    const estimated = new Dopri5(1, zero);
    estimated.integrate(0, Float64Array.of(1), 1);
    estimated.resetStepSize();
    estimated.resetStats();
    estimated.integrate(1, Float64Array.of(1), 2);
    expect(estimated.stats).toEqual({ accepted: 7, rejected: 0, rhsCalls: 44 });
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
