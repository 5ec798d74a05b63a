import { describe, expect, it } from "vitest";
import { IntegrationError } from "../../src/core/errors.js";
import type { OdeRhs } from "../../src/model/ode.js";
import { Rk4, solveRk4 } from "../../src/model/rk4.js";

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
});
