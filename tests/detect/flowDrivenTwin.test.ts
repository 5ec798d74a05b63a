import { describe, expect, it } from "vitest";
import { FlowDrivenTwin } from "../../src/detect/twins/flowDrivenTwin.js";
import { DEFAULT_LOOP_PARAMS, makeLoopParams } from "../../src/model/loopParams.js";
import { LoopTwin } from "../../src/model/twin.js";
import { exactLinear2 } from "../model/linearReference.js";

describe("FlowDrivenTwin", () => {
  const p = DEFAULT_LOOP_PARAMS;
  /** The loop model (docs/design.md 2.2) at a fixed operating point, as y' = A y + b. */
  const linear = (mDotKgS: number, qInW: number, uaWK: number, tSinkC: number, tAmbC: number) => {
    const g = mDotKgS * p.cp;
    const L = p.UA_loss;
    return {
      a11: -(g + L) / p.C_hot,
      a12: g / p.C_hot,
      a21: g / p.C_cold,
      a22: -(g + uaWK + L) / p.C_cold,
      b1: (qInW + L * tAmbC) / p.C_hot,
      b2: (uaWK * tSinkC + L * tAmbC) / p.C_cold,
    };
  };

  it("at a constant flow follows the loop model's exact solution, coarse steps sub-stepped", () => {
    const twin = new FlowDrivenTwin(p);
    twin.setState(60, 30);
    twin.setInputs(150, 10, 25, 22);
    const sys = linear(0.05, 150, 10, 25, 22);
    for (let k = 1; k <= 20; k++) {
      twin.step(30, 0.05);
      const ref = exactLinear2(sys, [60, 30], k * 30);
      expect(Math.abs(twin.tHotC - ref[0])).toBeLessThan(1e-5);
      expect(Math.abs(twin.tColdC - ref[1])).toBeLessThan(1e-5);
    }
  });

  it("agrees with the operating-point twin at the same inputs", () => {
    const twin = new FlowDrivenTwin(p);
    const ref = new LoopTwin(p);
    ref.setOperatingPoint({ mDotKgS: 0.02, qInW: 120, uaWK: 8, tSinkC: 24, tAmbC: 21 });
    twin.setInputs(120, 8, 24, 21);
    for (let k = 0; k < 600; k++) {
      twin.step(0.1, 0.02);
      ref.step(0.1);
    }
    expect(Math.abs(twin.tHotC - ref.tHotC)).toBeLessThan(1e-9);
    expect(Math.abs(twin.tColdC - ref.tColdC)).toBeLessThan(1e-9);
  });

  it("ignores a step that is not positive", () => {
    const twin = new FlowDrivenTwin(p);
    twin.setState(40, 30);
    twin.setInputs(150, 10, 25, 25);
    twin.step(0, 0.05);
    twin.step(-1, 0.05);
    twin.step(Number.NaN, 0.05);
    expect([twin.tHotC, twin.tColdC]).toEqual([40, 30]);
    // Whatever the flow, even unknown or unbounded: a zero-length step moves nothing.
    twin.step(0, Number.NaN);
    twin.step(0, Number.POSITIVE_INFINITY);
    expect([twin.tHotC, twin.tColdC]).toEqual([40, 30]);
    // An infinite step returns at once and moves nothing, at a flow with a positive trace (which
    // sizes sub-steps) and at one without.
    twin.step(Number.POSITIVE_INFINITY, 0.05);
    twin.step(Number.POSITIVE_INFINITY, -1);
    expect([twin.tHotC, twin.tColdC]).toEqual([40, 30]);
  });

  it("sub-steps a fast loop (small heat capacities) finely enough to stay on the exact solution", () => {
    // C_hot 50 J/K, C_cold 60 J/K at 0.05 kg/s: |trace A| = 209.5/50 + 219.5/60 ≈ 7.85 /s, so a
    // 1 s step needs sub-steps (RK4 over a single 1 s step of this system is far off, and unstable).
    const fast = makeLoopParams({ C_hot: 50, C_cold: 60 });
    const twin = new FlowDrivenTwin(fast);
    twin.setState(60, 30);
    twin.setInputs(150, 10, 25, 22);
    const g = 0.05 * fast.cp;
    const sys = {
      a11: -(g + fast.UA_loss) / fast.C_hot,
      a12: g / fast.C_hot,
      a21: g / fast.C_cold,
      a22: -(g + 10 + fast.UA_loss) / fast.C_cold,
      b1: (150 + fast.UA_loss * 22) / fast.C_hot,
      b2: (10 * 25 + fast.UA_loss * 22) / fast.C_cold,
    };
    for (let k = 1; k <= 3; k++) {
      twin.step(1, 0.05);
      const ref = exactLinear2(sys, [60, 30], k);
      expect(Math.abs(twin.tHotC - ref[0])).toBeLessThan(1e-6);
      expect(Math.abs(twin.tColdC - ref[1])).toBeLessThan(1e-6);
    }
  });

  it("heats the hot node at Q_in / C_hot when nothing carries heat, whatever the sign of the zeros", () => {
    // No flow, no losses, no radiator: A = 0, so T_hot = T0 + Q_in t / C_hot and T_cold stays.
    // A -0 flow and conductances give a trace of -0, which bounds nothing: the step is still taken.
    for (const zero of [0, -0]) {
      const still = makeLoopParams({ UA_loss: zero });
      const twin = new FlowDrivenTwin(still);
      twin.setState(60, 30);
      twin.setInputs(150, zero, 25, 22);
      twin.step(10, zero);
      expect(twin.tHotC).toBeCloseTo(60 + (150 * 10) / still.C_hot, 12);
      expect(twin.tColdC).toBe(30);
    }
  });

  it("takes a step far shorter than the sub-step bound whole, not as zero sub-steps", () => {
    // A trickle of flow (1e-27 kg/s, no losses, no radiator) makes the bound 0.05 / |trace A| about
    // 2e25 s; a 1e-300 s step is below 1e-324 of it. From (0, 0) the state moves by Δt b exactly:
    // b = (Q_in / C_hot, 0).
    const still = makeLoopParams({ UA_loss: 0 });
    const twin = new FlowDrivenTwin(still);
    twin.setState(0, 0);
    twin.setInputs(150, 0, 25, 22);
    twin.step(1e-300, 1e-27);
    expect(twin.tHotC / ((1e-300 * 150) / still.C_hot)).toBeCloseTo(1, 12);
  });

  it("integrates the model it is given even when no decay bounds the step (a reverse flow)", () => {
    // At m_dot = -0.01 kg/s the trace of A is positive (-(a11 + a22) < 0): there is no decay rate
    // to size sub-steps by, so the step is taken whole, and it still follows the linear model's
    // exact solution.
    const twin = new FlowDrivenTwin(p);
    twin.setState(60, 30);
    twin.setInputs(150, 10, 25, 22);
    const sys = linear(-0.01, 150, 10, 25, 22);
    expect(sys.a11 + sys.a22).toBeGreaterThan(0);
    twin.step(0.1, -0.01);
    const ref = exactLinear2(sys, [60, 30], 0.1);
    expect(Math.abs(twin.tHotC - ref[0])).toBeLessThan(1e-9);
    expect(Math.abs(twin.tColdC - ref[1])).toBeLessThan(1e-9);
    expect(twin.tHotC).not.toBe(60);
  });
});
