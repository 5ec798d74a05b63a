import { describe, expect, it } from "vitest";
import { IntegrationError } from "../../src/core/errors.js";
import type { OdeRhs } from "../../src/model/ode.js";
import { Rk4, rk4StepCount, solveRk4 } from "../../src/model/rk4.js";

// y' = y cos t, y(0) = 1: y = exp(sin t).
const expSin: OdeRhs = (t, y, dydt) => {
  dydt[0] = (y[0] as number) * Math.cos(t);
};

function errorAt(h: number, tEnd: number): number {
  const rk = new Rk4(1, expSin);
  const y = Float64Array.of(1);
  rk.advance(0, y, tEnd, h);
  return Math.abs((y[0] as number) - Math.exp(Math.sin(tEnd)));
}

describe("Rk4", () => {
  it("converges with order 4 (measured between 3.8 and 4.2)", () => {
    const tEnd = 3;
    const hs = [0.1, 0.05, 0.025, 0.0125];
    const errs = hs.map((h) => errorAt(h, tEnd));
    for (let i = 1; i < errs.length; i++) {
      const order = Math.log2((errs[i - 1] as number) / (errs[i] as number));
      expect(order).toBeGreaterThanOrEqual(3.8);
      expect(order).toBeLessThanOrEqual(4.2);
    }
  });

  it("converges with order 4 on a two-state oscillator too", () => {
    // y'' = -y as a system: exact (cos t, -sin t).
    const osc: OdeRhs = (_t, y, d) => {
      d[0] = y[1] as number;
      d[1] = -(y[0] as number);
    };
    const err = (h: number): number => {
      const y = Float64Array.of(1, 0);
      new Rk4(2, osc).advance(0, y, 10, h);
      return Math.hypot((y[0] as number) - Math.cos(10), (y[1] as number) + Math.sin(10));
    };
    const order = Math.log2(err(0.1) / err(0.05));
    expect(order).toBeGreaterThanOrEqual(3.8);
    expect(order).toBeLessThanOrEqual(4.2);
  });

  it("advance lands exactly on the end time in equal steps no longer than the bound", () => {
    const seen: number[] = [];
    const rhs: OdeRhs = (t, _y, d) => {
      seen.push(t);
      d[0] = 1;
    };
    const y = Float64Array.of(0);
    const steps = new Rk4(1, rhs).advance(2, y, 3.05, 0.1);
    expect(steps).toBe(11);
    expect(Math.max(...seen)).toBeCloseTo(3.05, 12);
    expect(y[0]).toBeCloseTo(1.05, 12);
  });

  it("solveRk4 writes every output row", () => {
    const tOut = Float64Array.of(0, 0.5, 1, 2);
    const out = solveRk4(expSin, Float64Array.of(1), tOut, 0.01, new Float64Array(4));
    for (let k = 0; k < tOut.length; k++)
      expect(out[k]).toBeCloseTo(Math.exp(Math.sin(tOut[k] as number)), 9);
  });

  it("throws an IntegrationError naming the simulation time when the state blows up", () => {
    // y' = y^2, y(0) = 1 blows up at t = 1.
    const rhs: OdeRhs = (_t, y, d) => {
      d[0] = (y[0] as number) ** 2;
    };
    const y = Float64Array.of(1);
    let caught: unknown;
    try {
      new Rk4(1, rhs).advance(0, y, 2, 0.01);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(IntegrationError);
    const e = caught as IntegrationError;
    expect(e.tS).toBeGreaterThan(0.9);
    expect(e.tS).toBeLessThanOrEqual(2);
    expect(e.message).toMatch(/^integration failed at t=\d/);
  });

  it("names the end of the step that overflowed, steps after the start", () => {
    // y' = 1e307 from 0 in 2 s steps: each step adds 2e307; the 9th would reach 1.8e308, past the
    // largest double (1.797e308). From t = 10 s the 9th step ends at t = 28 s.
    const rk = new Rk4(1, (_t, _y, d) => {
      d[0] = 1e307;
    });
    expect(() => rk.advance(10, Float64Array.of(0), 40, 2)).toThrow(
      new IntegrationError(28, "state 0 is not finite (Infinity) after an RK4 step of 2 s"),
    );
    let caught: unknown;
    try {
      rk.advance(10, Float64Array.of(0), 40, 2);
    } catch (e) {
      caught = e;
    }
    expect((caught as IntegrationError).tS).toBe(28);
  });

  it("refuses a backward span, a step that is not > 0 and a bad n, with messages naming the value", () => {
    const rk = new Rk4(1, expSin);
    const y = Float64Array.of(1);
    expect(() => rk.advance(2, y, 1, 0.1)).toThrow(new RangeError("Rk4.advance: t1S (1) must be >= t0S (2)"));
    expect(() => rk.advance(0, y, 1, 0)).toThrow(new RangeError("Rk4.advance: maxStepS must be > 0 (got 0)"));
    expect(() => rk.advance(0, y, 1, Number.NaN)).toThrow(
      new RangeError("Rk4.advance: maxStepS must be > 0 (got NaN)"),
    );
    // An empty span is no step, whatever the step bound.
    expect(rk.advance(1, y, 1, 0)).toBe(0);
    expect(y[0]).toBe(1);
    for (const n of [0, -1, 1.5])
      expect(() => new Rk4(n, expSin)).toThrow(
        new RangeError(`Rk4: n must be a positive integer (got ${n})`),
      );
  });

  it("counts steps as ceil(span / maxStepS), forgiving a rounding over a whole number, at least 1", () => {
    expect(rk4StepCount(0, 1, 0.25)).toBe(4);
    expect(rk4StepCount(0, 1.05, 0.25)).toBe(5);
    // 0.1 x 3 is 0.30000000000000004 in doubles, and / 0.1 gives 3.0000000000000004: 3 steps.
    expect(rk4StepCount(0, 0.1 * 3, 0.1)).toBe(3);
    expect(rk4StepCount(0, 1e-12, 1)).toBe(1);
    expect(rk4StepCount(5, 5, 1)).toBe(0);
  });

  it("solveRk4 writes each row at its place for a system, and wants room for all of them", () => {
    // y1' = 1, y2' = 2 from (0, 0): rows (t, 2 t), exact for RK4.
    const rhs: OdeRhs = (_t, _y, d) => {
      d[0] = 1;
      d[1] = 2;
    };
    const tOut = Float64Array.of(0, 1, 2);
    expect(Array.from(solveRk4(rhs, Float64Array.of(0, 0), tOut, 0.5, new Float64Array(6)))).toEqual([
      0, 0, 1, 2, 2, 4,
    ]);
    expect(() => solveRk4(rhs, Float64Array.of(0, 0), tOut, 0.5, new Float64Array(5))).toThrow(
      new RangeError("solveRk4: out needs 6 entries (got 5)"),
    );
  });

  it("steps only the first n entries of a longer state array, leaving the rest as they were", () => {
    // y' = 1 over one step of 0.5 s: y0 + 0.5, exact for RK4; the entry past n is left alone.
    const rk = new Rk4(1, (_t, _y, d) => {
      d[0] = 1;
    });
    const y = Float64Array.of(2, 7);
    rk.step(0, y, 0.5);
    expect(Array.from(y)).toEqual([2.5, 7]);
    expect(rk.advance(0, y, 1, 0.25)).toBe(4);
    expect(Array.from(y)).toEqual([3.5, 7]);
  });

  it("evaluates the first stage at t0S exactly as given, even -0", () => {
    // Every later step starts at t0S + s h; the first at t0S itself (t0S + 0 h would turn -0 into +0).
    const seen: number[] = [];
    const rk = new Rk4(1, (t, _y, d) => {
      seen.push(t);
      d[0] = 0;
    });
    expect(rk.advance(-0, Float64Array.of(0), 1, 0.5)).toBe(2);
    expect(Object.is(seen[0], -0)).toBe(true);
    // Stages of step 1 at 0, 0.25, 0.25, 0.5; step 2 at 0.5, 0.75, 0.75, 1.
    expect(seen).toEqual([-0, 0.25, 0.25, 0.5, 0.5, 0.75, 0.75, 1]);
  });
});
