import { describe, expect, it } from "vitest";
import { LoopModel } from "../../src/model/loopModel.js";
import { DEFAULT_LOOP_PARAMS } from "../../src/model/loopParams.js";
import { PlantSimulator } from "../../src/model/plantSimulator.js";
import { Rk4 } from "../../src/model/rk4.js";
import { SeedModel } from "../../src/model/seedModel.js";
import { DEFAULT_SEED_PARAMS } from "../../src/model/seedParams.js";
import { loopSteadyState } from "../../src/model/steadyState.js";
import { AffineSystem2, LoopTwin, rk4AffineSteps } from "../../src/model/twin.js";
import { exactLinear2 } from "./linearReference.js";

describe("LoopTwin", () => {
  it("starts at T_hot0/T_cold0 and steps exactly like RK4 on the loop model", () => {
    const twin = new LoopTwin(DEFAULT_LOOP_PARAMS);
    expect([twin.tHotC, twin.tColdC]).toEqual([25, 25]);
    twin.setDuties(200, 255, 255, 25);
    const model = new LoopModel(DEFAULT_LOOP_PARAMS);
    model.setDuties(200, 255, 255, 25);
    const rk = new Rk4(2, model.rhs);
    const y = model.initialState();
    for (let k = 0; k < 1000; k++) {
      twin.step(0.1);
      rk.step(k * 0.1, y, 0.1);
    }
    expect(Math.abs(twin.tHotC - (y[0] as number))).toBeLessThan(1e-11);
    expect(Math.abs(twin.tColdC - (y[1] as number))).toBeLessThan(1e-11);
    expect(twin.tS).toBeCloseTo(100, 9);
  });

  it("sub-steps a coarse step by the fastest time constant, so a 60 s step stays within 1e-5 K of the exact solution", () => {
    const twin = new LoopTwin(DEFAULT_LOOP_PARAMS);
    twin.setDuties(255, 255, 255, 25);
    expect(twin.maxSubstepS).toBeLessThan(0.3);
    const j = twin.jacobian(new Float64Array(4));
    const p = DEFAULT_LOOP_PARAMS;
    const op = twin.operatingPoint;
    const sys = {
      a11: j[0]!,
      a12: j[1]!,
      a21: j[2]!,
      a22: j[3]!,
      b1: (op.qInW + p.UA_loss * op.tAmbC) / p.C_hot,
      b2: (op.uaWK * op.tSinkC + p.UA_loss * op.tAmbC) / p.C_cold,
    };
    twin.setState(60, 20, 0);
    for (let k = 1; k <= 30; k++) {
      twin.step(60);
      const ref = exactLinear2(sys, [60, 20], k * 60);
      expect(Math.abs(twin.tHotC - ref[0])).toBeLessThan(1e-5);
      expect(Math.abs(twin.tColdC - ref[1])).toBeLessThan(1e-5);
    }
  });

  it("converges with order 4 when the sub-step is forced", () => {
    const err = (h: number): number => {
      const twin = new LoopTwin(DEFAULT_LOOP_PARAMS, { maxSubstepS: h, substepFraction: 1 });
      twin.setDuties(255, 255, 0, 25);
      twin.setState(60, 20, 0);
      twin.step(8);
      const ref = new LoopTwin(DEFAULT_LOOP_PARAMS, { maxSubstepS: 1e-3 });
      ref.setDuties(255, 255, 0, 25);
      ref.setState(60, 20, 0);
      ref.step(8);
      return Math.abs(twin.tHotC - ref.tHotC) + Math.abs(twin.tColdC - ref.tColdC);
    };
    const order = Math.log2(err(0.8) / err(0.4));
    expect(order).toBeGreaterThanOrEqual(3.8);
    expect(order).toBeLessThanOrEqual(4.2);
  });

  it("relaxes to the analytic steady state and its derivatives vanish there", () => {
    const twin = new LoopTwin(DEFAULT_LOOP_PARAMS);
    twin.setDuties(150, 200, 100, 22);
    const s = loopSteadyState(DEFAULT_LOOP_PARAMS, twin.operatingPoint);
    if (!s.ok) throw new Error(s.error);
    twin.setState(s.value.tHotC, s.value.tColdC);
    const d = twin.derivatives(new Float64Array(2));
    expect(Math.abs(d[0]!)).toBeLessThan(1e-12);
    expect(Math.abs(d[1]!)).toBeLessThan(1e-12);
    twin.setState(25, 25);
    for (let k = 0; k < 300; k++) twin.step(100);
    expect(Math.abs(twin.tHotC - s.value.tHotC)).toBeLessThan(1e-6);
  });

  it("refuses a negative step and reports a non-finite state with the twin time", () => {
    const twin = new LoopTwin(DEFAULT_LOOP_PARAMS);
    expect(() => twin.step(-1)).toThrow(RangeError);
    twin.setState(Number.NaN, 25, 12);
    expect(() => twin.step(0.1)).toThrow(/integration failed at t=12.1/);
  });
});

describe("rk4AffineSteps", () => {
  // A stiff-ish coupled system with distinct real eigenvalues (about -0.31 and -2.19 1/s).
  const sys = { a11: -1.5, a12: 0.5, a21: 1.2, a22: -1.0, b1: 30, b2: 10 };
  const system = (x: number, y: number, h: number): AffineSystem2 =>
    Object.assign(new AffineSystem2(), sys, { x, y, h });
  const run = (h: number, n: number): [number, number] => {
    const s = system(80, 20, h);
    rk4AffineSteps(s, n);
    return [s.x, s.y];
  };

  it("follows the exact solution of y' = A y + b and converges with order 4", () => {
    const ref = exactLinear2(sys, [80, 20], 4);
    const err = (n: number): number => {
      const [x, y] = run(4 / n, n);
      return Math.abs(x - ref[0]) + Math.abs(y - ref[1]);
    };
    expect(err(400)).toBeLessThan(1e-9);
    const order = Math.log2(err(80) / err(160));
    expect(order).toBeGreaterThanOrEqual(3.8);
    expect(order).toBeLessThanOrEqual(4.2);
  });

  it("n steps of h are n single steps of h chained; n = 0 leaves the state", () => {
    let x = 80;
    let y = 20;
    for (let k = 0; k < 7; k++) {
      const s = system(x, y, 0.3);
      rk4AffineSteps(s, 1);
      x = s.x;
      y = s.y;
    }
    expect(run(0.3, 7)).toEqual([x, y]);
    expect(run(0.3, 0)).toEqual([80, 20]);
  });
});

describe("construction validates the parameters", () => {
  it("rejects a hand-built parameter object with a bad or missing value, naming it", () => {
    const bad = { ...DEFAULT_LOOP_PARAMS, UA: -2 };
    expect(() => new LoopTwin(bad)).toThrow(/UA: must not be negative/);
    expect(() => new LoopModel(bad)).toThrow(/UA/);
    expect(() => new PlantSimulator({ params: bad })).toThrow(/UA/);
    const { C_hot: _c, ...missing } = DEFAULT_LOOP_PARAMS;
    expect(() => new LoopTwin(missing as typeof DEFAULT_LOOP_PARAMS)).toThrow(/C_hot: missing/);
    expect(() => new SeedModel({ ...DEFAULT_SEED_PARAMS, cp: Number.NaN })).toThrow(
      /cp: must be a finite number/,
    );
  });
});
